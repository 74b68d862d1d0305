#include "ui/perplexitycharts.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <optional>

namespace moescope {

namespace {
const QColor kBlue(0x00, 0x72, 0xb2); // Okabe-Ito
const QColor kSkyBlue(0x56, 0xb4, 0xe9);
const QColor kOrange(0xe6, 0x9f, 0x00);

std::optional<int> pageKey(const std::string& key)
{
    try {
        std::size_t used = 0;
        const int page = std::stoi(key, &used);
        return used == key.size() ? std::optional<int>(page) : std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
}
} // namespace

PerplexityCharts::PerplexityCharts(QWidget* parent)
    : QWidget(parent)
    , m_pageView(new QChartView)
    , m_sectionView(new QChartView)
    , m_sectionScroll(new QScrollArea)
    , m_empty(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_empty);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setChildrenCollapsible(false);
    for (auto* view : { m_pageView, m_sectionView }) {
        view->setRenderHint(QPainter::Antialiasing);
        view->setChart(new QChart);
        view->setMinimumHeight(180);
    }
    m_sectionScroll->setWidget(m_sectionView);
    m_sectionScroll->setWidgetResizable(true);
    m_sectionScroll->setFrameShape(QFrame::NoFrame);
    splitter->addWidget(m_pageView);
    splitter->addWidget(m_sectionScroll);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    rebuild();
}

void PerplexityCharts::setData(const DocumentDataPtr& document, const PerplexityDataPtr& perplexity)
{
    m_document = document;
    m_perplexity = perplexity && document && perplexity->documentId == document->info.id ? perplexity : nullptr;
    rebuild();
}

void PerplexityCharts::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        rebuild();
}

void PerplexityCharts::styleChart(QChart* chart) const
{
    const QPalette pal = palette();
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundRoundness(0);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(pal.color(QPalette::Text));
    QFont titleFont = font();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->legend()->setLabelColor(pal.color(QPalette::Text));
    chart->setMargins(QMargins(6, 6, 14, 6)); // room on the right for the last x tick label
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    for (auto* axis : chart->axes()) {
        axis->setLabelsBrush(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.color(QPalette::Text));
        axis->setLinePenColor(pal.color(QPalette::Mid));
        axis->setGridLineColor(grid);
        axis->setLabelsFont(font());
        QFont f = font();
        f.setPointSizeF(font().pointSizeF() * 0.95);
        axis->setTitleFont(f);
    }
}

void PerplexityCharts::rebuild()
{
    const bool has = m_perplexity != nullptr;
    m_empty->setVisible(!has);
    m_empty->setText(m_document ? tr("No perplexity run for this document yet.\nLoad a model and run the analysis "
                                     "(F5) to chart how surprising each page and section is to it.")
                                : tr("Open a report and run the analysis (F5)."));
    m_pageView->parentWidget()->setVisible(has); // the splitter
    buildPageChart();
    // The section chart on the next turn of the event loop: laying out a chart's axes and titles takes a few ms, and
    // a result's arrival already repaints the document and the routing panel, so one turn doing all of it is felt.
    const int generation = ++m_generation;
    QTimer::singleShot(1, this, [this, generation] {
        if (generation == m_generation)
            buildSectionChart();
    });
}

