#include "testsupport.h"

#include <QDir>

namespace moescope::test {

QString sourceDir() { return QStringLiteral(MOESCOPE_SOURCE_DIR); }

QString sharedDir() { return QDir::cleanPath(QStringLiteral(MOESCOPE_SHARED_DIR)); }

QString binaryDir() { return QStringLiteral(MOESCOPE_BINARY_DIR); }

QString fixturesDir() { return sourceDir() + QStringLiteral("/tests/fixtures"); }

QString cliPath()
{
    const QString fromEnv = qEnvironmentVariable("MOESCOPE_CLI");
    return fromEnv.isEmpty() ? binaryDir() + QStringLiteral("/app/cli/moescope-cli") : fromEnv;
}

QString artifactsDir()
{
    QString dir = qEnvironmentVariable("MOESCOPE_TEST_ARTIFACTS");
    if (dir.isEmpty())
        dir = binaryDir() + QStringLiteral("/test-artifacts");
    QDir().mkpath(dir);
    return dir;
}

} // namespace moescope::test
