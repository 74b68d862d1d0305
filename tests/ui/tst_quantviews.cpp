// The quantization lab's damage overlay, chart PDFs and report PDF on a hand-made comparison over a hand-made
// three-page report (no model: the per-token values are drawn from a seeded generator, with table numbers damaged
// more, as quantization tends to do). Checks: every tinted token's colour is the colour map at its value; the
// breakdown table equals a recount done here with regular expressions (an independent implementation of the same
// definitions); the overlay follows the document page without echoing it and a passage click asks for its page;
// chart exports write a one-page vector PDF per chart (no image inside), the size of the chart; the report PDF has the
// expected pages and its text holds the variant names, the summary table's numbers and the damaged lines; token spans
// survive a session save and reload. Screenshots and page images go to the artifacts folder.

#include "eval/chartrender.h"
#include "eval/comparisoncharts.h"
#include "eval/comparisonreport.h"
#include "store/sessionstore.h"
#include "testsupport.h"
#include "ui/chartexport.h"
#include "ui/comparisonreportpdf.h"
#include "ui/comparisonsummary.h"
#include "ui/quantdamageview.h"
#include "ui/quantresultsview.h"
#include "ui/surprisalcolors.h"
#include "ui/surprisallegend.h"
#include "ui/surprisaltextview.h"
#include "ui/theme.h"
#include "uitestsupport.h"

#include <poppler-qt6.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <random>

using namespace moescope;

