#pragma once
// The routing inspector (issue 6) for the document being viewed: the routing trace that the analysis scoring pass
// recorded (ScoringRunner stores it as a "routing" run). Views: layer x expert heatmap (share of choices or of routing
// weight, normalised per layer; hover values; a click lists the tokens routed to that cell in context, with page
// citations, and the expert's top tokens by count and by lift), experts x sections for one layer with each section's
// specialisation (JSD), per-layer entropy and load balance, drift between two stored runs (RoutingDriftView), the
// document's tokens coloured by expert or entropy (RoutingTokenTab, kept in step with the document view's page:
// pageRequested / followPage), expert co-activation per layer (RoutingCoactivationView) and top-1 persistence.
// Every chart is the backend's ChartScene, so the view and its SVG/PNG export are one figure; CSV/JSON exports are
// the backend's routing report files. Loading runs as a background job; the GUI thread only draws.
// GUI thread only.

#include "services/routingjobs.h"
#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTabWidget;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace moescope {

class ChartSceneView;
class JobTracker;
class RoutingCoactivationView;
class RoutingDriftView;
class RoutingTokenTab;
class SessionController;

class RoutingPanel : public QWidget {
    Q_OBJECT

public:
    // In tab order (the tab index is the view).
    enum class View { Experts, Sections, Entropy, Balance, Drift, Tokens, Coactivation, Persistence };
    static constexpr int kListedTokens = 300; // rows of the routed-token list (the count says how many there are)

    explicit RoutingPanel(SessionController* session, QWidget* parent = nullptr);

    bool hasTrace() const { return m_view && m_view->run.has_value(); }
    RoutingViewPtr routingView() const { return m_view; }
    JobTracker* jobs() const { return m_jobs; }
    QTabWidget* tabs() const { return m_tabs; }
    ChartSceneView* expertChart() const { return m_expertChart; }
    ChartSceneView* sectionChart() const { return m_sectionChart; }
    ChartSceneView* chart(View view) const; // null for Tokens (not a chart)
    QTreeWidget* routedTokens() const { return m_routedTokens; }
    QTableWidget* topTokens() const { return m_topTokens; }
    RoutingDriftView* driftView() const { return m_drift; }
    RoutingTokenTab* tokenTab() const { return m_tokenTab; }
    RoutingCoactivationView* coactivationView() const { return m_coactivation; }
    // The (layer, expert) whose tokens are listed; layer -1 when none.
    std::pair<int, int> selectedCell() const { return { m_selectedLayer, m_selectedExpert }; }

    // Writes the view's chart as STEM.svg and STEM.png and its data as CSV (the routing report's CSV files; the drift
    // CSVs for the drift view; the view's own table for Tokens and Coactivation, see those classes) and JSON into dir;
    // returns the files written. Throws moescope::Error on failure.
    QStringList exportView(View view, const QString& dir) const;

public slots:
    // Reads the newest routing run of the current document again (after a scoring run).
    void reload();
    // Shows a routing view already loaded (benchmarks, tests, a caller that loaded it itself), as reload() would.
    void showRouting(const DocumentDataPtr& document, RoutingViewPtr view);
    // The document view shows page: the token view follows (without echoing pageRequested).
    void followPage(int page);
    void selectCell(int layer, int expert);
    void exportCurrentView();

signals:
    void citationRequested(qint64 documentId, int page, const QStringList& terms);
    void traceLoaded();
    // The token view moved to another page of the traced document (the document view should show it).
    void pageRequested(int page, const QStringList& terms = {});

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* makeExpertsTab();
    void showView(RoutingViewPtr view);
    void rebuildCharts();
    void rebuildSectionChart();
    void listRoutedTokens();
    void listTopTokens();
    void openRoutedToken(QTreeWidgetItem* item);
    QString contextOf(const TextSpan& span, int page) const;
    bool showsTracedDocument() const; // the open document is the one the shown run traced

    SessionController* m_session;
    JobTracker* m_jobs;
    RoutingViewPtr m_view;
    DocumentDataPtr m_document;
    QLabel* m_summary;
    QComboBox* m_runs;
    QTabWidget* m_tabs;
    QComboBox* m_measure;
    ChartSceneView* m_expertChart;
    QLabel* m_cellLabel;
    QTreeWidget* m_routedTokens;
    QComboBox* m_topOrder;
    QTableWidget* m_topTokens;
    QComboBox* m_sectionLayer;
    ChartSceneView* m_sectionChart;
    ChartSceneView* m_entropyChart;
    ChartSceneView* m_balanceChart;
    RoutingDriftView* m_drift;
    RoutingTokenTab* m_tokenTab;
    RoutingCoactivationView* m_coactivation;
    ChartSceneView* m_persistenceChart;
    int m_selectedLayer = -1;
    int m_selectedExpert = -1;
    bool m_updatingRuns = false;
};

} // namespace moescope
