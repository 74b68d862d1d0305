#pragma once
// The routing inspector's drift view: pick two stored routing runs of the same text (e.g. the model in bf16 and an
// int4 quantization), compute their drift in a background job (eval/routingdrift.h) and show the per-layer share of
// tokens whose top-k set changed (the backend's drift chart) and the tokens whose routing changed most, with page
// citations when the runs are of the document being viewed. GUI thread only.

#include "services/routingjobs.h"
#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace moescope {

class ChartSceneView;
class JobTracker;
class SessionController;

class RoutingDriftView : public QWidget {
    Q_OBJECT

public:
    explicit RoutingDriftView(SessionController* session, QWidget* parent = nullptr);

    void setRuns(const std::vector<AnalysisRun>& runs);
    // Computes the drift of the runs picked (or of runA, runB when given).
    void compare(qint64 runA = 0, qint64 runB = 0);
    void rebuildChart();
    bool hasDrift() const { return m_drift != nullptr; }
    RoutingDriftResultPtr drift() const { return m_drift; }
    ChartSceneView* chart() const { return m_chart; }
    QTreeWidget* tokens() const { return m_tokens; }
    JobTracker* jobs() const { return m_jobs; }
    // routing_drift.svg/.png, drift_layers.csv, drift_tokens.csv and routing_drift.json into dir.
    QStringList exportTo(const QString& dir) const;

signals:
    void citationRequested(qint64 documentId, int page, const QStringList& terms);
    void driftReady();

private:
    void showDrift(RoutingDriftResultPtr drift);
    void openToken(QTreeWidgetItem* item);

    SessionController* m_session;
    JobTracker* m_jobs;
    RoutingDriftResultPtr m_drift;
    std::vector<AnalysisRun> m_runs;
    QComboBox* m_runA;
    QComboBox* m_runB;
    QPushButton* m_compare;
    QLabel* m_status;
    ChartSceneView* m_chart;
    QTreeWidget* m_tokens;
};

} // namespace moescope
