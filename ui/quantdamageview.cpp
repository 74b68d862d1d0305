#include "ui/quantdamageview.h"

#include "ui/surprisallegend.h"
#include "ui/surprisaltextview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
QString percent(double share)
{
    return std::isfinite(share) ? QString::number(100.0 * share, 'f', 1) : QStringLiteral("–");
}

QTableWidgetItem* cell(const QString& text, bool number)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    return item;
}

// The q-quantile (nearest rank) of the finite values.
double quantile(std::vector<double> v, double q)
{
    std::erase_if(v, [](double x) { return !std::isfinite(x); });
    if (v.empty())
        return 0;
    const auto k = std::min(v.size() - 1, std::size_t(q * double(v.size())));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return v[k];
}
} // namespace

QuantDamageView::QuantDamageView(QWidget* parent)
    : QWidget(parent)
    , m_variant(new QComboBox)
    , m_measure(new QComboBox)
    , m_pageBox(new QSpinBox)
    , m_legend(new SurprisalLegend)
    , m_text(new SurprisalTextView)
    , m_note(new QLabel)
    , m_table(new QTableWidget(0, BreakdownColumnCount))
    , m_passages(new QTableWidget(0, PassageColumnCount))
{
    setObjectName("quantDamage");
    m_variant->setObjectName("damageVariant");
    m_measure->setObjectName("damageMeasure");
    m_measure->addItem(tr("KL from the baseline"), int(DamageMeasure::Kl));
    m_measure->addItem(tr("|Δp| of the true token"), int(DamageMeasure::AbsDeltaP));
    m_measure->addItem(tr("Top-1 disagreement"), int(DamageMeasure::Top1Disagreement));
    m_pageBox->setPrefix(tr("Page "));
    m_pageBox->setObjectName("damagePage");
    m_note->setWordWrap(true);
    m_note->setObjectName("damageNote");

    m_table->setObjectName("damageBreakdown");
    m_table->setHorizontalHeaderLabels(
        { tr("Tokens of"), tr("Tokens"), tr("KL mean (nats)"), tr("Top-1 differs %"), tr("Share of KL %") });
    m_table->horizontalHeaderItem(KlShare)->setToolTip(
        tr("The group's part of the variant's total KL over the scored tokens"));
    m_passages->setObjectName("damagePassages");
    m_passages->setHorizontalHeaderLabels(
        { tr("Page"), tr("KL sum (nats)"), tr("KL mean"), tr("Tokens"), tr("Line"), tr("Text") });
    m_passages->horizontalHeaderItem(KlSum)->setToolTip(tr("The line's total KL from the baseline; click to show "
                                                           "its page"));
    for (auto* t : { m_table, m_passages }) {
        t->verticalHeader()->hide();
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
    }
    m_passages->horizontalHeader()->setStretchLastSection(true);
    m_variant->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Variant:")));
    controls->addWidget(m_variant);
    controls->addWidget(new QLabel(tr("Measure:")));
    controls->addWidget(m_measure);
    controls->addWidget(m_pageBox);
    controls->addStretch(1);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(controls);
    topLayout->addWidget(m_legend);
    topLayout->addWidget(m_note);
    topLayout->addWidget(m_text, 1);
    // The page gets most of the room; the two tables share a tab strip below it.
    auto* tables = new QTabWidget;
    tables->setObjectName("damageTables");
    tables->addTab(m_passages, tr("Most damaged lines"));
    tables->addTab(m_table, tr("Breakdown"));
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(tables);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_variant, &QComboBox::currentIndexChanged, this, &QuantDamageView::rebuild);
    connect(m_measure, &QComboBox::currentIndexChanged, this, [this] { showPage(m_page); });
    connect(m_pageBox, &QSpinBox::valueChanged, this, [this](int oneBased) {
        if (oneBased - 1 != m_page) {
            showPage(oneBased - 1);
            emit pageRequested(m_page);
        }
    });
    connect(m_passages, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (!m_breakdown || row < 0 || row >= int(m_breakdown->passages.size()))
            return;
        showPage(m_breakdown->passages[std::size_t(row)].page);
        emit pageRequested(m_page);
    });
    rebuild();
}

