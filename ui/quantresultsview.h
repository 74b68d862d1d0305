#pragma once
// The results of a quantization comparison: a summary table in the shape of a paper's table (memory % of bf16,
// decode speed x baseline, perplexity with its 95% CI, ratio to the baseline with its paired CI, KL mean and p99, top-1
// agreement, Δp mean and RMS), bars per metric, per-layer routing drift lines and weight memory against KL as a
// scatter. The charts are the backend's ChartScenes (eval/comparisoncharts.h), so Export writes the figures shown, as
// SVG, PNG and PDF, with the table as CSV and Markdown and the whole result as JSON. The "Damage on the page" tab is a
// QuantDamageView over the document the comparison ran on. GUI thread only.

#include "eval/comparison.h"
#include "services/workbenchtypes.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QTabWidget;
class QTableWidget;

namespace moescope {

class ChartSceneView;
class QuantDamageView;

class QuantResultsView : public QWidget {
    Q_OBJECT

public:
    enum Column {
        Model,
        Memory,
        Speed,
        Perplexity,
        Ratio,
        KlMean,
        KlP99,
        Top1,
        DeltaPMean,
        DeltaPRms,
        RoutingChanged,
        ColumnCount
    };

    explicit QuantResultsView(QWidget* parent = nullptr);

    // document: the one the comparison ran on (null when it is not the one open: no overlay).
    void setResult(std::shared_ptr<const ComparisonResult> result, DocumentDataPtr document = nullptr);
    std::shared_ptr<const ComparisonResult> result() const { return m_result; }
    QTableWidget* table() const { return m_table; }
    QTabWidget* tabs() const { return m_tabs; }
    ChartSceneView* metricChart() const { return m_metricChart; }
    ChartSceneView* driftChart() const { return m_driftChart; }
    ChartSceneView* scatterChart() const { return m_scatterChart; }
    QComboBox* metricPicker() const { return m_metric; }
    QuantDamageView* damageView() const { return m_damage; }

    // comparison.json, comparison.csv, comparison.md, routing_drift.csv and every chart (each metric, drift, memory
    // vs quality) as SVG, PNG and PDF into dir; returns the files written. Throws moescope::Error.
    QStringList exportTo(const QString& dir) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void fillTable();
    void rebuildCharts();

    std::shared_ptr<const ComparisonResult> m_result;
    QTableWidget* m_table;
    QTabWidget* m_tabs;
    QComboBox* m_metric;
    ChartSceneView* m_metricChart;
    ChartSceneView* m_driftChart;
    ChartSceneView* m_scatterChart;
    QuantDamageView* m_damage;
};

} // namespace moescope
