#include "ui/routingtokenlegend.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
constexpr int kSwatch = 12;
constexpr int kGap = 12;
constexpr int kRampWidth = 220;
} // namespace

RoutingTokenLegend::RoutingTokenLegend(QWidget* parent)
    : QWidget(parent)
{
    setObjectName("routingTokenLegend");
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void RoutingTokenLegend::setLegend(RoutingTokenColoring coloring, int experts, int k)
{
    m_coloring = coloring;
    m_experts = experts;
    m_k = std::max(1, k);
    setToolTip(text());
    updateGeometry();
    update();
}

QString RoutingTokenLegend::entryLabel(int index) const
{
    const int shared = (m_experts - index + kExpertPaletteSize - 1) / kExpertPaletteSize;
    return (shared == 1 ? tr("expert %1") : tr("experts %1"))
        .arg(QString::fromStdString(expertsOfPaletteEntry(index, m_experts)));
}

QString RoutingTokenLegend::text() const
{
    QStringList lines;
    if (m_coloring == RoutingTokenColoring::TopExpert) {
        lines << tr("top-1 expert:");
        for (int i = 0; i < std::min(m_experts, kExpertPaletteSize); ++i)
            lines << QStringLiteral("%1: %2").arg(expertColor(i).name(QColor::HexRgb).toUpper(), entryLabel(i));
    } else {
        lines << tr("entropy of the top-k weights: 0 bits (one expert takes all) … %1 bits (equal weights)")
                     .arg(std::log2(double(m_k)), 0, 'f', 2);
    }
    return lines.join('\n');
}

std::vector<QRect> RoutingTokenLegend::entryRects(int width) const
{
    std::vector<QRect> out;
    const QFontMetrics fm(font());
    const int title = fm.horizontalAdvance(tr("Top-1 expert:")) + kGap;
    int x = title, y = 0;
    for (int i = 0; i < std::min(m_experts, kExpertPaletteSize); ++i) {
        const int w = kSwatch + 4 + fm.horizontalAdvance(entryLabel(i));
        if (x > title && x + w > width) {
            x = title;
            y += fm.height() + 2;
        }
        out.emplace_back(x, y, w, fm.height());
        x += w + kGap;
    }
    return out;
}

int RoutingTokenLegend::heightForWidth(int width) const
{
    const QFontMetrics fm(font());
    if (m_coloring == RoutingTokenColoring::Entropy)
        return fm.height() * 2 + 6;
    const auto rects = entryRects(width);
    return rects.empty() ? fm.height() : rects.back().bottom() + 3;
}

QSize RoutingTokenLegend::sizeHint() const
{
    return { 400, heightForWidth(400) };
}

void RoutingTokenLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QFontMetrics fm(font());
    p.setPen(palette().color(QPalette::WindowText));
    if (m_coloring == RoutingTokenColoring::Entropy) {
        const QString title = tr("Top-k weight entropy:");
        p.drawText(0, fm.ascent(), title);
        const int x0 = fm.horizontalAdvance(title) + kGap;
        const int w = std::max(40, std::min(kRampWidth, width() - x0 - 8));
        const double maxBits = std::log2(double(m_k));
        for (int i = 0; i < w; ++i)
            p.fillRect(x0 + i, 1, 1, fm.height() - 2, entropyColor(maxBits * i / std::max(1, w - 1), maxBits));
        p.drawRect(x0, 1, w - 1, fm.height() - 3);
        const int y = fm.height() + fm.ascent() + 2;
        p.drawText(x0, y, tr("0 bits"));
        const QString top = tr("%1 bits (log2 k)").arg(maxBits, 0, 'f', 2);
        p.drawText(x0 + w - fm.horizontalAdvance(top), y, top);
        return;
    }
    p.drawText(0, fm.ascent(), tr("Top-1 expert:"));
    const auto rects = entryRects(width());
    for (std::size_t i = 0; i < rects.size(); ++i) {
        const QRect& r = rects[i];
        const QRect swatch(r.x(), r.y() + (r.height() - kSwatch) / 2, kSwatch, kSwatch);
        p.fillRect(swatch, expertColor(int(i)));
        p.drawRect(swatch.adjusted(0, 0, -1, -1));
        p.drawText(r.x() + kSwatch + 4, r.y() + fm.ascent(), entryLabel(int(i)));
    }
}

} // namespace moescope
