// The sample annual report: deterministic bytes, a PDF that poppler reads with the truth file's page count, Item
// headings and key figures on the pages the truth file names, and accounting identities that hold both in the
// generator's model and in the numbers extracted back from the PDF's text.

#include "popplertext.h"

#include "core/error.h"
#include "docs/samplefinancials.h"
#include "docs/samplereport.h"
#include "docs/samplereportgenerator.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <memory>

using namespace moescope;
using moescope::test::LoadedPdf;

namespace {

constexpr std::uint64_t kSeed = 7;

// Page text with all whitespace runs collapsed to one space, so headings wrapped over two lines still match.
QString flatText(const poppler::document& doc, int page)
{
    return test::pageText(doc, page).simplified();
}

// The figures printed after a label on one line of a page ("Total assets $ 6,239 $ 6,103" -> {6239, 6103}),
// with parentheses as negatives and an em dash as zero. Matches the line whose label is exactly `label`.
std::vector<long long> figuresAfter(const QString& pageText, const QString& label)
{
    static const QRegularExpression number(QStringLiteral("\\(?[0-9][0-9,]*(\\.[0-9]+)?\\)?|\u2014"));
    for (QString line : pageText.split(QLatin1Char('\n'))) {
        line = line.simplified();
        if (!line.startsWith(label))
            continue;
        const QString rest = line.mid(label.size());
        if (rest.isEmpty() || (rest[0] != QLatin1Char(' ')))
            continue;
        // The label must be followed only by figures and "$" signs.
        QString check = rest;
        check.remove(QLatin1Char('$'));
        std::vector<long long> out;
        auto it = number.globalMatch(check);
        QString left = check;
        while (it.hasNext()) {
            const auto m = it.next();
            QString t = m.captured(0);
            left.replace(m.capturedStart(0), m.capturedLength(0), QString(m.capturedLength(0), QLatin1Char(' ')));
            if (t == QStringLiteral("\u2014")) {
                out.push_back(0);
                continue;
            }
            const bool negative = t.startsWith(QLatin1Char('('));
            t.remove(QLatin1Char('(')).remove(QLatin1Char(')')).remove(QLatin1Char(','));
            const long long v = t.toLongLong();
            out.push_back(negative ? -v : v);
        }
        if (left.trimmed().isEmpty() && !out.empty())
            return out;
    }
    return {};
}

struct Fixture {
    SampleReport report;
    std::unique_ptr<LoadedPdf> pdf;
    std::unique_ptr<SampleReportGenerator> model;
};

Fixture& fixture()
{
    static Fixture f = [] {
        Fixture x;
        x.report = makeSampleReport({ .seed = kSeed });
        x.pdf = std::make_unique<LoadedPdf>(x.report.pdf);
        x.model = std::make_unique<SampleReportGenerator>(kSeed, 2025);
        return x;
    }();
    return f;
}

int statementPage(const nlohmann::ordered_json& truth, const std::string& name)
{
    for (const auto& s : truth["statements"])
        if (s["name"] == name)
            return s["page"].get<int>();
    return -1;
}

} // namespace

class TestSampleReport : public QObject {
    Q_OBJECT

private slots:
    void deterministic()
    {
        const auto a = makeSampleReport({ .seed = 11 });
        const auto b = makeSampleReport({ .seed = 11 });
        QVERIFY(a.pdf == b.pdf);
        QCOMPARE(a.truth.dump(), b.truth.dump());
        const auto c = makeSampleReport({ .seed = 12 });
        QVERIFY(a.pdf != c.pdf);
        QVERIFY(a.truth.dump() != c.truth.dump());
        // Compression changes the bytes, not the content.
        const auto plain = makeSampleReport({ .seed = 11, .compress = false });
        QVERIFY(plain.pdf.size() > a.pdf.size());
        QCOMPARE(plain.pageCount, a.pageCount);
    }

    void opensWithTruthPageCount()
    {
        auto& f = fixture();
        QVERIFY(f.pdf && *f.pdf);
        QVERIFY(!(*f.pdf)->is_locked());
        const int pages = (*f.pdf)->pages();
        QCOMPARE(pages, f.report.truth["page_count"].get<int>());
        QCOMPARE(pages, f.report.pageCount);
        QVERIFY2(pages >= 120, qPrintable(QString::number(pages)));
        QVERIFY(test::toQString((*f.pdf)->info_key("Title")).contains(QString::fromStdString(f.report.companyName)));
        std::unique_ptr<poppler::page> page((*f.pdf)->create_page(0));
        QVERIFY(std::abs(page->page_rect().width() - 612) < 0.01 && std::abs(page->page_rect().height() - 792) < 0.01);
        QCOMPARE(f.report.truth["company"]["name"].get<std::string>(), f.report.companyName);
        QCOMPARE(f.report.truth["fiscal_years"], nlohmann::ordered_json({ 2023, 2024, 2025 }));
    }

