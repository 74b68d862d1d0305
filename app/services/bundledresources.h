#pragma once
// Where the bundled demo model and sample report are: next to the installed executable
// (<prefix>/share/moescope/...), else in the source tree the program was built from (developer runs).

#include <QString>

namespace moescope {

QString bundledResourcesDir(); // empty when neither exists
QString bundledDemoModel(); // .../models/finmoe-tiny, or empty

} // namespace moescope
