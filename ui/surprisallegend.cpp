#include "ui/surprisallegend.h"

#include "ui/surprisalcolors.h"

#include <QPainter>

#include <cmath>

namespace moescope {

SurprisalLegend::SurprisalLegend(QWidget* parent)
    : QWidget(parent)
{
    setToolTip(tr("Surprisal of a token = −ln p(token | preceding text), in nats. 0 nats: the model was certain; "
                  "%1 nats or more: probability below %2%.")
                   .arg(kSurprisalScaleMax)
                   .arg(100 * std::exp(-kSurprisalScaleMax), 0, 'g', 2));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void SurprisalLegend::setScale(const TokenTintScale& scale, const QString& toolTip)
{
    m_scale = scale;
    setToolTip(toolTip);
    update();
}

QSize SurprisalLegend::sizeHint() const
{
    return { 420, fontMetrics().height() * 2 + 16 };
}

QSize SurprisalLegend::minimumSizeHint() const
{
    return { 260, fontMetrics().height() * 2 + 16 };
}

void SurprisalLegend::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm = fontMetrics();
    const QString title = m_scale.title;
    const int titleWidth = fm.horizontalAdvance(title) + 12;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, 4, titleWidth, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, title);

    const QRect ramp(titleWidth, 4, std::max(60, width() - titleWidth - 8), fm.height());
    const QColor base = palette().color(QPalette::Base);
    for (int x = 0; x < ramp.width(); ++x) {
        const double v = m_scale.max * x / std::max(1, ramp.width() - 1);
        p.fillRect(QRect(ramp.left() + x, ramp.top(), 1, ramp.height()), m_scale.color(v, base));
    }
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(ramp.adjusted(0, 0, -1, -1));

    p.setPen(palette().color(QPalette::WindowText));
    const int ticks = std::max(1, m_scale.ticks);
    for (int i = 0; i <= ticks; ++i) {
        const double nats = m_scale.max * i / ticks;
        const int x = ramp.left() + int(std::lround(double(ramp.width() - 1) * i / ticks));
        p.drawLine(x, ramp.bottom(), x, ramp.bottom() + 3);
        const QString label = i == ticks ? QStringLiteral("≥%1").arg(nats, 0, 'g', 4) : QString::number(nats, 'g', 4);
        const int w = fm.horizontalAdvance(label);
        const int left = std::clamp(x - w / 2, ramp.left(), ramp.right() - w);
        p.drawText(QRect(left, ramp.bottom() + 4, w + 2, fm.height()), Qt::AlignLeft, label);
    }
}

} // namespace moescope
