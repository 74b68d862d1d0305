#pragma once
// Routes Qt's messages (qDebug/qWarning/... from Qt and from our Qt code) into spdlog, so the console and the
// rotating log file hold everything in one place.

namespace moescope {
void installQtMessageHandler();
} // namespace moescope
