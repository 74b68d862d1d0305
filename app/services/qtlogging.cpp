#include "qtlogging.h"

#include <QString>
#include <QtGlobal>

#include <spdlog/spdlog.h>

namespace moescope {

namespace {
    void handler(QtMsgType type, const QMessageLogContext& context, const QString& message)
    {
        const auto text = message.toStdString();
        const char* category = context.category ? context.category : "qt";
        switch (type) {
        case QtDebugMsg:
            spdlog::debug("[{}] {}", category, text);
            break;
        case QtInfoMsg:
            spdlog::info("[{}] {}", category, text);
            break;
        case QtWarningMsg:
            spdlog::warn("[{}] {}", category, text);
            break;
        case QtCriticalMsg:
        case QtFatalMsg:
            spdlog::error("[{}] {}", category, text);
            break;
        }
    }
} // namespace

void installQtMessageHandler() { qInstallMessageHandler(handler); }

} // namespace moescope
