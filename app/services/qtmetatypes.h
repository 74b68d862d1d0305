#pragma once
// Backend value types that travel through queued signals between the InferenceService thread and the GUI.

#include "runtime/engine.h"
#include "services/workbenchtypes.h"

#include <QMetaType>

Q_DECLARE_METATYPE(moescope::ModelSummary)

namespace moescope {
void registerServiceMetaTypes(); // once, before the first queued connection
} // namespace moescope
