#include "ui/routingdriftview.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/routingcharts.h"
#include "io/jsonfile.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "ui/chartexport.h"
#include "ui/chartsceneview.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace moescope {

RoutingDriftView::RoutingDriftView(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_jobs(new JobTracker(this, 1))
    , m_runA(new QComboBox)
    , m_runB(new QComboBox)
    , m_compare(new QPushButton(tr("Compare")))
    , m_status(new QLabel)
    , m_chart(new ChartSceneView)
    , m_tokens(new QTreeWidget)
{
    m_runA->setObjectName("driftRunA");
    m_runB->setObjectName("driftRunB");
    m_compare->setObjectName("driftCompare");
    m_status->setWordWrap(true);
    m_status->setText(tr("Pick two routing runs of the same text (e.g. the model and a quantized variant)."));
    m_chart->setMessage(tr("No drift computed yet."));
    m_tokens->setObjectName("driftTokens");
    m_tokens->setHeaderLabels({ tr("Page"), tr("Layers changed"), tr("Jaccard"), tr("Token") });
    m_tokens->setRootIsDecorated(false);
    m_tokens->header()->setSectionResizeMode(3, QHeaderView::Stretch);

    auto* pick = new QHBoxLayout;
    pick->addWidget(new QLabel(tr("A:")));
    pick->addWidget(m_runA, 1);
    pick->addWidget(new QLabel(tr("B:")));
    pick->addWidget(m_runB, 1);
    pick->addWidget(m_compare);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chart);
    split->addWidget(m_tokens);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pick);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_compare, &QPushButton::clicked, this, [this] { compare(); });
    connect(m_tokens, &QTreeWidget::itemActivated, this, &RoutingDriftView::openToken);
    connect(m_tokens, &QTreeWidget::itemClicked, this, &RoutingDriftView::openToken);
}

void RoutingDriftView::setRuns(const std::vector<AnalysisRun>& runs)
{
    const qint64 a = m_runA->currentData().toLongLong(), b = m_runB->currentData().toLongLong();
    m_runs = runs;
    m_runA->clear();
    m_runB->clear();
    for (const auto& r : runs) {
        const QString label = QString::fromStdString(routingRunLabel(r));
        m_runA->addItem(label, qint64(r.id));
        m_runB->addItem(label, qint64(r.id));
    }
    // Keep the choice; by default the two newest runs, older as A.
    const int ia = m_runA->findData(a), ib = m_runB->findData(b);
    m_runA->setCurrentIndex(ia >= 0 ? ia : std::min(1, m_runA->count() - 1));
    m_runB->setCurrentIndex(ib >= 0 ? ib : 0);
    m_compare->setEnabled(runs.size() >= 2);
}

void RoutingDriftView::compare(qint64 runA, qint64 runB)
{
    if (runA == 0)
        runA = m_runA->currentData().toLongLong();
    if (runB == 0)
        runB = m_runB->currentData().toLongLong();
    if (runA == 0 || runB == 0 || !m_session->hasSession())
        return;
    if (const int i = m_runA->findData(runA); i >= 0)
        m_runA->setCurrentIndex(i);
    if (const int i = m_runB->findData(runB); i >= 0)
        m_runB->setCurrentIndex(i);
    m_status->setText(tr("Computing the drift of run %1 against run %2…").arg(runA).arg(runB));
    m_jobs->start<RoutingDriftResultPtr>(
        tr("Computing routing drift"),
        [path = m_session->sessionPath().toStdString(), runA, runB](
            const JobContext& c) { return loadRoutingDrift(path, runA, runB, c.stop); },
        [this](RoutingDriftResultPtr d) { showDrift(std::move(d)); },
        [this](const QString& message) {
            m_status->setText(tr("No drift: %1").arg(message));
            m_chart->setMessage(message);
        });
}

