#include "ui/routingcoactivationview.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/chartstyle.h"
#include "eval/routingcharts.h"
#include "io/jsonfile.h"
#include "ui/chartexport.h"
#include "ui/chartsceneview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace moescope {

RoutingCoactivationView::RoutingCoactivationView(QWidget* parent)
    : QWidget(parent)
    , m_layer(new QComboBox)
    , m_normalised(new QCheckBox(tr("Normalised by the row expert's tokens")))
    , m_chart(new ChartSceneView)
{
    setObjectName("routingCoactivation");
    m_layer->setObjectName("coactivationLayer");
    m_normalised->setObjectName("coactivationNormalised");
    m_normalised->setChecked(true);
    m_normalised->setToolTip(tr("On: the share of the tokens routed to the row expert that the column expert also got "
                                "(%). Off: the number of tokens routed to both."));
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:")));
    bar->addWidget(m_layer, 1);
    bar->addWidget(m_normalised);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_chart, 1);
    m_chart->setMessage(tr("No routing yet: score the document (Analysis ▸ Run, F5) with a MoE model."));
    m_chart->setHoverTextFunction([this](int index) {
        const int e = m_view && m_view->run ? m_view->run->numExperts : 0;
        return index < e * e ? cellText(index / e, index % e) : QString();
    });
    connect(m_layer, &QComboBox::currentIndexChanged, this, &RoutingCoactivationView::rebuild);
    connect(m_normalised, &QCheckBox::toggled, this, &RoutingCoactivationView::rebuild);
}

void RoutingCoactivationView::setRouting(RoutingViewPtr view)
{
    m_view = std::move(view);
    const QSignalBlocker block(m_layer);
    const int previous = m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -1;
    m_layer->clear();
    if (m_view && m_view->run)
        for (const int layer : m_view->run->moeLayers)
            m_layer->addItem(tr("layer %1").arg(layer), layer);
    const int kept = m_layer->findData(previous);
    m_layer->setCurrentIndex(kept >= 0 ? kept : m_layer->count() / 2);
    rebuild();
}

void RoutingCoactivationView::setLayer(int layer)
{
    const int index = m_layer->findData(layer);
    if (index >= 0)
        m_layer->setCurrentIndex(index);
}

int RoutingCoactivationView::layer() const
{
    return m_layer->currentIndex() >= 0 ? m_layer->currentData().toInt() : -1;
}

void RoutingCoactivationView::setNormalised(bool normalised)
{
    m_normalised->setChecked(normalised);
}

bool RoutingCoactivationView::normalised() const
{
    return m_normalised->isChecked();
}

void RoutingCoactivationView::rebuild()
{
    m_matrix.clear();
    if (!m_view || !m_view->run || layer() < 0) {
        m_chart->setMessage(tr("No routing yet: score the document (Analysis ▸ Run, F5) with a MoE model."));
        return;
    }
    const auto& a = m_view->run->aggregates;
    if (!a.hasCoactivation()) {
        m_chart->setMessage(tr("Co-activation is not kept for models with more than %1 experts.")
                                .arg(RoutingAggregates::kMaxCoactivationExperts));
        return;
    }
    const int slot = a.slotOf(layer());
    m_matrix = a.coactivation(slot);
    try {
        const RoutingChartOptions o { m_view->run->info.modelName, ChartSceneView::currentChartTheme(), {} };
        m_chart->setSceneBuilder([view = m_view, slot, o, normalised = normalised()](FigureSize fit) {
            return coactivationChart(view->run->aggregates, slot, o.fittedTo(fit), normalised);
        });
    } catch (const std::exception& e) {
        m_chart->setMessage(QString::fromUtf8(e.what()));
    }
}

QString RoutingCoactivationView::cellText(int x, int y) const
{
    if (m_matrix.empty() || !m_view || !m_view->run)
        return {};
    const auto& a = m_view->run->aggregates;
    const auto e = std::size_t(a.numExperts());
    if (x < 0 || y < 0 || std::size_t(x) >= e || std::size_t(y) >= e)
        return {};
    const auto& counts = a.layer(a.slotOf(layer())).counts;
    const auto both = m_matrix[std::size_t(x) * e + std::size_t(y)];
    if (x == y)
        return tr("Layer %1, expert %2: %3 tokens").arg(layer()).arg(x).arg(counts[std::size_t(x)]);
    auto share = [&](int of) {
        const auto n = counts[std::size_t(of)];
        return n > 0 ? QString::number(100.0 * both / double(n), 'f', 1) + '%' : tr("n/a");
    };
    return tr("Layer %1, experts %2 and %3: %4 tokens routed to both; %5 of expert %2's %6 tokens, %7 of expert %3's "
              "%8")
        .arg(layer())
        .arg(x)
        .arg(y)
        .arg(both)
        .arg(share(x))
        .arg(counts[std::size_t(x)])
        .arg(share(y))
        .arg(counts[std::size_t(y)]);
}

QStringList RoutingCoactivationView::exportTo(const std::filesystem::path& dir) const
{
    if (!m_chart->hasScene() || m_matrix.empty())
        throw InvalidArgumentError("there is no co-activation matrix to export");
    const auto& a = m_view->run->aggregates;
    const std::string stem = "routing_coactivation_layer" + std::to_string(layer());
    QStringList out;
    out << writeChartExports(m_chart->exportFigure(), dir / stem);
    const auto e = std::size_t(a.numExperts());
    const auto& counts = a.layer(a.slotOf(layer())).counts;
    std::string csv = "layer,expert_a,expert_b,tokens,share_of_a,share_of_b\n";
    auto share = [](double both, std::int64_t n) { return n > 0 ? formatNumber(both / double(n), 6) : std::string(); };
    for (std::size_t x = 0; x < e; ++x)
        for (std::size_t y = 0; y < e; ++y)
            if (x != y) {
                const auto both = m_matrix[x * e + y];
                csv += std::to_string(layer()) + ',' + std::to_string(x) + ',' + std::to_string(y) + ','
                    + std::to_string(both) + ',' + share(both, counts[x]) + ',' + share(both, counts[y]) + '\n';
            }
    writeTextFileAtomic(dir / (stem + ".csv"), csv);
    out << QString::fromStdString((dir / (stem + ".csv")).string());
    return out;
}

} // namespace moescope
