#include "qtmetatypes.h"

namespace moescope {

void registerServiceMetaTypes()
{
    static const bool done = [] {
        qRegisterMetaType<moescope::ModelSummary>();
        qRegisterMetaType<moescope::ModelCapabilities>();
        qRegisterMetaType<moescope::RetrievalContext>();
        return true;
    }();
    (void)done;
}

} // namespace moescope
