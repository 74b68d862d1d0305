#pragma once
// Human-readable numbers for labels and tables.

#include <QString>

namespace moescope {

QString formatCount(qint64 n); // 15.7B, 2.45M, 812
QString formatBytes(qint64 bytes); // 31.4 GiB

} // namespace moescope