void QuantDamageView::setData(std::shared_ptr<const ComparisonResult> result, DocumentDataPtr document)
{
    m_result = std::move(result);
    m_document = std::move(document);
    m_joined = m_document ? m_document->joinedText() : std::string();
    const QString previous = m_variant->currentText();
    {
        const QSignalBlocker block(m_variant);
        m_variant->clear();
        if (m_result)
            for (const auto& v : m_result->variants)
                m_variant->addItem(QString::fromStdString(v.name));
        // A variant that is not the baseline's own format is the interesting default (the last one ticked).
        const int keep = m_variant->findText(previous);
        m_variant->setCurrentIndex(keep >= 0 ? keep : m_variant->count() - 1);
    }
    rebuild();
}

void QuantDamageView::setVariant(int variant)
{
    m_variant->setCurrentIndex(variant);
}

void QuantDamageView::setMeasure(DamageMeasure measure)
{
    m_measure->setCurrentIndex(m_measure->findData(int(measure)));
}

int QuantDamageView::variant() const
{
    return m_variant->currentIndex();
}

DamageMeasure QuantDamageView::measure() const
{
    return static_cast<DamageMeasure>(m_measure->currentData().toInt());
}

bool QuantDamageView::hasOverlay() const
{
    return m_breakdown.has_value();
}

TokenTintScale QuantDamageView::scaleFor(const VariantResult& v, DamageMeasure measure)
{
    TokenTintScale s;
    switch (measure) {
    case DamageMeasure::Kl:
        s.title = tr("KL from the baseline (nats/token)");
        s.valueName = tr("KL");
        s.unit = tr("nats");
        s.max = TokenTintScale::niceCeiling(quantile(std::vector<double>(v.kl.begin(), v.kl.end()), 0.99));
        s.decimals = 4;
        break;
    case DamageMeasure::AbsDeltaP: {
        s.title = tr("|Δp| of the true token (percentage points)");
        s.valueName = tr("|Δp|");
        s.unit = tr("pp");
        std::vector<double> pp;
        pp.reserve(v.deltaP.size());
        for (const float d : v.deltaP)
            pp.push_back(100.0 * std::abs(double(d)));
        s.max = TokenTintScale::niceCeiling(quantile(std::move(pp), 0.99));
        s.decimals = 3;
        break;
    }
    case DamageMeasure::Top1Disagreement:
        s.title = tr("Top-1 differs from the baseline's (0 = same, 1 = differs)");
        s.valueName = tr("Top-1 differs");
        s.unit = QString();
        s.max = 1;
        s.ticks = 1;
        s.decimals = 0;
        break;
    }
    s.tintFrom = s.max / 50; // 2% of the range: the faintest tint still visible
    return s;
}

double QuantDamageView::shownValue(const VariantResult& v, std::size_t token, DamageMeasure measure)
{
    const double x = damageValue(v, token, measure);
    return measure == DamageMeasure::AbsDeltaP ? 100.0 * x : x;
}

void QuantDamageView::rebuild()
{
    m_breakdown.reset();
    const int v = m_variant->currentIndex();
    if (!m_result || m_result->variants.empty()) {
        m_note->setText(tr("Run a comparison to see where on the page each variant departs from the baseline."));
    } else if (!m_document) {
        m_note->setText(tr("This comparison ran on another document: open that document to see its overlay."));
    } else if (m_result->tokenBegin.size() != m_result->positions.size()) {
        m_note->setText(tr("This comparison was stored without token positions (run by the CLI or an older "
                           "version): run it again from this panel to see the overlay."));
    } else if (v >= 0) {
        try {
            m_breakdown = damageBreakdown(*m_result, std::size_t(v), m_joined, m_document->pageOffsets);
            m_note->setText(tr("%1 scored tokens of %2 pages. Hover a token for its value; the breakdown and the "
                               "lines below are for %3.")
                                .arg(m_breakdown->tokens)
                                .arg(m_document->pageCount())
                                .arg(m_variant->currentText()));
        } catch (const std::exception& e) {
            m_note->setText(QString::fromUtf8(e.what()));
        }
    }
    fillTables();
    const QSignalBlocker block(m_pageBox);
    m_pageBox->setRange(1, std::max(1, m_document ? m_document->pageCount() : 1));
    m_pageBox->setSuffix(tr(" of %1").arg(m_document ? m_document->pageCount() : 0));
    showPage(std::clamp(m_page, 0, m_document ? std::max(0, m_document->pageCount() - 1) : 0));
}

