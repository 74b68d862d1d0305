// The Routing panel's exports (split from routingpanel.cpp by responsibility).

#include "ui/routingpanel.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/chartstyle.h"
#include "eval/routingcharts.h"
#include "io/jsonfile.h"
#include "ui/chartexport.h"
#include "ui/chartsceneview.h"
#include "ui/routingcoactivationview.h"
#include "ui/routingdriftview.h"
#include "ui/routingtokentab.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QTabWidget>

namespace moescope {

namespace {
// One row per MoE layer: the persistence chart's data with the pairs behind it.
QString writePersistenceCsv(const RoutingAggregates& a, const std::filesystem::path& file)
{
    std::string csv = "layer,token_pairs,same_top1_pairs,persistence,chance_level\n";
    for (int s = 0; s < a.layerCount(); ++s) {
        const auto& l = a.layer(s);
        csv += std::to_string(a.layerAt(s)) + ',' + std::to_string(l.persistencePairs) + ','
            + std::to_string(l.persistenceSame) + ',' + formatNumber(a.persistence(s), 6) + ','
            + formatNumber(a.persistenceChance(s), 6) + '\n';
    }
    writeTextFileAtomic(file, csv);
    return QString::fromStdString(file.string());
}
} // namespace

QStringList RoutingPanel::exportView(View view, const QString& dir) const
{
    const std::filesystem::path folder = dir.toStdString();
    std::filesystem::create_directories(folder);
    if (view == View::Drift)
        return m_drift->exportTo(dir);
    if (!hasTrace())
        throw InvalidArgumentError("there is no routing trace to export");
    if (view == View::Tokens)
        return m_tokenTab->exportTo(folder);
    if (view == View::Coactivation)
        return m_coactivation->exportTo(folder);
    const ChartSceneView* c = chart(view);
    if (!c->hasScene())
        throw InvalidArgumentError("this view has no chart to export");
    std::string stem = view == View::Persistence ? "routing_persistence"
        : view == View::Entropy                  ? "routing_entropy"
        : view == View::Balance                  ? "routing_balance"
                                                 : "routing_experts";
    if (view == View::Sections)
        stem = "routing_sections_layer" + std::to_string(m_sectionLayer->currentData().toInt());
    QStringList out;
    out << writeChartExports(c->exportFigure(), folder / stem);
    if (view == View::Persistence)
        out << writePersistenceCsv(m_view->run->aggregates, folder / "routing_persistence.csv");
    for (const auto& p : writeRoutingCsv(m_view->run->aggregates, m_view->queries.get(), m_view->tokenText, folder))
        out << QString::fromStdString(p.string());
    const auto json = routingAggregatesJson(m_view->run->aggregates, m_view->run->info);
    writeTextFileAtomic(folder / "routing_aggregates.json", json.dump(2));
    out << QString::fromStdString((folder / "routing_aggregates.json").string());
    return out;
}

void RoutingPanel::exportCurrentView()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the view into a folder"));
    if (dir.isEmpty())
        return;
    try {
        const auto files = exportView(static_cast<View>(m_tabs->currentIndex()), dir);
        m_summary->setText(tr("Exported %1 files into %2").arg(files.size()).arg(QDir::toNativeSeparators(dir)));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromUtf8(e.what()));
    }
}

} // namespace moescope
