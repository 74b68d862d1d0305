#include "ui/comparisonreportpdf.h"

#include "core/error.h"
#include "eval/chartrender.h"
#include "eval/comparisoncharts.h"
#include "eval/damagebreakdown.h"
#include "ui/chartexport.h"
#include "ui/comparisonsummary.h"

#include <QAbstractTextDocumentLayout>
#include <QCoreApplication>
#include <QFileInfo>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

#include <cmath>

namespace moescope {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("ComparisonReport", text);
}

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString percent(double share)
{
    return std::isfinite(share) ? QString::number(100.0 * share, 'f', 1) : QStringLiteral("–");
}

const char* kStyle = "<style>body { font-family: 'DejaVu Sans'; font-size: 9pt; } h1 { font-size: 16pt; } "
                     "h2 { font-size: 12pt; margin-top: 14px; } h3 { font-size: 10pt; } "
                     "th { background-color: #e8e8e8; text-align: left; } td, th { padding: 2px 4px; } "
                     ".num { text-align: right; } .note { color: #444444; font-size: 8pt; }</style>";

// Numbers right-aligned and unwrapped; the first column unwrapped and left-aligned; textColumns wrap.
// widths: percent of the page per column (QTextDocument's automatic widths squeeze numbers into wrapping).
QString tableHtml(const QStringList& headers, const std::vector<QStringList>& rows, const QList<int>& textColumns,
    const QList<int>& widths)
{
    QString h = "<table border='1' cellspacing='0' cellpadding='2' width='100%'><tr>";
    for (int i = 0; i < headers.size(); ++i)
        h += QStringLiteral("<th width='%1%'>").arg(widths.value(i, 10)) + esc(headers[i]) + "</th>";
    h += "</tr>";
    for (const auto& row : rows) {
        h += "<tr>";
        for (int i = 0; i < row.size(); ++i)
            h += textColumns.contains(i) ? "<td>" + esc(row[i]) + "</td>"
                                         : (i == 0 ? "<td>" : "<td align='right'>") + esc(row[i]).replace(' ', "&nbsp;")
                    + "</td>"; // a number (or a model name) is never split over lines
        h += "</tr>";
    }
    return h + "</table>";
}

QString headHtml(const ComparisonResult& r, const ComparisonReportOptions& o)
{
    QString h = QStringLiteral("<html><head>%1</head><body>").arg(kStyle);
    h += "<h1>" + tr("Quantization comparison") + "</h1><table cellpadding='1'>";
    const auto fact
        = [&](const QString& k, const QString& v) { h += "<tr><td><b>" + k + "</b></td><td>" + v + "</td></tr>"; };
    fact(tr("Model"),
        esc(QFileInfo(QString::fromStdString(r.model)).fileName()) + " <span class='note'>(" + esc(r.model)
            + ")</span>");
    fact(tr("Document"),
        o.document ? tr("%1 (%2 pages)").arg(esc(o.document->info.fileName)).arg(o.document->pageCount())
                   : tr("not open (no damage section)"));
    fact(tr("Device"), esc(r.device) + ", " + esc(r.computeDtype));
    fact(tr("Windows"),
        tr("%1 tokens, stride %2; %3 of %4 text tokens scored")
            .arg(r.window)
            .arg(r.stride)
            .arg(r.positions.size())
            .arg(r.textTokens));
    fact(tr("Baseline"), esc(r.baseline.quantization));
    fact(tr("Date"), esc(o.created.toString(Qt::ISODate)));
    h += "</table><h2>" + tr("Summary") + "</h2>";
    std::vector<QStringList> rows;
    for (const auto& row : comparisonSummaryRows(r))
        rows.push_back(row.cells);
    h += tableHtml(comparisonSummaryHeaders(), rows, {}, { 10, 7, 6, 14, 16, 8, 8, 6, 8, 8, 9 });
    h += "<p class='note'>"
        + tr("Memory: weight bytes as % of the model's bf16 weights. Speed: decode tokens/s relative to the baseline. "
             "PPL: perplexity with the half-width of its 95% interval (normal approximation over per-token NLL). "
             "Ratio: exp(mean(NLL_variant − NLL_baseline)) with the 95% interval of the paired differences. KL: "
             "KL(baseline ‖ variant) per token in nats. Top-1: share of tokens where both models' most likely next "
             "token is the same. Δp: change of the true token's probability in percentage points. Routing changed: "
             "share of tokens whose top-k expert set differs from the baseline's, mean over MoE layers.")
        + "</p></body></html>";
    return h;
}

