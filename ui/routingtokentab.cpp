#include "ui/routingtokentab.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "ui/chartexport.h"
#include "ui/chartsceneview.h"
#include "ui/routingtokenfigure.h"
#include "ui/routingtokenlegend.h"
#include "ui/routingtokenview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QVBoxLayout>

namespace moescope {

RoutingTokenTab::RoutingTokenTab(QWidget* parent)
    : QWidget(parent)
    , m_layer(new QComboBox)
    , m_coloring(new QComboBox)
    , m_page(new QLabel)
    , m_legend(new RoutingTokenLegend)
    , m_view(new RoutingTokenView)
{
    setObjectName("routingTokens");
    m_layer->setObjectName("tokenLayer");
    m_coloring->setObjectName("tokenColoring");
    m_coloring->addItem(tr("Colour by top-1 expert"), int(RoutingTokenColoring::TopExpert));
    m_coloring->addItem(tr("Colour by routing entropy"), int(RoutingTokenColoring::Entropy));
    m_coloring->setToolTip(tr("Top-1 expert: the expert with the largest routing weight. Routing entropy: of the "
                              "token's top-k weights renormalised to 1 (0 bits: one expert takes all)."));
    m_view->setWhatsThis(tr("Hover a token for its experts and weights in every MoE layer; double-click it to list "
                            "the tokens of its top-1 expert (Experts tab). PageDown/PageUp and the wheel go on to the "
                            "next or previous page; the document view follows."));
    m_view->setToolTip(QString()); // the view gives per-token tooltips
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:")));
    bar->addWidget(m_layer, 1);
    bar->addWidget(m_coloring, 2);
    bar->addWidget(m_page);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_legend);
    layout->addWidget(m_view, 1);

    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] {
        if (m_layer->currentIndex() >= 0)
            m_view->setLayer(m_layer->currentData().toInt());
    });
    connect(m_coloring, &QComboBox::currentIndexChanged, this, [this] {
        m_view->setColoring(static_cast<RoutingTokenColoring>(m_coloring->currentData().toInt()));
        updateLegend();
    });
    connect(m_view, &RoutingTokenView::pageChanged, this, [this](int page) {
        updatePageLabel();
        emit pageChanged(page);
    });
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &RoutingTokenTab::updatePageLabel);
}

void RoutingTokenTab::setRouting(DocumentDataPtr document, RoutingViewPtr view)
{
    m_routing = std::move(view);
    m_document = std::move(document);
    const bool has = m_routing && m_routing->run && m_routing->queries;
    const int previous = m_layer->currentIndex() >= 0 ? m_layer->currentData().toInt() : -1;
    {
        const QSignalBlocker block(m_layer);
        m_layer->clear();
        if (has)
            for (const int layer : m_routing->run->moeLayers)
                m_layer->addItem(tr("layer %1").arg(layer), layer);
        const int kept = m_layer->findData(previous);
        m_layer->setCurrentIndex(kept >= 0 ? kept : m_layer->count() / 2);
    }
    m_view->setRouting(has ? m_document : nullptr, has ? m_routing->queries : nullptr);
    if (m_layer->currentIndex() >= 0)
        m_view->setLayer(m_layer->currentData().toInt());
    updateLegend();
    updatePageLabel();
}

void RoutingTokenTab::followPage(int page)
{
    m_view->followPage(page);
    updatePageLabel();
}

void RoutingTokenTab::updateLegend()
{
    const bool has = m_routing && m_routing->run;
    m_legend->setVisible(has);
    if (has)
        m_legend->setLegend(m_view->coloring(), m_routing->run->numExperts, m_routing->run->k);
}

void RoutingTokenTab::updatePageLabel()
{
    const int sheet = m_view->currentSheet();
    if (sheet < 0 || !m_document) {
        m_page->clear();
        return;
    }
    const auto& s = m_view->sheets()[std::size_t(sheet)];
    m_page->setText(tr("page %1 of %2").arg(s.page + 1).arg(m_document->pageCount()));
}

QStringList RoutingTokenTab::exportTo(const std::filesystem::path& dir) const
{
    if (!m_routing || !m_routing->run || !m_routing->queries || !m_document || m_view->currentSheet() < 0)
        throw InvalidArgumentError("the token view shows no text to export");
    const auto& trace = m_routing->queries->trace();
    const auto& sheet = m_view->sheets()[std::size_t(m_view->currentSheet())];
    const int slot = trace.slotOf(m_view->layer());
    // The figure starts at the first token of the top line in the view: what the user is looking at.
    std::size_t first = sheet.tokenBegin;
    const auto offsets = trace.offsets();
    const std::size_t top = m_view->topOffset();
    while (first < sheet.tokenEnd && offsets[first].end <= top)
        ++first;
    RoutingTokenFigureSpec spec;
    spec.slot = slot;
    spec.coloring = m_view->coloring();
    spec.tokenBegin = first;
    spec.tokenEnd = sheet.tokenEnd;
    spec.modelName = m_routing->run->info.modelName;
    spec.theme = ChartSceneView::currentChartTheme();
    const std::string stem = "routing_tokens_layer" + std::to_string(m_view->layer()) + "_page"
        + std::to_string(sheet.page + 1)
        + (m_view->coloring() == RoutingTokenColoring::Entropy ? "_entropy" : "_expert");
    QStringList out;
    out << writeChartExports(routingTokenChart(trace, *m_document, spec), dir / stem);
    // The whole page's tokens (every sheet of it), not only the part drawn.
    std::size_t begin = sheet.tokenBegin, end = sheet.tokenEnd;
    for (const auto& s : m_view->sheets())
        if (s.page == sheet.page) {
            begin = std::min(begin, s.tokenBegin);
            end = std::max(end, s.tokenEnd);
        }
    writeRoutingTokenCsv(trace, *m_document, slot, begin, end, dir / (stem + ".csv"));
    out << QString::fromStdString((dir / (stem + ".csv")).string());
    return out;
}

} // namespace moescope
