#include "bundledresources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace moescope {

QString bundledResourcesDir()
{
    const QStringList candidates { qEnvironmentVariable("MOESCOPE_RESOURCES"),
        QCoreApplication::applicationDirPath() + "/../share/moescope", QStringLiteral(MOESCOPE_SOURCE_RESOURCES) };
    for (const auto& dir : candidates)
        if (!dir.isEmpty() && QFileInfo(dir + "/models").isDir())
            return QDir::cleanPath(dir);
    return {};
}

QString bundledDemoModel()
{
    const auto dir = bundledResourcesDir();
    const auto model = dir + "/models/finmoe-tiny";
    return !dir.isEmpty() && QFileInfo(model + "/config.json").exists() ? model : QString();
}

QString bundledQuantPolicies()
{
    const auto dir = bundledResourcesDir();
    return !dir.isEmpty() && QFileInfo(dir + "/quant-policies").isDir() ? dir + "/quant-policies" : QString();
}

QString bundledSampleReport()
{
    const QStringList candidates { qEnvironmentVariable("MOESCOPE_RESOURCES"),
        QCoreApplication::applicationDirPath() + "/../share/moescope", QStringLiteral(MOESCOPE_BUILD_SHARE) };
    for (const auto& dir : candidates) {
        const auto pdf = dir + "/samples/sample-10k.pdf";
        if (!dir.isEmpty() && QFileInfo(pdf).isFile())
            return QDir::cleanPath(pdf);
    }
    return {};
}

} // namespace moescope
