#pragma once
// The Routing panel's co-activation tab: for one MoE layer, the expert x expert matrix of tokens routed to both
// experts (the backend's coactivationChart, shown by ChartSceneView), either normalised by the row expert's tokens or
// as raw counts; hovering a cell gives both counts and both shares. Export writes the figure and the full matrix as
// CSV. GUI thread only.

#include "services/routingjobs.h"

#include <QWidget>

class QCheckBox;
class QComboBox;

namespace moescope {

class ChartSceneView;

class RoutingCoactivationView : public QWidget {
    Q_OBJECT

public:
    explicit RoutingCoactivationView(QWidget* parent = nullptr);

    void setRouting(RoutingViewPtr view); // null, or a view with a run
    void setLayer(int layer);
    int layer() const; // -1 without a trace
    void setNormalised(bool normalised);
    bool normalised() const;
    QComboBox* layerBox() const { return m_layer; }
    ChartSceneView* chart() const { return m_chart; }
    // The hover text of cell (row expert a, column expert b).
    QString cellText(int a, int b) const;

    // routing_coactivation_layerL.svg/.png and routing_coactivation_layerL.csv (layer, expert_a, expert_b, tokens,
    // share_of_a, share_of_b for every pair a != b) into dir; returns the files. Throws moescope::Error.
    QStringList exportTo(const std::filesystem::path& dir) const;

public slots:
    void rebuild();

private:
    RoutingViewPtr m_view;
    QComboBox* m_layer;
    QCheckBox* m_normalised;
    ChartSceneView* m_chart;
    std::vector<std::uint32_t> m_matrix; // the shown layer's co-activation counts [experts * experts]
};

} // namespace moescope
