#pragma once
// The comparison's summary table as text, one row per model (baseline first): the cells the Quantization panel's
// table shows and the PDF report prints, so both always agree. GUI-independent (QtCore strings only), any thread.

#include "eval/comparison.h"

#include <QStringList>

#include <vector>

namespace moescope {

struct ComparisonSummaryRow {
    // In column order: model, memory % of bf16, decode speed × baseline, PPL ± half CI, ratio [CI], KL mean (nats),
    // KL p99 (nats), top-1 agreement %, Δp mean (pp), Δp RMS (pp), routing changed % (mean over MoE layers).
    QStringList cells;
    QStringList tips; // the same columns' tooltips (details behind each number)
};

QStringList comparisonSummaryHeaders();
std::vector<ComparisonSummaryRow> comparisonSummaryRows(const ComparisonResult& result);

} // namespace moescope
