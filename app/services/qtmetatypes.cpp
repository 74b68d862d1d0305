#include "qtmetatypes.h"

namespace moescope {

void registerServiceMetaTypes()
{
    static const bool done = [] {
        qRegisterMetaType<moescope::ModelSummary>();
        return true;
    }();
    (void)done;
}

} // namespace moescope
