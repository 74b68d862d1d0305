#pragma once
// Paths and helpers shared by the QtTest suites.

#include <QString>
#include <QTemporaryDir>

namespace moescope::test {

QString sourceDir(); // the project checkout
QString sharedDir(); // ../shared: real PDFs, tokenizers, configs, corpus (read-only)
QString binaryDir(); // the CMake build folder
QString fixturesDir(); // tests/fixtures
QString cliPath(); // the moescope-cli executable under test
// Where tests leave screenshots and exported files for people to look at ($MOESCOPE_TEST_ARTIFACTS, else a folder in
// the build tree); created on first use.
QString artifactsDir();

} // namespace moescope::test
