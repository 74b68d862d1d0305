#include "ui/comparisonsummary.h"

#include "eval/comparisoncharts.h"

#include <QCoreApplication>

#include <cmath>

namespace moescope {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("ComparisonSummary", text);
}

QString fixed(double v, int decimals)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("n/a");
}

QString bytesText(std::int64_t bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 2) + " MiB";
}

double meanOf(const std::vector<double>& v)
{
    if (v.empty())
        return NAN;
    double s = 0;
    for (const double x : v)
        s += x;
    return s / double(v.size());
}
} // namespace

QStringList comparisonSummaryHeaders()
{
    return { tr("Model"), tr("Memory %"), tr("Speed ×"), tr("PPL ± 95% CI"), tr("Ratio [95% CI]"), tr("KL mean (nats)"),
        tr("KL p99 (nats)"), tr("Top-1 %"), tr("Δp mean (pp)"), tr("Δp RMS (pp)"), tr("Routing changed %") };
}

std::vector<ComparisonSummaryRow> comparisonSummaryRows(const ComparisonResult& r)
{
    std::vector<const VariantResult*> models { &r.baseline };
    for (const auto& v : r.variants)
        models.push_back(&v);
    const double baseSpeed = r.baseline.decodeTokensPerSecond;
    std::vector<ComparisonSummaryRow> out;
    for (std::size_t i = 0; i < models.size(); ++i) {
        const auto& v = *models[i];
        const bool base = i == 0;
        const QString dash = QStringLiteral("–");
        ComparisonSummaryRow row;
        row.cells = {
            base ? tr("baseline (%1)").arg(QString::fromStdString(v.quantization)) : QString::fromStdString(v.name),
            fixed(comparisonMetricValue(r, v, ComparisonMetric::MemoryShare), 1),
            baseSpeed > 0 && v.decodeTokensPerSecond > 0 ? fixed(v.decodeTokensPerSecond / baseSpeed, 2) : "n/a",
            QStringLiteral("%1 ± %2").arg(fixed(v.ppl, 3), fixed((v.pplHigh - v.pplLow) / 2, 3)),
            base ? QStringLiteral("1")
                 : QStringLiteral("%1 [%2, %3]")
                       .arg(fixed(v.pplRatio, 4), fixed(v.pplRatioLow, 4), fixed(v.pplRatioHigh, 4)),
            base ? dash : fixed(v.klMean, 5),
            base ? dash : fixed(v.klP99, 5),
            base ? dash : fixed(100.0 * v.top1Agreement, 2),
            base ? dash : fixed(100.0 * v.deltaPMean, 3),
            base ? dash : fixed(100.0 * v.deltaPRms, 3),
            base || v.routingChanged.empty() ? dash : fixed(100.0 * meanOf(v.routingChanged), 2),
        };
        row.tips = {
            tr("loaded as %1").arg(QString::fromStdString(v.quantization)),
            tr("%1 of weights, peak %2").arg(bytesText(v.weightBytes), bytesText(v.peakBytes)),
            tr("decode %1 tok/s, prefill %2 tok/s")
                .arg(fixed(v.decodeTokensPerSecond, 1), fixed(v.prefillTokensPerSecond, 1)),
            tr("95% CI [%1, %2]").arg(fixed(v.pplLow, 3), fixed(v.pplHigh, 3)),
            QString(),
            tr("median %1, p90 %2, max %3").arg(fixed(v.klMedian, 5), fixed(v.klP90, 5), fixed(v.klMax, 4)),
            QString(),
            base ? QString()
                 : tr("%1% on the %2% of tokens the baseline decides (its top-1 probability ahead of its second by "
                      "at least %3); the others are near-ties that any rounding can flip")
                       .arg(fixed(100.0 * v.top1AgreementDecided, 2), fixed(100.0 * r.decidedShare, 1),
                           fixed(r.decidedMargin, 2)),
            QString(),
            QString(),
            tr("share of scored tokens whose top-k expert set differs from the baseline's, mean over %1 MoE layers")
                .arg(v.moeLayers.size()),
        };
        out.push_back(std::move(row));
    }
    return out;
}

} // namespace moescope