    void sectionsStartWhereTruthSays()
    {
        auto& f = fixture();
        const auto& doc = **f.pdf;
        const auto& truth = f.report.truth;
        const std::vector<std::string> expected = { "1", "1A", "1B", "1C", "2", "3", "4", "5", "6", "7", "7A", "8", "9",
            "9A", "9B", "9C", "10", "11", "12", "13", "14", "15", "16" };
        QCOMPARE(truth["sections"].size(), expected.size());
        int lastContents = -1;
        for (const auto& p : truth["contents_pages"])
            lastContents = std::max(lastContents, p.get<int>());
        QVERIFY(lastContents >= 1);
        int previousStart = -1;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            const auto& s = truth["sections"][i];
            QCOMPARE(s["item"].get<std::string>(), expected[i]);
            const int start = s["page_start"].get<int>(), end = s["page_end"].get<int>();
            QVERIFY(start > lastContents && start >= previousStart && end >= start && end < doc.pages());
            const QString heading = QString::fromStdString(s["heading"].get<std::string>());
            QCOMPARE(heading, QString::fromStdString("Item " + expected[i] + ". " + s["title"].get<std::string>()));
            QVERIFY2(flatText(doc, start).contains(heading),
                qPrintable(QStringLiteral("%1 not on page %2").arg(heading).arg(start)));
            // ... and that page is the first body page carrying it (the contents pages list it too).
            for (int p = lastContents + 1; p < start; ++p)
                QVERIFY2(!flatText(doc, p).contains(heading + QLatin1Char(' ')) && !flatText(doc, p).endsWith(heading),
                    qPrintable(QStringLiteral("%1 already on page %2").arg(heading).arg(p)));
            previousStart = start;
        }
        // The contents pages list every Item.
        QString contents;
        for (const auto& p : truth["contents_pages"])
            contents += flatText(doc, p.get<int>()) + QLatin1Char(' ');
        QVERIFY(contents.contains(QStringLiteral("Item 1A. Risk Factors")));
        QVERIFY(contents.contains(QStringLiteral("Item 16. Form 10-K Summary")));
    }

    void keyFiguresOnTheirPages()
    {
        auto& f = fixture();
        const auto& doc = **f.pdf;
        const auto& truth = f.report.truth;
        const auto& fin = f.model->financials();
        std::map<std::string, int> counts;
        for (const auto& k : truth["key_figures"]) {
            const std::string name = k["name"];
            const int year = k["year"], page = k["page"];
            ++counts[name];
            const QString display = QString::fromStdString(k["display"].get<std::string>());
            const QString text = test::pageText(doc, page);
            const QRegularExpression token(
                QStringLiteral("(^|[\\s$(])") + QRegularExpression::escape(display) + QStringLiteral("($|[\\s)])"));
            QVERIFY2(token.match(text).hasMatch(),
                qPrintable(QStringLiteral("%1 %2 = %3 not on page %4")
                               .arg(QString::fromStdString(name))
                               .arg(year)
                               .arg(display)
                               .arg(page)));
            const auto& y = fin.year(year);
            const double value = k["value"];
            if (name == "total_revenue")
                QCOMPARE(value, static_cast<double>(y.revenue));
            else if (name == "net_income")
                QCOMPARE(value, static_cast<double>(y.netIncome));
            else if (name == "diluted_eps")
                QVERIFY(std::abs(value - y.epsDilutedCents / 100.0) < 1e-9);
            else if (name == "total_assets")
                QCOMPARE(value, static_cast<double>(y.totalAssets));
            else if (name == "total_liabilities")
                QCOMPARE(value, static_cast<double>(y.totalLiabilities));
            else if (name == "operating_cash_flow")
                QCOMPARE(value, static_cast<double>(y.operatingCashFlow));
            else
                QFAIL(qPrintable(QStringLiteral("unexpected key figure %1").arg(QString::fromStdString(name))));
            const std::string statement = k["statement"];
            QCOMPARE(page, statementPage(truth, statement));
            QCOMPARE(
                k["unit"].get<std::string>(), std::string(name == "diluted_eps" ? "USD per share" : "USD millions"));
        }
        QCOMPARE(counts["total_revenue"], 3);
        QCOMPARE(counts["net_income"], 3);
        QCOMPARE(counts["diluted_eps"], 3);
        QCOMPARE(counts["operating_cash_flow"], 3);
        QCOMPARE(counts["total_assets"], 2);
        QCOMPARE(counts["total_liabilities"], 2);
        // Statements are in Item 8 and in the order filings use.
        const auto& item8 = truth["sections"][11];
        QCOMPARE(item8["item"].get<std::string>(), std::string("8"));
        int previous = -1;
        for (const char* s :
            { "income_statement", "comprehensive_income", "balance_sheet", "cash_flows", "stockholders_equity" }) {
            const int p = statementPage(truth, s);
            QVERIFY(p > previous && p >= item8["page_start"].get<int>() && p <= item8["page_end"].get<int>());
            previous = p;
        }
    }

    // The accounting identities, read back from the PDF's text rather than from the model.
    void statementsReconcileInExtractedText()
    {
        auto& f = fixture();
        const auto& doc = **f.pdf;
        const auto& truth = f.report.truth;
        const QString bs = test::pageText(doc, statementPage(truth, "balance_sheet"));
        const auto assets = figuresAfter(bs, QStringLiteral("Total assets"));
        const auto liabilities = figuresAfter(bs, QStringLiteral("Total liabilities"));
        const auto equity = figuresAfter(bs, QStringLiteral("Total stockholders\u2019 equity"));
        const auto both = figuresAfter(bs, QStringLiteral("Total liabilities and stockholders\u2019 equity"));
        const auto bsCash = figuresAfter(bs, QStringLiteral("Cash and cash equivalents"));
        QCOMPARE(assets.size(), std::size_t(2));
        QCOMPARE(liabilities.size(), std::size_t(2));
        QCOMPARE(equity.size(), std::size_t(2));
        QCOMPARE(both.size(), std::size_t(2));
        QCOMPARE(bsCash.size(), std::size_t(2));
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(assets[i], liabilities[i] + equity[i]);
            QCOMPARE(assets[i], both[i]);
        }
        const QString cf = test::pageText(doc, statementPage(truth, "cash_flows"));
        const auto end = figuresAfter(cf, QStringLiteral("Cash and cash equivalents at end of year"));
        const auto begin = figuresAfter(cf, QStringLiteral("Cash and cash equivalents at beginning of year"));
        const auto change = figuresAfter(cf, QStringLiteral("Net increase (decrease) in cash and cash equivalents"));
        const auto cfo = figuresAfter(cf, QStringLiteral("Net cash provided by operating activities"));
        const auto cfi = figuresAfter(cf, QStringLiteral("Net cash used in investing activities"));
        const auto cff = figuresAfter(cf, QStringLiteral("Net cash used in financing activities"));
        const auto fx
            = figuresAfter(cf, QStringLiteral("Effect of exchange rate changes on cash and cash equivalents"));
        QCOMPARE(end.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(begin[i] + change[i], end[i]);
            QCOMPARE(cfo[i] + cfi[i] + cff[i] + fx[i], change[i]);
        }
        QCOMPARE(end[0], bsCash[0]); // cash flows end where the balance sheet's cash is
        QCOMPARE(end[1], bsCash[1]);
        QCOMPARE(begin[0], end[1]);
        const QString is = test::pageText(doc, statementPage(truth, "income_statement"));
        const auto netIncome = figuresAfter(is, QStringLiteral("Net income"));
        const auto cfNetIncome = figuresAfter(cf, QStringLiteral("Net income"));
        QCOMPARE(netIncome.size(), std::size_t(3));
        QCOMPARE(netIncome, cfNetIncome);
        const auto revenue = figuresAfter(is, QStringLiteral("Total net revenue"));
        const auto products = figuresAfter(is, QStringLiteral("Products"));
        const auto services = figuresAfter(is, QStringLiteral("Services"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(products[i] + services[i], revenue[i]);
    }

    // Diluted EPS printed on the income statement against net income and diluted shares printed beside it.
    void earningsPerShareFromText()
    {
        auto& f = fixture();
        const QString is = test::pageText(**f.pdf, statementPage(f.report.truth, "income_statement"));
        const auto netIncome = figuresAfter(is, QStringLiteral("Net income"));
        static const QRegularExpression line(
            QStringLiteral("^\\s*Diluted\\s+\\$\\s*([0-9.]+)\\s+\\$\\s*([0-9.]+)\\s+\\$\\s*([0-9.]+)\\s*$"));
        static const QRegularExpression shares(
            QStringLiteral("^\\s*Diluted\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s*$"));
        std::vector<double> eps, count;
        for (const QString& l : is.split(QLatin1Char('\n'))) {
            if (auto m = line.match(l); m.hasMatch())
                for (int i = 1; i <= 3; ++i)
                    eps.push_back(m.captured(i).toDouble());
            else if (auto s = shares.match(l); s.hasMatch())
                for (int i = 1; i <= 3; ++i)
                    count.push_back(s.captured(i).toDouble());
        }
        QCOMPARE(eps.size(), std::size_t(3));
        QCOMPARE(count.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) // EPS is rounded to cents from millions of shares rounded to 0.1 million
            QVERIFY(std::abs(netIncome[i] / count[i] - eps[i]) <= 0.005 + 1e-9);
    }

    void modelIdentitiesHoldForManySeeds()
    {
        for (std::uint64_t seed = 1; seed <= 60; ++seed) {
            SampleRng rng(seed);
            const SampleCompany c = makeSampleCompany(rng.fork("company"), 2025);
            QVERIFY(c.segments.size() == 2 || c.segments.size() == 3);
            SampleFinancials f(c, rng.fork("financials"));
            const auto v = f.violations();
            if (!v.empty())
                QFAIL(qPrintable(QStringLiteral("seed %1: %2").arg(seed).arg(QString::fromStdString(v.front()))));
            for (int y = 2023; y <= 2025; ++y) {
                const auto& x = f.year(y);
                QVERIFY(x.totalAssets == x.totalLiabilities + x.totalEquity);
                QVERIFY(x.cashBegin + x.netChangeInCash == x.cash);
                QVERIFY(x.netIncome > 0 && x.revenue > 1000);
            }
        }
    }

    void everySeedMakesAFullReport_data()
    {
        QTest::addColumn<quint64>("seed");
        for (quint64 s : { 1, 2, 3, 4, 5, 99, 123456789 })
            QTest::addRow("seed %llu", static_cast<unsigned long long>(s)) << s;
    }
    void everySeedMakesAFullReport()
    {
        QFETCH(quint64, seed);
        const auto r = makeSampleReport({ .seed = seed });
        QVERIFY2(r.pageCount >= 120, qPrintable(QString::number(r.pageCount)));
        QCOMPARE(r.truth["key_figures"].size(), std::size_t(16));
        QCOMPARE(r.truth["sections"].size(), std::size_t(23));
        const LoadedPdf pdf(r.pdf);
        QVERIFY(pdf);
        QCOMPARE(pdf->pages(), r.pageCount);
    }

    void writesFiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path pdf = dir.filePath(QStringLiteral("report.pdf")).toStdString();
        QCOMPARE(defaultTruthPath(pdf).filename().string(), std::string("report.truth.json"));
        QCOMPARE(defaultTruthPath("dir/noext").filename().string(), std::string("noext.truth.json"));
        const auto r = writeSampleReport({ .seed = 3 }, pdf, defaultTruthPath(pdf));
        QFile f(QString::fromStdString(defaultTruthPath(pdf).string()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const auto parsed = nlohmann::json::parse(f.readAll().toStdString());
        QCOMPARE(parsed["schema"].get<std::string>(), std::string("moescope.sample_report_truth/1"));
        QCOMPARE(parsed["page_count"].get<int>(), r.pageCount);
        QFile p(QString::fromStdString(pdf.string()));
        QVERIFY(p.open(QIODevice::ReadOnly));
        QCOMPARE(p.readAll().toStdString(), r.pdf);
    }

    void rejectsBadInput()
    {
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, makeSampleReport({ .seed = 1, .fiscalYear = 1800 }));
        QVERIFY_THROWS_EXCEPTION(
            IoError, writeSampleReport({ .seed = 1 }, "/nonexistent-dir/r.pdf", "/nonexistent-dir/r.json"));
    }
};

QTEST_GUILESS_MAIN(TestSampleReport)
#include "tst_samplereport.moc"
