#pragma once
// The legend of a token overlay: the colour ramp of its TokenTintScale with ticks in the scale's unit (surprisal in
// nats/token by default), drawn over the palette's base colour exactly as the tokens are tinted.

#include "ui/tokentintscale.h"

#include <QWidget>

namespace moescope {

class SurprisalLegend : public QWidget {
    Q_OBJECT

public:
    explicit SurprisalLegend(QWidget* parent = nullptr);
    void setScale(const TokenTintScale& scale, const QString& toolTip);
    const TokenTintScale& scale() const { return m_scale; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    TokenTintScale m_scale = TokenTintScale::surprisal();
};

} // namespace moescope
