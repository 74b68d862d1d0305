#include "ui/routingpanel.h"

#include "core/error.h"

#include "eval/heatmapchart.h"
#include "eval/routingcharts.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "ui/chartsceneview.h"
#include "ui/routingcoactivationview.h"
#include "ui/routingdriftview.h"
#include "ui/routingtokentab.h"
#include "ui/routingtokenview.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace moescope {

namespace {
QString sectionRowLabel(const RoutingSegment& s, double jsd)
{
    QString title = QString::fromStdString(s.title);
    if (title.size() > 28)
        title = title.left(27) + QChar(0x2026);
    const QString name = s.key == "front" ? title : QStringLiteral("Item %1 %2").arg(s.key.c_str(), title);
    return QStringLiteral("%1 (JSD %2)").arg(name, std::isnan(jsd) ? "n/a" : QString::number(jsd, 'f', 3));
}

} // namespace

RoutingPanel::RoutingPanel(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_jobs(new JobTracker(this, 1))
    , m_summary(new QLabel)
    , m_runs(new QComboBox)
    , m_tabs(new QTabWidget)
    , m_measure(new QComboBox)
    , m_expertChart(new ChartSceneView)
    , m_cellLabel(new QLabel)
    , m_routedTokens(new QTreeWidget)
    , m_topOrder(new QComboBox)
    , m_topTokens(new QTableWidget(0, 4))
    , m_sectionLayer(new QComboBox)
    , m_sectionChart(new ChartSceneView)
    , m_entropyChart(new ChartSceneView)
    , m_balanceChart(new ChartSceneView)
    , m_drift(new RoutingDriftView(session))
    , m_tokenTab(new RoutingTokenTab)
    , m_coactivation(new RoutingCoactivationView)
    , m_persistenceChart(new ChartSceneView)
{
    setObjectName("routingPanel");
    m_summary->setWordWrap(true);
    m_summary->setObjectName("routingSummary");
    m_runs->setObjectName("routingRuns");
    m_sectionLayer->setObjectName("sectionLayer");
    m_runs->setToolTip(tr("The stored routing run of this document to show"));
    auto* exportButton = new QPushButton(tr("Export…"));
    exportButton->setObjectName("routingExport");
    exportButton->setToolTip(tr("Write the current view as SVG and PNG, with its data as CSV and JSON, into a folder"));
    auto* top = new QHBoxLayout;
    top->addWidget(m_runs, 1);
    top->addWidget(exportButton);

    m_tabs->addTab(makeExpertsTab(), tr("Experts"));
    auto* sections = new QWidget;
    auto* sectionsLayout = new QVBoxLayout(sections);
    auto* sectionBar = new QHBoxLayout;
    sectionBar->addWidget(new QLabel(tr("Layer:")));
    sectionBar->addWidget(m_sectionLayer, 1);
    sectionsLayout->addLayout(sectionBar);
    sectionsLayout->addWidget(m_sectionChart, 1);
    m_tabs->addTab(sections, tr("Sections"));
    m_tabs->addTab(m_entropyChart, tr("Entropy"));
    m_tabs->addTab(m_balanceChart, tr("Balance"));
    m_tabs->addTab(m_drift, tr("Drift"));
    m_tabs->addTab(m_tokenTab, tr("Tokens"));
    m_tabs->addTab(m_coactivation, tr("Co-activation"));
    m_tabs->addTab(m_persistenceChart, tr("Persistence"));
    m_tabs->setTabToolTip(int(View::Tokens), tr("The document's tokens coloured by their expert or routing entropy"));
    m_tabs->setTabToolTip(int(View::Persistence), tr("How often consecutive tokens keep their top-1 expert"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(top);
    layout->addWidget(m_tabs, 1);

    for (auto* chart : { m_expertChart, m_sectionChart, m_entropyChart, m_balanceChart, m_persistenceChart })
        chart->setMessage(tr("No routing yet: score the document (Analysis ▸ Run, F5) with a MoE model."));
    m_summary->setText(tr("No routing trace for this document."));

    connect(m_session, &SessionController::documentLoaded, this, [this](const DocumentDataPtr& d) {
        m_document = d;
        reload();
    });
    connect(m_session, &SessionController::perplexityLoaded, this, &RoutingPanel::reload);
    connect(m_session, &SessionController::documentCleared, this, [this] {
        m_document.reset();
        showView(nullptr);
    });
    connect(m_runs, &QComboBox::activated, this, [this](int index) {
        if (!m_document || m_updatingRuns)
            return;
        const qint64 run = m_runs->itemData(index).toLongLong();
        m_jobs->start<RoutingViewPtr>(
            tr("Reading the routing trace"),
            [path = m_session->sessionPath().toStdString(), doc = m_document->info.id, run](
                const JobContext& c) { return loadRoutingView(path, doc, run, c.stop); },
            [this](RoutingViewPtr v) { showView(std::move(v)); });
    });
    connect(m_expertChart, &ChartSceneView::rectClicked, this, [this](int index) {
        if (!hasTrace())
            return;
        const auto& a = m_view->run->aggregates;
        if (index < a.layerCount() * a.numExperts()) // the heatmap's cells come first, row by row
            selectCell(a.layerAt(index / a.numExperts()), index % a.numExperts());
    });
    m_expertChart->setHoverTextFunction([this](int index) {
        if (!hasTrace())
            return QString();
        const auto& a = m_view->run->aggregates;
        if (index >= a.layerCount() * a.numExperts())
            return QString();
        const int slot = index / a.numExperts(), expert = index % a.numExperts();
        const auto& l = a.layer(slot);
        return tr("Layer %1, expert %2: %3 tokens, %4% of the layer's choices, %5% of its routing weight; top-1 for "
                  "%6 tokens. Click to list them.")
            .arg(a.layerAt(slot))
            .arg(expert)
            .arg(l.counts[std::size_t(expert)])
            .arg(100.0 * a.share(slot)[std::size_t(expert)], 0, 'f', 2)
            .arg(100.0 * a.weightShare(slot)[std::size_t(expert)], 0, 'f', 2)
            .arg(l.top1Counts[std::size_t(expert)]);
    });
    connect(m_sectionChart, &ChartSceneView::rectClicked, this, [this](int index) {
        if (!hasTrace() || m_sectionLayer->currentIndex() < 0)
            return;
        const auto& a = m_view->run->aggregates;
        if (index < int(a.sections().size()) * a.numExperts()) {
            selectCell(m_sectionLayer->currentData().toInt(), index % a.numExperts());
            m_tabs->setCurrentIndex(0);
        }
    });
    connect(m_measure, &QComboBox::currentIndexChanged, this, &RoutingPanel::rebuildCharts);
    connect(m_sectionLayer, &QComboBox::currentIndexChanged, this, &RoutingPanel::rebuildSectionChart);
    connect(m_topOrder, &QComboBox::currentIndexChanged, this, &RoutingPanel::listTopTokens);
    connect(m_routedTokens, &QTreeWidget::itemActivated, this, &RoutingPanel::openRoutedToken);
    connect(m_routedTokens, &QTreeWidget::itemClicked, this, &RoutingPanel::openRoutedToken);
    connect(m_drift, &RoutingDriftView::citationRequested, this, &RoutingPanel::citationRequested);
    connect(exportButton, &QPushButton::clicked, this, &RoutingPanel::exportCurrentView);
    connect(m_tokenTab->view(), &RoutingTokenView::tokenActivated, this, [this](qulonglong token) {
        if (!hasTrace() || token >= m_view->queries->trace().tokenCount())
            return;
        const auto& trace = m_view->queries->trace();
        const int layer = m_tokenTab->view()->layer();
        selectCell(layer, summarizeTokenChoice(trace, trace.slotOf(layer), std::size_t(token)).top1);
        m_tabs->setCurrentIndex(int(View::Experts));
    });
    connect(m_tokenTab, &RoutingTokenTab::pageChanged, this, [this](int page) {
        if (showsTracedDocument())
            emit pageRequested(page);
    });
}

QWidget* RoutingPanel::makeExpertsTab()
{
    m_measure->addItem(tr("Share of the layer's top-k choices"));
    m_measure->addItem(tr("Share of the layer's routing weight"));
    m_measure->setObjectName("routingMeasure");
    m_cellLabel->setText(tr("Click a cell to list the tokens routed there."));
    m_cellLabel->setWordWrap(true);
    m_routedTokens->setObjectName("routedTokens");
    m_routedTokens->setHeaderLabels({ tr("Page"), tr("Weight"), tr("Token in context") });
    m_routedTokens->setRootIsDecorated(false);
    m_routedTokens->setUniformRowHeights(true);
    m_routedTokens->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_routedTokens->setToolTip(tr("Click a token to show its page"));
    m_topOrder->addItem(tr("Top tokens by count"));
    m_topOrder->addItem(tr("Top tokens by lift (≥ 5 occurrences)"));
    m_topTokens->setObjectName("topTokens");
    m_topTokens->setHorizontalHeaderLabels({ tr("Token"), tr("Count"), tr("Share %"), tr("Lift") });
    m_topTokens->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_topTokens->verticalHeader()->hide();
    m_topTokens->verticalHeader()->setDefaultSectionSize(m_topTokens->fontMetrics().height() + 6);
    m_topTokens->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_topTokens->setToolTip(tr("Share: of the token's occurrences routed to this expert. Lift: that share over the "
                               "expert's share of all tokens (> 1: more often than chance)."));

    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addWidget(m_measure);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_expertChart);
    auto* lists = new QWidget;
    auto* listsLayout = new QVBoxLayout(lists);
    listsLayout->setContentsMargins(0, 0, 0, 0);
    listsLayout->addWidget(m_cellLabel);
    // Tabs rather than side by side: the dock is often narrow, and both lists want the full width.
    auto* row = new QTabWidget;
    row->setObjectName("routingLists");
    row->addTab(m_routedTokens, tr("Tokens in context"));
    auto* topBox = new QWidget;
    auto* topLayout = new QVBoxLayout(topBox);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_topOrder);
    topLayout->addWidget(m_topTokens, 1);
    row->addTab(topBox, tr("Top tokens of the expert"));
    listsLayout->addWidget(row, 1);
    split->addWidget(lists);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    return tab;
}

ChartSceneView* RoutingPanel::chart(View view) const
{
    switch (view) {
    case View::Experts:
        return m_expertChart;
    case View::Sections:
        return m_sectionChart;
    case View::Entropy:
        return m_entropyChart;
    case View::Balance:
        return m_balanceChart;
    case View::Drift:
        return m_drift->chart();
    case View::Tokens:
        return nullptr;
    case View::Coactivation:
        return m_coactivation->chart();
    case View::Persistence:
        return m_persistenceChart;
    }
    return nullptr;
}

void RoutingPanel::reload()
{
    m_document = m_session->currentDocument();
    if (!m_session->hasSession() || !m_document) {
        showView(nullptr);
        return;
    }
    m_jobs->start<RoutingViewPtr>(
        tr("Reading the routing trace"),
        [path = m_session->sessionPath().toStdString(), doc = m_document->info.id](
            const JobContext& c) { return loadRoutingView(path, doc, 0, c.stop); },
        [this](RoutingViewPtr v) { showView(std::move(v)); },
        [this](
            const QString& message) { m_summary->setText(tr("The routing trace cannot be read: %1").arg(message)); });
}

void RoutingPanel::showView(RoutingViewPtr view)
{
    // A run read again, or a newer run of the document, keeps the selected cell (selectCell ignores a cell that the
    // new run does not have), so runs can be compared cell by cell.
    const auto kept = selectedCell();
    m_view = std::move(view);
    m_selectedLayer = m_selectedExpert = -1;
    m_routedTokens->clear();
    m_topTokens->setRowCount(0);
    m_cellLabel->setText(tr("Click a cell to list the tokens routed there."));
    m_drift->setRuns(m_view ? m_view->runs : std::vector<AnalysisRun> {});

    m_updatingRuns = true;
    m_runs->clear();
    m_sectionLayer->clear();
    if (m_view)
        for (const auto& r : m_view->runs)
            if (m_document && r.documentId == m_document->info.id) {
                m_runs->addItem(QString::fromStdString(routingRunLabel(r)), qint64(r.id));
                if (m_view->run && r.id == m_view->run->run.id)
                    m_runs->setCurrentIndex(m_runs->count() - 1);
            }
    if (hasTrace())
        for (const int layer : m_view->run->moeLayers)
            m_sectionLayer->addItem(tr("layer %1").arg(layer), layer);
    m_updatingRuns = false;

    m_tokenTab->setRouting(showsTracedDocument() ? m_document : nullptr, m_view);
    m_coactivation->setRouting(m_view);
    if (!hasTrace()) {
        m_summary->setText(tr("No routing trace for this document."));
        for (auto* chart : { m_expertChart, m_sectionChart, m_entropyChart, m_balanceChart, m_persistenceChart })
            chart->setMessage(tr("No routing yet: score the document (Analysis ▸ Run, F5) with a MoE model."));
        return;
    }
    const auto& r = *m_view->run;
    m_summary->setText(tr("%1: %2 tokens, %3 MoE layers, top-%4 of %5 experts, %6 %7")
                           .arg(QString::fromStdString(r.info.modelName))
                           .arg(r.tokens)
                           .arg(r.moeLayers.size())
                           .arg(r.k)
                           .arg(r.numExperts)
                           .arg(QString::fromStdString(r.info.device), QString::fromStdString(r.info.dtype)));
    m_sectionLayer->setCurrentIndex(m_sectionLayer->count() / 2);
    rebuildCharts();
    if (kept.first >= 0)
        selectCell(kept.first, kept.second);
    emit traceLoaded();
}

void RoutingPanel::rebuildCharts()
{
    if (!hasTrace())
        return;
    const RoutingChartOptions o { m_view->run->info.modelName, ChartSceneView::currentChartTheme(), {} };
    // Laid out for their views' size (again on every resize), from this trace.
    const auto fitted = [view = m_view, o](auto draw) {
        return [view, o, draw](FigureSize fit) { return draw(view->run->aggregates, o.fittedTo(fit)); };
    };
    const bool weightShare = m_measure->currentIndex() == 1;
    try {
        m_expertChart->setSceneBuilder(fitted([weightShare](const RoutingAggregates& aggregates,
                                                  const RoutingChartOptions& options) {
            return expertLoadChart(aggregates, options, weightShare);
        }));
        m_entropyChart->setSceneBuilder(fitted(entropyChart));
        m_balanceChart->setSceneBuilder(fitted(balanceChart));
        m_persistenceChart->setSceneBuilder(fitted(persistenceChart));
    } catch (const std::exception& e) {
        m_expertChart->setMessage(QString::fromUtf8(e.what()));
    }
    rebuildSectionChart();
    m_drift->rebuildChart();
}

void RoutingPanel::showRouting(const DocumentDataPtr& document, RoutingViewPtr view)
{
    m_document = document;
    showView(std::move(view));
}

bool RoutingPanel::showsTracedDocument() const
{
    return m_document && hasTrace() && m_view->run->run.documentId == m_document->info.id;
}

void RoutingPanel::followPage(int page)
{
    if (showsTracedDocument())
        m_tokenTab->followPage(page);
}

void RoutingPanel::rebuildSectionChart()
{
    if (!hasTrace() || m_sectionLayer->currentIndex() < 0)
        return;
    const auto& a = m_view->run->aggregates;
    if (a.sections().empty()) {
        m_sectionChart->setMessage(tr("The document has no 10-K sections (Items) to compare."));
        return;
    }
    const int layer = m_sectionLayer->currentData().toInt();
    const int slot = a.slotOf(layer);
    const auto share = a.sectionShare(slot);
    const auto jsd = a.sectionSpecialisation(slot);
    HeatmapSpec h;
    h.title = "Expert use per section, layer " + std::to_string(layer);
    h.subtitle = m_view->run->info.modelName + ", " + std::to_string(a.tokens())
        + " tokens; share of each section's top-k choices, rows sum to 100%; JSD: Jensen-Shannon divergence (bits) "
          "of the section's experts against the whole document's";
    h.xLabel = "expert";
    h.yLabel = "section";
    h.valueLabel = "share of the section's choices (%)";
    for (std::size_t s = 0; s < a.sections().size(); ++s)
        h.rowLabels.push_back(sectionRowLabel(a.sections()[s], jsd[s]).toStdString());
    for (int e = 0; e < a.numExperts(); ++e)
        h.columnLabels.push_back(std::to_string(e));
    for (const double v : share)
        h.values.push_back(100.0 * v);
    h.missingLabel = "section without tokens";
    h.valueDecimals = 2;
    h.theme = ChartSceneView::currentChartTheme();
    m_sectionChart->setSceneBuilder([h](FigureSize fit) {
        HeatmapSpec sized = h;
        sized.fit = fit;
        return heatmapChart(sized);
    });
}

void RoutingPanel::selectCell(int layer, int expert)
{
    if (!hasTrace() || m_view->run->aggregates.slotOf(layer) < 0 || expert < 0 || expert >= m_view->run->numExperts)
        return;
    m_selectedLayer = layer;
    m_selectedExpert = expert;
    listRoutedTokens();
    listTopTokens();
}

void RoutingPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        rebuildCharts();
        m_coactivation->rebuild(); // (showView rebuilds it through setRouting)
    }
}

} // namespace moescope