void QuantDamageView::followPage(int page)
{
    if (m_document && page >= 0 && page < m_document->pageCount() && page != m_page)
        showPage(page);
}

void QuantDamageView::showPage(int page)
{
    m_page = page;
    {
        const QSignalBlocker block(m_pageBox);
        m_pageBox->setValue(page + 1);
    }
    const int v = m_variant->currentIndex();
    if (!m_breakdown || !m_document || v < 0 || page >= m_document->pageCount()) {
        m_text->clearPage();
        m_legend->setVisible(false);
        return;
    }
    const auto& variant = m_result->variants[std::size_t(v)];
    const DamageMeasure what = measure();
    const TokenTintScale scale = scaleFor(variant, what);
    m_legend->setScale(scale,
        tr("Each token of the page is tinted by this measure of %1 against the baseline; values at or above the "
           "top of the ramp (the variant's 99th percentile, rounded up) share its colour.")
            .arg(QString::fromStdString(variant.name)));
    m_legend->setVisible(true);
    m_text->setScale(scale);
    m_text->setPage(QString::fromStdString(m_document->pages[std::size_t(page)].text),
        SurprisalTextView::tintsOfPage(
            *m_document, m_result->tokenBegin, m_result->tokenEnd,
            [&](std::size_t i) { return float(shownValue(variant, i, what)); }, page));
}

void QuantDamageView::fillTables()
{
    m_table->setRowCount(0);
    m_passages->setRowCount(0);
    if (!m_breakdown)
        return;
    std::vector<const DamageGroup*> groups;
    for (const auto& g : m_breakdown->byClass)
        groups.push_back(&g);
    for (const auto& g : m_breakdown->byLine)
        groups.push_back(&g);
    m_table->setRowCount(int(groups.size()));
    for (int r = 0; r < int(groups.size()); ++r) {
        const auto& g = *groups[std::size_t(r)];
        const QString name = QString::fromStdString(g.name);
        m_table->setItem(r, Group, cell(r < 3 ? name : tr("lines: %1").arg(name), false));
        m_table->setItem(r, Tokens, cell(QString::number(g.tokens), true));
        m_table->setItem(
            r, KlMean, cell(std::isfinite(g.klMean) ? QString::number(g.klMean, 'f', 5) : QStringLiteral("–"), true));
        m_table->setItem(r, Top1Disagree, cell(percent(g.top1Disagreement), true));
        m_table->setItem(r, KlShare, cell(percent(g.klShare), true));
    }
    const auto& passages = m_breakdown->passages;
    m_passages->setRowCount(int(passages.size()));
    for (int r = 0; r < int(passages.size()); ++r) {
        const auto& p = passages[std::size_t(r)];
        m_passages->setItem(r, Page, cell(QString::number(p.page + 1), true));
        m_passages->setItem(r, KlSum, cell(QString::number(p.klSum, 'f', 4), true));
        m_passages->setItem(r, PassageKlMean, cell(QString::number(p.klMean, 'f', 5), true));
        m_passages->setItem(r, PassageTokens, cell(QString::number(p.tokens), true));
        m_passages->setItem(r, Kind, cell(p.tableRow ? tr("table row") : tr("prose"), false));
        m_passages->setItem(r, Text, cell(QString::fromStdString(p.text), false));
    }
}

} // namespace moescope