void PerplexityCharts::buildPageChart()
{
    auto* chart = new QChart;
    m_plottedPages = 0;
    if (m_perplexity) {
        auto* series = new QLineSeries;
        series->setName(tr("Page perplexity"));
        QPen pen(palette().color(QPalette::Base).lightness() < 128 ? kSkyBlue : kBlue, 1.6);
        series->setPen(pen);
        series->setPointsVisible(m_perplexity->pages.size() <= 120);
        double lo = INFINITY, hi = 0;
        std::vector<std::pair<int, double>> points;
        for (const auto& v : m_perplexity->pages)
            if (const auto page = pageKey(v.key); page && std::isfinite(v.value) && v.value > 0)
                points.emplace_back(*page, v.value);
        std::sort(points.begin(), points.end());
        for (const auto& [page, value] : points) {
            series->append(page + 1, value);
            lo = std::min(lo, value);
            hi = std::max(hi, value);
        }
        m_plottedPages = int(points.size());
        chart->addSeries(series);
        auto* overall = new QLineSeries;
        overall->setName(tr("Document: %1").arg(m_perplexity->perplexity, 0, 'f', 2));
        overall->setPen(QPen(kOrange, 1.4, Qt::DashLine));
        const int pages = m_document ? m_document->pageCount() : 1;
        overall->append(1, m_perplexity->perplexity);
        overall->append(std::max(2, pages), m_perplexity->perplexity);
        chart->addSeries(overall);

        auto* x = new QValueAxis;
        x->setTitleText(tr("Page"));
        x->setLabelFormat("%d");
        x->setRange(1, std::max(2, pages));
        x->applyNiceNumbers();
        x->setMin(1);
        QAbstractAxis* y;
        if (hi > 0 && lo > 0 && hi / lo > 30) {
            auto* log = new QLogValueAxis;
            log->setBase(10);
            log->setLabelFormat("%g");
            log->setRange(lo / 1.3, hi * 1.3);
            y = log;
        } else {
            auto* lin = new QValueAxis;
            lin->setRange(0, hi > 0 ? hi * 1.1 : 1);
            lin->applyNiceNumbers();
            lin->setLabelFormat("%g");
            y = lin;
        }
        y->setTitleText(tr("Perplexity"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        for (auto* s : { series, overall }) {
            s->attachAxis(x);
            s->attachAxis(y);
        }
        // The legend goes in the title: a narrow dock has no height to spare above the plot (the axis labels would
        // be elided).
        chart->legend()->hide();
        chart->setTitle(
            tr("Perplexity per page (dashed: whole document, %1)").arg(m_perplexity->perplexity, 0, 'f', 2));
        connect(series, &QLineSeries::clicked, this,
            [this](const QPointF& p) { emit pageRequested(int(std::lround(p.x())) - 1); });
    } else {
        chart->legend()->hide();
    }
    styleChart(chart);
    auto* old = m_pageView->chart();
    m_pageView->setChart(chart);
    delete old;
}

void PerplexityCharts::buildSectionChart()
{
    auto* chart = new QChart;
    m_plottedSections = 0;
    m_sectionPages.clear();
    if (m_perplexity && m_document && !m_perplexity->sections.empty()) {
        auto* set = new QBarSet(tr("Section perplexity"));
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        set->setColor(dark ? kSkyBlue : kBlue);
        set->setBorderColor(Qt::transparent);
        QStringList categories;
        double hi = 0;
        // Bars top to bottom in document order: the horizontal bar axis lists categories bottom-up.
        for (auto it = m_document->structure.sections.rbegin(); it != m_document->structure.sections.rend(); ++it) {
            for (const auto& v : m_perplexity->sections)
                if (v.key == it->item && std::isfinite(v.value)) {
                    QString label
                        = tr("Item %1  %2").arg(QString::fromStdString(it->item), QString::fromStdString(it->title));
                    if (label.size() > 34)
                        label = label.left(33) + QStringLiteral("…");
                    while (categories.contains(label))
                        label += QLatin1Char(' ');
                    categories << label;
                    *set << v.value;
                    hi = std::max(hi, v.value);
                    m_sectionPages.push_back(it->pageStart);
                    break;
                }
        }
        m_plottedSections = int(categories.size());
        auto* series = new QHorizontalBarSeries;
        series->append(set);
        series->setBarWidth(0.7);
        chart->addSeries(series);
        auto* y = new QBarCategoryAxis;
        y->append(categories);
        auto* x = new QValueAxis;
        x->setTitleText(tr("Perplexity (e^(nats/token))"));
        x->setRange(0, hi > 0 ? hi * 1.1 : 1);
        x->applyNiceNumbers();
        x->setLabelFormat("%g");
        chart->addAxis(y, Qt::AlignLeft);
        chart->addAxis(x, Qt::AlignBottom);
        series->attachAxis(x);
        series->attachAxis(y);
        chart->legend()->hide();
        chart->setTitle(tr("Perplexity per 10-K section"));
        connect(series, &QHorizontalBarSeries::clicked, this, [this](int index, QBarSet*) {
            if (index >= 0 && index < int(m_sectionPages.size()))
                emit pageRequested(m_sectionPages[std::size_t(index)]);
        });
    } else {
        chart->legend()->hide();
        if (m_perplexity)
            chart->setTitle(tr("No 10-K sections in this document"));
    }
    styleChart(chart);
    const int rows = std::max(4, m_plottedSections);
    m_sectionView->setMinimumHeight(std::max(180, rows * (fontMetrics().height() + 8) + 90));
    auto* old = m_sectionView->chart();
    m_sectionView->setChart(chart);
    delete old;
}

} // namespace moescope
