#pragma once
// Where the bundled demo model, quantization policies and sample report are: next to the installed executable
// (<prefix>/share/moescope/...), else in the source/build tree the program was built from (developer runs).

#include <QString>

namespace moescope {

QString bundledResourcesDir(); // empty when neither exists
QString bundledDemoModel(); // .../models/finmoe-tiny, or empty
QString bundledQuantPolicies(); // .../quant-policies (the shipped mixed-precision policies), or empty
// The generated sample 10-K (.../samples/sample-10k.pdf, its ground truth beside it as sample-10k.truth.json):
// installed, else in the build tree. Empty when neither exists.
QString bundledSampleReport();

} // namespace moescope
