#pragma once
// The Quantization panel's one-click report: one A4 landscape PDF with the run's facts (model, document, device, dtype,
// window/stride, tokens, date), the summary table (comparisonsummary.h, as the panel shows it), every comparison chart
// as vectors (the exported figures: chartexport.h) and, when the document the comparison ran on is given, each
// variant's damage breakdown by token class and line kind with its most damaged lines and their pages
// (eval/damagebreakdown.h). Text is laid out by QTextDocument and paginated onto the same QPdfWriter as the charts.
// GUI thread (QPainter on a QPdfWriter, fonts).

#include "eval/chartstyle.h"
#include "eval/comparison.h"
#include "services/workbenchtypes.h"

#include <QDateTime>
#include <QString>

namespace moescope {

struct ComparisonReportOptions {
    DocumentDataPtr document; // the document the comparison ran on, or null (no damage section, said in the PDF)
    QDateTime created = QDateTime::currentDateTime();
    ChartTheme theme = ChartTheme::light(); // paper
    std::size_t topPassages = 20;
};

// Throws IoError when the file cannot be written.
void writeComparisonReportPdf(
    const ComparisonResult& result, const ComparisonReportOptions& options, const QString& path);

} // namespace moescope
