#include "ui/uiformat.h"

#include <cmath>

namespace moescope {

QString formatCount(qint64 n)
{
    const double v = static_cast<double>(n);
    if (std::abs(v) >= 1e9)
        return QString::number(v / 1e9, 'f', 2) + "B";
    if (std::abs(v) >= 1e6)
        return QString::number(v / 1e6, 'f', 2) + "M";
    if (std::abs(v) >= 1e4)
        return QString::number(v / 1e3, 'f', 1) + "K";
    return QString::number(n);
}

QString formatBytes(qint64 bytes)
{
    const char* units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    return u == 0 ? QString("%1 B").arg(bytes) : QString("%1 %2").arg(v, 0, 'f', v < 10 ? 2 : 1).arg(units[u]);
}

} // namespace moescope
