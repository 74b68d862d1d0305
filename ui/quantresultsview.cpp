#include "ui/quantresultsview.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/comparisoncharts.h"
#include "eval/comparisonreport.h"
#include "io/jsonfile.h"
#include "ui/chartexport.h"
#include "ui/chartsceneview.h"
#include "ui/comparisonsummary.h"
#include "ui/quantdamageview.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace moescope {

QuantResultsView::QuantResultsView(QWidget* parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount))
    , m_tabs(new QTabWidget)
    , m_metric(new QComboBox)
    , m_metricChart(new ChartSceneView)
    , m_driftChart(new ChartSceneView)
    , m_scatterChart(new ChartSceneView)
    , m_damage(new QuantDamageView)
{
    m_table->setObjectName("quantTable");
    m_table->setHorizontalHeaderLabels(comparisonSummaryHeaders());
    m_table->horizontalHeaderItem(Memory)->setToolTip(tr("Weight bytes as a share of the model's bf16 weight bytes"));
    m_table->horizontalHeaderItem(Speed)->setToolTip(tr("Decode tokens per second relative to the baseline"));
    m_table->horizontalHeaderItem(Ratio)->setToolTip(
        tr("exp(mean(NLL_variant - NLL_baseline)); the interval comes from the paired per-token differences"));
    m_table->horizontalHeaderItem(KlMean)->setToolTip(tr("KL divergence from the baseline, nats per token"));
    m_table->horizontalHeaderItem(Top1)->setToolTip(
        tr("Tokens where the variant's most likely token is the baseline's"));
    m_table->horizontalHeaderItem(DeltaPMean)
        ->setToolTip(tr("Change of the probability of the true next token, percentage points"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    // Room for the baseline and three variants without scrolling: the table is the figure most people copy.
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
        + 4 * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth()
        + m_table->horizontalScrollBar()->sizeHint().height());

    for (const auto& m : comparisonMetrics())
        m_metric->addItem(QString::fromStdString(m.name), int(m.metric));
    m_metric->setObjectName("quantMetric");
    auto* metricTab = new QWidget;
    auto* metricLayout = new QVBoxLayout(metricTab);
    metricLayout->addWidget(m_metric);
    metricLayout->addWidget(m_metricChart, 1);
    m_tabs->addTab(metricTab, tr("Metrics"));
    m_tabs->addTab(m_driftChart, tr("Routing drift"));
    m_tabs->addTab(m_scatterChart, tr("Memory vs quality"));
    m_tabs->addTab(m_damage, tr("Damage on the page"));
    for (auto* c : { m_metricChart, m_driftChart, m_scatterChart })
        c->setMessage(tr("Run a comparison to see its charts."));

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &QuantResultsView::rebuildCharts);
}

void QuantResultsView::setResult(std::shared_ptr<const ComparisonResult> result, DocumentDataPtr document)
{
    m_result = std::move(result);
    fillTable();
    rebuildCharts();
    m_damage->setData(m_result, std::move(document));
}

void QuantResultsView::fillTable()
{
    m_table->setRowCount(0);
    if (!m_result)
        return;
    const auto rows = comparisonSummaryRows(*m_result);
    m_table->setRowCount(int(rows.size()));
    for (int i = 0; i < int(rows.size()); ++i)
        for (int column = 0; column < ColumnCount; ++column) {
            const auto& row = rows[std::size_t(i)];
            auto* item = new QTableWidgetItem(row.cells.value(column));
            item->setTextAlignment(
                column == Model ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(row.tips.value(column));
            m_table->setItem(i, column, item);
        }
}

void QuantResultsView::rebuildCharts()
{
    if (!m_result)
        return;
    const ChartTheme theme = ChartSceneView::currentChartTheme();
    // Laid out for their views' size, from the comparison shown when they are drawn.
    const auto shown = [this]() -> const ComparisonResult& {
        if (!m_result)
            throw InvalidArgumentError("there is no comparison to chart: run one first");
        return *m_result;
    };
    const auto metric = static_cast<ComparisonMetric>(m_metric->currentData().toInt());
    try {
        m_metricChart->setSceneBuilder(
            [shown, metric, theme](FigureSize fit) { return comparisonMetricChart(shown(), metric, theme, fit); });
        m_scatterChart->setSceneBuilder(
            [shown, theme](FigureSize fit) { return memoryQualityChart(shown(), theme, fit); });
    } catch (const std::exception& e) {
        m_metricChart->setMessage(QString::fromUtf8(e.what()));
    }
    try {
        m_driftChart->setSceneBuilder(
            [shown, theme](FigureSize fit) { return comparisonDriftChart(shown(), theme, fit); });
    } catch (const std::exception& e) {
        m_driftChart->setMessage(QString::fromUtf8(e.what()));
    }
}

QStringList QuantResultsView::exportTo(const QString& dir) const
{
    if (!m_result)
        throw InvalidArgumentError("there is no comparison to export: run one first");
    const std::filesystem::path folder = dir.toStdString();
    exportComparison(*m_result, folder); // creates the folder
    QStringList out;
    for (const char* name : { "comparison.csv", "routing_drift.csv", "comparison.md" })
        out << QString::fromStdString((folder / name).string());
    writeTextFileAtomic(folder / "comparison.json", comparisonToJson(*m_result).dump(2));
    out << QString::fromStdString((folder / "comparison.json").string());
    for (const auto& [stem, scene] : comparisonExportCharts(*m_result, ChartSceneView::currentChartTheme()))
        out << writeChartExports(scene, folder / stem);
    return out;
}

void QuantResultsView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        rebuildCharts();
}

} // namespace moescope
