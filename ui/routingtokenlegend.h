#pragma once
// The legend of the routing token view: for top-1 expert colouring, each palette colour with the experts that share
// it (expert e has colour e mod 9); for entropy colouring, the viridis ramp from 0 to log2(k) bits. GUI thread only.

#include "ui/routingtokencolors.h"

#include <QWidget>

namespace moescope {

class RoutingTokenLegend : public QWidget {
    Q_OBJECT

public:
    explicit RoutingTokenLegend(QWidget* parent = nullptr);

    void setLegend(RoutingTokenColoring coloring, int experts, int k);
    // The legend as text, one entry a line ("#77AADD: experts 0, 9, 18"; "0 bits … 2.58 bits"), for tests and
    // accessibility.
    QString text() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    // Entry rectangles for the categorical legend at this width (swatch + label), in order.
    std::vector<QRect> entryRects(int width) const;
    QString entryLabel(int index) const;

    RoutingTokenColoring m_coloring = RoutingTokenColoring::TopExpert;
    int m_experts = 0;
    int m_k = 1;
};

} // namespace moescope