void RoutingDriftView::showDrift(RoutingDriftResultPtr drift)
{
    m_drift = std::move(drift);
    const auto& d = m_drift->drift;
    m_status->setText(tr("Run %1 against run %2: %3 tokens; top-k set changed in %4% of (token, layer) pairs, mean "
                         "Jaccard %5")
                          .arg(m_drift->runA)
                          .arg(m_drift->runB)
                          .arg(d.tokens)
                          .arg(100.0 * d.changedShare, 0, 'f', 2)
                          .arg(d.meanJaccard, 0, 'f', 4));
    rebuildChart();
    m_tokens->clear();
    const auto document = m_session->currentDocument();
    const std::string source = document ? "document:" + std::to_string(document->info.id) : std::string();
    const bool sameDocument
        = document && (m_drift->a.source == source || m_drift->a.source.rfind(source + " (", 0) == 0);
    QList<QTreeWidgetItem*> items;
    for (const auto& t : d.mostChanged) {
        auto* item = new QTreeWidgetItem;
        const int page = sameDocument ? document->pageAt(t.span.begin) : -1;
        item->setText(0, page >= 0 ? QString::number(page + 1) : QStringLiteral("–"));
        item->setText(1, QString::number(t.layersChanged));
        item->setText(2, QString::number(t.meanJaccard, 'f', 3));
        const QString text = m_drift->tokenText ? QString::fromStdString(m_drift->tokenText(t.tokenId))
                                                : QStringLiteral("#%1").arg(t.tokenId);
        item->setText(3, QStringLiteral("“%1”").arg(text.simplified()));
        item->setData(0, Qt::UserRole, page);
        item->setData(0, Qt::UserRole + 1, text.trimmed());
        items.append(item);
    }
    m_tokens->addTopLevelItems(items);
    m_tokens->resizeColumnToContents(0);
    m_tokens->resizeColumnToContents(1);
    emit driftReady();
}

void RoutingDriftView::rebuildChart()
{
    if (!m_drift)
        return;
    const RoutingChartOptions o { m_drift->a.modelName, ChartSceneView::currentChartTheme(), {} };
    const auto name = [](const RoutingTraceInfo& i, qint64 run) {
        std::string n = "run " + std::to_string(run) + " (" + i.dtype;
        if (!i.quantization.empty() && i.quantization != "none")
            n += ", " + i.quantization;
        return n + ")";
    };
    try {
        m_chart->setSceneBuilder([this, o, name](FigureSize fit) {
            if (!m_drift)
                throw InvalidArgumentError("no drift computed yet: pick two runs and press Compare");
            return driftChart(m_drift->drift, name(m_drift->a, m_drift->runA), name(m_drift->b, m_drift->runB),
                o.fittedTo(fit));
        });
    } catch (const std::exception& e) {
        m_chart->setMessage(QString::fromUtf8(e.what()));
    }
}

void RoutingDriftView::openToken(QTreeWidgetItem* item)
{
    const auto document = m_session->currentDocument();
    if (!item || !document)
        return;
    const int page = item->data(0, Qt::UserRole).toInt();
    if (page < 0)
        return;
    const QString token = item->data(0, Qt::UserRole + 1).toString();
    emit citationRequested(document->info.id, page, token.size() >= 2 ? QStringList { token } : QStringList {});
}

QStringList RoutingDriftView::exportTo(const QString& dir) const
{
    if (!m_drift || !m_chart->hasScene())
        throw InvalidArgumentError("no drift computed yet: pick two runs and press Compare");
    const std::filesystem::path folder = dir.toStdString();
    std::filesystem::create_directories(folder);
    QStringList out;
    out << writeChartExports(m_chart->exportFigure(), folder / "routing_drift");
    for (const auto& p : writeDriftCsv(m_drift->drift, m_drift->tokenText, folder))
        out << QString::fromStdString(p.string());
    const auto json = routingDriftJson(m_drift->drift, m_drift->a, m_drift->b, m_drift->tokenText);
    writeTextFileAtomic(folder / "routing_drift.json", json.dump(2));
    out << QString::fromStdString((folder / "routing_drift.json").string());
    return out;
}

} // namespace moescope