QString damageHtml(const ComparisonResult& r, const ComparisonReportOptions& o)
{
    QString h = QStringLiteral("<html><head>%1</head><body><h2>%2</h2>").arg(kStyle, tr("Where the variants depart"));
    if (!o.document || r.tokenBegin.size() != r.positions.size()) {
        h += "<p>"
            + (o.document ? tr("This comparison was stored without token positions: run it again from the "
                               "Quantization panel for the breakdown by token class and line kind.")
                          : tr("Open the document the comparison ran on to add the breakdown by token class and "
                               "line kind."))
            + "</p></body></html>";
        return h;
    }
    h += "<p class='note'>"
        + tr("Tokens are classed by their own text (numbers: any digit; words: any letter; otherwise punctuation or "
             "space) and by their line in the stored page text (table rows: at least two numbers separated by runs "
             "of spaces; otherwise prose). Passages are lines with at least %1 scored tokens ranked by their KL sum.")
              .arg(kMinPassageTokens)
        + "</p>";
    const std::string text = o.document->joinedText();
    for (std::size_t v = 0; v < r.variants.size(); ++v) {
        const auto b = damageBreakdown(r, v, text, o.document->pageOffsets, o.topPassages);
        h += "<h3>" + esc(b.variant) + "</h3>";
        std::vector<QStringList> rows;
        for (const auto* groups : { &b.byClass, &b.byLine })
            for (const auto& g : *groups)
                rows.push_back(
                    { (groups == &b.byLine ? tr("lines: ") : QString()) + esc(g.name), QString::number(g.tokens),
                        std::isfinite(g.klMean) ? QString::number(g.klMean, 'f', 5) : QStringLiteral("–"),
                        percent(g.top1Disagreement), percent(g.klShare) });
        h += tableHtml(
            { tr("Tokens of"), tr("Tokens"), tr("KL mean (nats)"), tr("Top-1 differs %"), tr("Share of KL %") }, rows,
            {}, { 28, 12, 20, 20, 20 });
        rows.clear();
        for (const auto& p : b.passages)
            rows.push_back({ QString::number(p.page + 1), QString::number(p.klSum, 'f', 4),
                QString::number(p.klMean, 'f', 5), QString::number(p.tokens),
                p.tableRow ? tr("table row") : tr("prose"), QString::fromStdString(p.text) });
        h += "<p><b>" + tr("Most damaged lines") + "</b></p>";
        h += tableHtml({ tr("Page"), tr("KL sum (nats)"), tr("KL mean"), tr("Tokens"), tr("Line"), tr("Text") }, rows,
            { 4, 5 }, { 5, 9, 9, 6, 8, 63 });
    }
    return h + "</body></html>";
}

// Paints a text document over as many pages as it needs, starting on the current page. The document is laid out
// at 96 dpi and the painter scaled to the writer's resolution: laying it out on the writer itself measures table cells
// narrower than they print.
void paintPaged(QPdfWriter& writer, QPainter& painter, const QString& html, bool newPageFirst)
{
    const double scale = writer.resolution() / 96.0;
    const QSizeF page = QSizeF(writer.pageLayout().paintRectPixels(writer.resolution()).size()) / scale;
    QTextDocument doc;
    doc.setDefaultFont(QFont(QStringLiteral("DejaVu Sans"), 9));
    doc.setHtml(html);
    doc.setPageSize(page);
    for (int i = 0; i < doc.pageCount(); ++i) {
        if (newPageFirst || i > 0)
            writer.newPage();
        painter.save();
        painter.scale(scale, scale);
        painter.translate(0, -page.height() * i);
        doc.drawContents(&painter, QRectF(0, page.height() * i, page.width(), page.height()));
        painter.restore();
    }
}

} // namespace

void writeComparisonReportPdf(const ComparisonResult& r, const ComparisonReportOptions& o, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw IoError("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
    {
        QPdfWriter writer(&file);
        writer.setResolution(300);
        writer.setPageLayout(QPageLayout(
            QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
        writer.setTitle(tr("Quantization comparison: %1").arg(QFileInfo(QString::fromStdString(r.model)).fileName()));
        writer.setCreator(QStringLiteral("MoEScope"));
        QPainter painter(&writer);
        if (!painter.isActive())
            throw IoError("cannot start a PDF in " + path.toStdString());
        paintPaged(writer, painter, headHtml(r, o), false);

        // Two charts a page side by side, each in its own aspect ratio.
        const QRectF page(QPointF(0, 0), QSizeF(writer.pageLayout().paintRectPixels(writer.resolution()).size()));
        const auto figures = comparisonExportCharts(r, o.theme); // the charts the panel's export writes
        for (std::size_t i = 0; i < figures.size(); ++i) {
            if (i % 2 == 0)
                writer.newPage();
            const double half = page.width() / 2;
            const QRectF slot(half * double(i % 2), 0, half * 0.97, page.height());
            paintSvg(painter, QByteArray::fromStdString(renderSvg(figures[i].second)), slot);
        }
        paintPaged(writer, painter, damageHtml(r, o), true);
    }
    if (!file.commit())
        throw IoError("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
}

} // namespace moescope
