#pragma once
// The legend of the surprisal overlay: the colour ramp with ticks in nats/token and the matching token
// probabilities, drawn over the palette's base colour exactly as the tokens are tinted.

#include <QWidget>

namespace moescope {

class SurprisalLegend : public QWidget {
    Q_OBJECT

public:
    explicit SurprisalLegend(QWidget* parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace moescope