namespace {
const char* kPages[] = {
    "ACME CORP ANNUAL REPORT\n\nItem 7. Management's Discussion and Analysis\nRevenue grew 12% in 2023, driven by "
    "strong demand for our cloud products.\nWe expect margins to remain stable next year.\n",
    "Consolidated Statements of Operations\n(in millions)            2023        2022\nRevenue                "
    "  $ 1,234.5     $ 1,100.2\nCost of revenue            (456.7)       (401.9)\nNet income                  "
    "212.4         187.0\nOperating margin              17.2%         16.9%\n",
    "Risk Factors\nOur results may fluctuate — competition is intense and our customers’ budgets vary.\nWe "
    "depend on a small number of suppliers.\n",
};

struct Fixture {
    DocumentDataPtr document;
    std::shared_ptr<ComparisonResult> result;
};

Fixture makeFixture()
{
    auto doc = std::make_shared<DocumentData>();
    doc->info.id = 7;
    doc->info.fileName = "acme-10k.pdf";
    std::size_t offset = 0;
    for (int p = 0; p < 3; ++p) {
        doc->pages.push_back({ p, kPages[p], {}, 612, 792 });
        doc->pageOffsets.push_back(offset);
        offset += std::strlen(kPages[p]) + 1;
    }
    const QString text = QString::fromStdString(doc->joinedText());
    const std::string utf8 = doc->joinedText();
    auto r = std::make_shared<ComparisonResult>();
    r->model = "/models/finmoe-tiny";
    r->device = "cpu";
    r->computeDtype = "f32";
    r->window = 256;
    r->stride = 128;
    r->bf16WeightBytes = 64 << 20;
    r->baseline.name = "baseline";
    r->baseline.quantization = "f32";
    r->baseline.ppl = 12.5;
    r->baseline.pplLow = 12.0;
    r->baseline.pplHigh = 13.0;
    r->baseline.weightBytes = 128 << 20;
    r->baseline.decodeTokensPerSecond = 50;
    // Tokens: a run of spaces followed by letters, digits (with , .) or one other character; or trailing spaces.
    static const QRegularExpression token(QStringLiteral(R"([ \t]*(?:\p{L}+|\d[\d,.]*|[^\s\p{L}\d])|\s)"));
    std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
    for (auto it = token.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const auto b = std::uint32_t(text.left(int(m.capturedStart())).toUtf8().size());
        spans.emplace_back(b, b + std::uint32_t(m.captured().toUtf8().size()));
    }
    for (std::size_t i = 1; i < spans.size(); ++i) { // the first token has no context: not scored
        r->positions.push_back(std::int64_t(i));
        r->targets.push_back(std::int32_t(i));
        r->tokenBegin.push_back(spans[i].first);
        r->tokenEnd.push_back(spans[i].second);
    }
    r->textTokens = std::int64_t(spans.size());
    std::mt19937 rng(7);
    for (const char* name : { "int8", "int4-g128" }) {
        VariantResult v;
        v.name = name;
        v.quantization = name;
        const double scale = v.name == "int8" ? 0.01 : 0.2;
        double klSum = 0;
        for (std::size_t i = 0; i < r->positions.size(); ++i) {
            const auto piece = utf8.substr(r->tokenBegin[i], r->tokenEnd[i] - r->tokenBegin[i]);
            const bool digit = piece.find_first_of("0123456789") != std::string::npos;
            const double kl = scale * std::exponential_distribution<double>(digit ? 0.5 : 2.0)(rng);
            v.kl.push_back(float(kl));
            v.deltaP.push_back(float(std::normal_distribution<double>(0, 0.2 * scale)(rng)));
            v.top1Agree.push_back(std::uniform_real_distribution<double>()(rng) < std::exp(-3 * kl) ? 1 : 0);
            v.nll.push_back(2.5f);
            v.layersRerouted.push_back(std::uint8_t(kl > scale ? 1 : 0));
            klSum += kl;
        }
        v.klMean = klSum / double(v.kl.size());
        v.klP99 = 5 * v.klMean;
        v.top1Agreement = 0.9;
        v.pplRatio = 1 + v.klMean;
        v.pplRatioLow = 1;
        v.pplRatioHigh = 1 + 2 * v.klMean;
        v.ppl = 12.5 * v.pplRatio;
        v.pplLow = v.ppl - 0.5;
        v.pplHigh = v.ppl + 0.5;
        v.weightBytes = v.name == "int8" ? 68 << 20 : 38 << 20;
        v.decodeTokensPerSecond = v.name == "int8" ? 55 : 61;
        v.moeLayers = { 1, 2, 3 };
        v.routingChanged = { 0.1 * scale, 0.2 * scale, 0.3 * scale };
        v.routingJaccard = { 0.9, 0.85, 0.8 };
        r->variants.push_back(std::move(v));
    }
    return { doc, r };
}

// The test's own reading of the definitions (eval/damagebreakdown.h), with regular expressions.
QString recountClass(const QString& token)
{
    if (token.contains(QRegularExpression(QStringLiteral("[0-9]"))))
        return "numbers";
    static const QRegularExpression letter(QStringLiteral(R"([\p{L}])"));
    QString stripped = token;
    stripped.remove(QRegularExpression(QStringLiteral("[\\x{00A0}-\\x{00BF}\\x{2000}-\\x{206F}]")));
    return stripped.contains(letter) ? "words" : "punctuation/space";
}

bool recountTable(const QString& line)
{
    static const QRegularExpression number(QStringLiteral(R"(^[$(+\- ]*\d[\d,.]*[%)]*$)"));
    int n = 0;
    for (const QString& f : line.split(QRegularExpression(QStringLiteral(R"(  +|\t)")), Qt::SkipEmptyParts))
        n += number.match(f.trimmed()).hasMatch() ? 1 : 0;
    return n >= 2;
}
} // namespace

class QuantViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        applyTheme(Theme::Light);
        m_fixture = makeFixture();
    }

    void overlayColourIsTheMapAtTheValue_data()
    {
        QTest::addColumn<int>("measure");
        QTest::newRow("kl") << int(DamageMeasure::Kl);
        QTest::newRow("delta p") << int(DamageMeasure::AbsDeltaP);
        QTest::newRow("top-1") << int(DamageMeasure::Top1Disagreement);
    }
    void overlayColourIsTheMapAtTheValue()
    {
        QFETCH(int, measure);
        QuantDamageView view;
        view.resize(1000, 800);
        view.setData(m_fixture.result, m_fixture.document);
        QVERIFY(view.hasOverlay());
        QCOMPARE(view.variantPicker()->currentText(), QString("int4-g128"));
        view.setMeasure(DamageMeasure(measure));
        view.followPage(1);
        QCOMPARE(view.currentPage(), 1);
        const auto& r = *m_fixture.result;
        const auto& v = r.variants[1];
        const TokenTintScale scale = view.textView()->scale();
        QCOMPARE(view.legend()->scale().max, scale.max);
        const QColor base = view.textView()->palette().color(QPalette::Base);
        const std::string& page = m_fixture.document->pages[1].text;
        const std::size_t pageBegin = m_fixture.document->pageOffsets[1];
        int tinted = 0, checked = 0;
        for (std::size_t i = 0; i < r.positions.size(); ++i) {
            if (r.tokenBegin[i] < pageBegin || r.tokenEnd[i] > pageBegin + page.size())
                continue;
            // The view keeps one float per token, as here.
            const double value = double(float(measure == int(DamageMeasure::Kl) ? double(v.kl[i])
                    : measure == int(DamageMeasure::AbsDeltaP)                  ? 100.0 * std::abs(double(v.deltaP[i]))
                                                                                : (v.top1Agree[i] ? 0.0 : 1.0)));
            // The last UTF-16 unit of the token (the page is ASCII, so bytes = UTF-16 units).
            const int position = int(r.tokenEnd[i] - pageBegin) - 1;
            const QColor shown = view.textView()->tintAt(position);
            if (value < scale.tintFrom) {
                QVERIFY(!shown.isValid());
            } else {
                // The map: YlOrRd blended over the base, at value / max (clamped).
                QCOMPARE(shown, sequentialTint(value / scale.max, base));
                ++tinted;
            }
            ++checked;
        }
        QVERIFY2(checked >= 30, qPrintable(QString::number(checked)));
        QVERIFY(tinted > 5);
        if (measure == int(DamageMeasure::Kl)) {
            std::vector<float> kl = v.kl;
            std::sort(kl.begin(), kl.end());
            const double p99 = kl[std::min(kl.size() - 1, std::size_t(0.99 * double(kl.size())))];
            QVERIFY(scale.max >= p99 && scale.max <= 2.5 * p99 + 1e-12); // 1-2-5 rounding up
            QVERIFY(scale.title.contains("nats"));
            test::screenshot(&view, "quant-damage-overlay");
        }
    }

    void breakdownEqualsRecount()
    {
        QuantDamageView view;
        view.setData(m_fixture.result, m_fixture.document);
        view.setVariant(1);
        const auto& r = *m_fixture.result;
        const auto& v = r.variants[1];
        const QByteArray joined = QByteArray::fromStdString(m_fixture.document->joinedText());
        QMap<QString, double> kl, n, differ;
        double total = 0;
        for (std::size_t i = 0; i < r.positions.size(); ++i) {
            const QByteArray piece = joined.mid(r.tokenBegin[i], r.tokenEnd[i] - r.tokenBegin[i]);
            qsizetype anchor = r.tokenBegin[i];
            while (anchor < qsizetype(r.tokenEnd[i]) && QChar::fromLatin1(joined[anchor]).isSpace())
                ++anchor;
            if (anchor == qsizetype(r.tokenEnd[i]))
                anchor = r.tokenBegin[i];
            const qsizetype lineStart
                = std::max(joined.lastIndexOf('\n', anchor - 1), joined.lastIndexOf('\f', anchor - 1)) + 1;
            qsizetype lineEnd = joined.indexOf('\n', lineStart);
            const qsizetype ff = joined.indexOf('\f', lineStart);
            if (lineEnd < 0 || (ff >= 0 && ff < lineEnd))
                lineEnd = ff < 0 ? joined.size() : ff;
            const QString line = QString::fromUtf8(joined.mid(lineStart, lineEnd - lineStart));
            for (const QString& group : QStringList { recountClass(QString::fromUtf8(piece)),
                     recountTable(line) ? QStringLiteral("table rows") : QStringLiteral("prose") }) {
                kl[group] += v.kl[i];
                n[group] += 1;
                differ[group] += v.top1Agree[i] ? 0 : 1;
            }
            total += v.kl[i];
        }
        auto* table = view.breakdownTable();
        QCOMPARE(table->rowCount(), 5);
        const QStringList names { "numbers", "words", "punctuation/space", "table rows", "prose" };
        for (int row = 0; row < 5; ++row) {
            const QString g = names[row];
            QVERIFY2(table->item(row, QuantDamageView::Group)->text().endsWith(g), qPrintable(g));
            QCOMPARE(table->item(row, QuantDamageView::Tokens)->text().toInt(), int(n[g]));
            QVERIFY(n[g] > 0);
            // Shown with 5, 1 and 1 decimals.
            QVERIFY(std::abs(table->item(row, QuantDamageView::KlMean)->text().toDouble() - kl[g] / n[g]) <= 5e-6);
            QVERIFY(
                std::abs(table->item(row, QuantDamageView::Top1Disagree)->text().toDouble() - 100 * differ[g] / n[g])
                <= 0.05 + 1e-9);
            QVERIFY(std::abs(table->item(row, QuantDamageView::KlShare)->text().toDouble() - 100 * kl[g] / total)
                <= 0.05 + 1e-9);
        }
        // The table rows of page 2 carry most of the damage by construction (digits get 4x the KL on average).
        QVERIFY(kl["table rows"] / n["table rows"] > kl["prose"] / n["prose"]);
        // Passages: descending KL sums, each on its page, clicking one asks for that page.
        auto* passages = view.passageTable();
        QVERIFY(passages->rowCount() >= 5);
        for (int row = 1; row < passages->rowCount(); ++row)
            QVERIFY(passages->item(row - 1, QuantDamageView::KlSum)->text().toDouble()
                >= passages->item(row, QuantDamageView::KlSum)->text().toDouble());
        const auto& first = view.breakdown()->passages[0];
        const QString firstText = passages->item(0, QuantDamageView::Text)->text();
        QVERIFY(QString::fromStdString(m_fixture.document->pages[std::size_t(first.page)].text)
                    .simplified()
                    .contains(firstText));
        QSignalSpy asked(&view, &QuantDamageView::pageRequested);
        view.followPage(2); // following does not echo
        QCOMPARE(asked.count(), 0);
        view.passageTable()->cellClicked(0, 0);
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.at(0).at(0).toInt(), first.page);
        QCOMPARE(view.currentPage(), first.page);
    }

    void chartPdfs()
    {
        QuantResultsView results;
        results.setResult(m_fixture.result, m_fixture.document);
        const QStringList files = results.exportTo(m_dir.filePath("export"));
        int pdfs = 0;
        for (const QString& f : files) {
            if (!f.endsWith(".svg"))
                continue;
            const QString pdf = f.chopped(4) + ".pdf";
            QVERIFY2(files.contains(pdf), qPrintable(pdf));
            QFile file(pdf);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.read(5), QByteArray("%PDF-"));
            const auto doc = Poppler::Document::load(pdf);
            QVERIFY(doc && !doc->isLocked());
            QCOMPARE(doc->numPages(), 1);
            // The page is the chart's size (1 px = 1 pt) and the chart's text is text, not pixels.
            const QSize svg = QSvgRenderer(f).defaultSize();
            const QSizeF page = doc->page(0)->pageSizeF();
            QVERIFY2(std::abs(page.width() - svg.width()) < 1 && std::abs(page.height() - svg.height()) < 1,
                qPrintable(QString("%1: %2x%3 pt").arg(pdf).arg(page.width()).arg(page.height())));
            // Vectors only (text drawn as glyph outlines): no image in the file, and the page is not blank.
            QFile bytes(pdf);
            QVERIFY(bytes.open(QIODevice::ReadOnly));
            QVERIFY2(!bytes.readAll().contains("/Subtype /Image"), qPrintable(pdf));
            const QImage shown = doc->page(0)->renderToImage(72, 72);
            int dark = 0;
            for (int y = 0; y < shown.height(); ++y)
                for (int x = 0; x < shown.width(); ++x)
                    dark += qGray(shown.pixel(x, y)) < 128 ? 1 : 0;
            QVERIFY2(dark > 200, qPrintable(pdf));
            ++pdfs;
        }
        QVERIFY(pdfs >= 9);
        // The shared helper on its own.
        QDir().mkpath(m_dir.filePath("alone"));
        const QStringList three = writeChartExports(
            memoryQualityChart(*m_fixture.result, ChartTheme::light()), m_dir.filePath("alone/memory").toStdString());
        QCOMPARE(three.size(), 3);
        for (const QString& f : three)
            QVERIFY2(QFile::exists(f) && QFileInfo(f).size() > 500, qPrintable(f));
    }

    void reportPdf()
    {
        const QString path = m_dir.filePath("report.pdf");
        ComparisonReportOptions options;
        options.document = m_fixture.document;
        options.created = QDateTime(QDate(2026, 11, 28), QTime(12, 0));
        writeComparisonReportPdf(*m_fixture.result, options, path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.read(5), QByteArray("%PDF-"));
        const auto doc = Poppler::Document::load(path);
        QVERIFY(doc);
        // Look at it: the first pages as images.
        for (int p = 0; p < doc->numPages(); ++p) {
            const QImage image = doc->page(p)->renderToImage(110, 110);
            QVERIFY(!image.isNull());
            image.save(test::artifactsDir() + QString("/quant-report-page%1.png").arg(p + 1));
        }
        // Head (one page for two variants), the charts two a page, then the damage section (one page or more).
        const int charts = int(comparisonMetrics().size()) + 2;
        const int chartPages = (charts + 1) / 2;
        QVERIFY2(doc->numPages() >= 1 + chartPages + 1 && doc->numPages() <= 1 + chartPages + 3,
            qPrintable(QString::number(doc->numPages())));
        const QString first = doc->page(0)->text(QRectF()).replace(QChar(0xa0), ' '); // cells use no-break spaces
        for (const auto& row : comparisonSummaryRows(*m_fixture.result))
            for (int c : { 0, 1, 2, 5, 7, 10 })
                QVERIFY2(first.contains(row.cells[c]), qPrintable(row.cells[c] + "\n" + first));
        QVERIFY(first.contains("acme-10k.pdf"));
        QVERIFY(first.contains("2026-11-28"));
        QString damage;
        for (int p = 1 + chartPages; p < doc->numPages(); ++p)
            damage += doc->page(p)->text(QRectF());
        QVERIFY(damage.contains("int8") && damage.contains("int4-g128"));
        QVERIFY(damage.contains("table rows") && damage.contains("Most damaged lines"));
        QVERIFY(damage.contains("Revenue"));
        QVERIFY(damage.contains("table row"));
    }

    void tokenSpansSurviveTheSession()
    {
        auto store = SessionStore::create(m_dir.filePath("s.moescope").toStdString(), "t");
        const auto id = saveComparison(store, *m_fixture.result, std::nullopt, "{}");
        auto back = std::make_shared<ComparisonResult>(loadComparison(store, id));
        QCOMPARE(back->tokenBegin, m_fixture.result->tokenBegin);
        QCOMPARE(back->tokenEnd, m_fixture.result->tokenEnd);
        QCOMPARE(back->variants[1].kl, m_fixture.result->variants[1].kl);
        QuantDamageView a, b;
        a.setData(m_fixture.result, m_fixture.document);
        b.setData(back, m_fixture.document);
        QCOMPARE(b.breakdownTable()->item(0, QuantDamageView::KlMean)->text(),
            a.breakdownTable()->item(0, QuantDamageView::KlMean)->text());
        // A run stored without spans (the CLI's) loads, and the view says why there is no overlay.
        auto noSpans = *m_fixture.result;
        noSpans.tokenBegin.clear();
        noSpans.tokenEnd.clear();
        const auto old = loadComparison(store, saveComparison(store, noSpans));
        QVERIFY(old.tokenBegin.empty());
        b.setData(std::make_shared<ComparisonResult>(old), m_fixture.document);
        QVERIFY(!b.hasOverlay());
        QVERIFY(b.note()->text().contains("without token positions"));
    }

private:
    QTemporaryDir m_dir;
    Fixture m_fixture;
};

QTEST_MAIN(QuantViewsTest)
#include "tst_quantviews.moc"
