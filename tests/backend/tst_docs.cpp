// Document readers, 10-K structure, key figures and chunking on the four real 10-K fixtures (shared/fixtures/reports)
// and small generated fixtures. Expected page ranges and values were read by hand from the PDFs' text (pdftotext -f N
// -l N -layout); page counts are pdfinfo's.

#include "testsupport.h"

#include "core/error.h"
#include "docs/chunker.h"
#include "docs/documentopener.h"
#include "docs/figureextractor.h"
#include "docs/htmlreader.h"
#include "docs/sectiondetector.h"
#include "core/sha256.h"
#include "docs/tablerow.h"
#include "docs/textreader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace moescope;

namespace {

std::filesystem::path report(const QString& name)
{
    return (moescope::test::sharedDir() + "/fixtures/reports/" + name + ".pdf").toStdString();
}

// Reading a report takes a second or two; each is read once per test run.
const Document& cached(const QString& name)
{
    static std::map<QString, Document> docs;
    auto it = docs.find(name);
    if (it == docs.end())
        it = docs.emplace(name, DocumentOpener().open(report(name))).first;
    return it->second;
}

void writeFile(const std::filesystem::path& p, const std::string& bytes)
{
    std::ofstream(p, std::ios::binary) << bytes;
}

} // namespace

class TestDocs : public QObject {
    Q_OBJECT
private slots:
    void sha256()
    {
        QCOMPARE(QString::fromStdString(Sha256::hexOf("")),
            QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(QString::fromStdString(Sha256::hexOf("abc")),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        // 1,000,000 x 'a' (FIPS 180-2 test vector), fed in uneven blocks.
        Sha256 h;
        const std::string block(999, 'a'), rest(1000, 'a');
        for (int i = 0; i < 1000; ++i)
            h.update(block);
        h.update(rest);
        QCOMPARE(QString::fromStdString(h.hexDigest()),
            QStringLiteral("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void pageCounts_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("pages"); // pdfinfo
        QTest::addColumn<bool>("encrypted");
        QTest::newRow("3M") << "3M_2022_10K" << 252 << false;
        QTest::newRow("Amcor") << "AMCOR_2023_10K" << 156 << false;
        QTest::newRow("Boeing (RC4, owner password only)") << "BOEING_2022_10K" << 190 << true;
        QTest::newRow("PepsiCo") << "PEPSICO_2022_10K" << 503 << false;
    }
    void pageCounts()
    {
        QFETCH(QString, name);
        QFETCH(int, pages);
        QFETCH(bool, encrypted);
        const Document& d = cached(name);
        QCOMPARE(d.pageCount(), pages);
        QCOMPARE(d.metadata().encrypted, encrypted);
        QCOMPARE(d.identity().sha256, Sha256::hexOfFile(report(name)));
        // Offsets map every page back: the text at a page's offset is that page's text.
        for (int p = 0; p < d.pageCount(); ++p) {
            QCOMPARE(d.pageAt(d.pageOffset(p)), p);
            QCOMPARE(d.text().substr(d.pageOffset(p), d.pageText(p).size()), std::string(d.pageText(p)));
        }
        QVERIFY(d.pageSize(0).width > 500);
    }

    void tableRowsStayOnOneLine()
    {
        // 3M's income statement (page 47): the row and its three values on one line.
        const std::string page(cached("3M_2022_10K").pageText(47));
        QVERIFY(page.find("Net sales") != std::string::npos);
        const auto line
            = page.substr(page.find("Net sales"), page.find('\n', page.find("Net sales")) - page.find("Net sales"));
        const TableRow row = parseTableRow(line);
        QCOMPARE(row.values.size(), std::size_t(3));
        QCOMPARE(row.values[0], 34229.0);
    }

    void extractionIsDeterministicAcrossThreads()
    {
        ReadOptions one;
        one.threads = 1;
        const Document single = DocumentOpener().open(report("AMCOR_2023_10K"), one);
        QCOMPARE(single.text(), cached("AMCOR_2023_10K").text());
    }

    void twoColumnReadingOrder()
    {
        const Document d = DocumentOpener().open((moescope::test::fixturesDir() + "/docs/twopage.pdf").toStdString());
        QCOMPARE(d.pageCount(), 2);
        const std::string p2(d.pageText(1));
        const auto leftEnd = p2.find("closing the left column text");
        const auto rightStart = p2.find("The right column begins now");
        QVERIFY(leftEnd != std::string::npos && rightStart != std::string::npos);
        QVERIFY2(leftEnd < rightStart, p2.c_str()); // whole left column before the right one
        // A table row on page 1 is not split.
        QVERIFY(std::string(d.pageText(0)).find("Net sales") != std::string::npos);
        QCOMPARE(parseTableRow(std::string(d.pageText(0)).substr(std::string(d.pageText(0)).find("Net sales")))
                     .values.size(),
            std::size_t(2));
    }

    void userPasswordPdfIsRefusedClearly()
    {
        try {
            DocumentOpener().open((moescope::test::fixturesDir() + "/docs/userpw.pdf").toStdString());
            QFAIL("opened a PDF that needs a password");
        } catch (const UnsupportedError& e) {
            QVERIFY2(std::string(e.what()).find("password") != std::string::npos, e.what());
        }
    }

    void hostileFiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path base = dir.path().toStdString();
        const std::string pdfBytes = [] {
            std::ifstream in(report("AMCOR_2023_10K"), std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        }();
        writeFile(base / "truncated.pdf", pdfBytes.substr(0, 2000));
        writeFile(base / "garbage.pdf", std::string(5000, '\x07'));
        writeFile(base / "header-only.pdf", "%PDF-1.7\n%garbage\n");
        writeFile(base / "empty.pdf", "");
        for (const char* name : { "truncated.pdf", "garbage.pdf", "header-only.pdf", "empty.pdf" }) {
            try {
                DocumentOpener().open(base / name);
                QFAIL(qPrintable(QStringLiteral("opened %1").arg(name)));
            } catch (const FormatError& e) {
                QVERIFY2(std::string(e.what()).find(name) != std::string::npos, e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(IoError, DocumentOpener().open(base / "missing.pdf"));
        ReadOptions small;
        small.maxFileBytes = 1000;
        QVERIFY_THROWS_EXCEPTION(IoError, DocumentOpener().open(report("AMCOR_2023_10K"), small));
    }

    void textReader()
    {
        const Document ff = TextReader::fromText("page one\n\fpage two\r\nline\f", "a.txt", {}, {});
        QCOMPARE(ff.pageCount(), 2);
        QCOMPARE(std::string(ff.pageText(1)), std::string("page two\nline"));
        // No form feeds: pseudo pages near the target size, cut at paragraph ends.
        std::string text;
        for (int i = 0; i < 100; ++i)
            text += "Paragraph " + std::to_string(i) + " " + std::string(200, 'x') + ".\n\n";
        ReadOptions opt;
        opt.pseudoPageChars = 3000;
        const Document pseudo = TextReader::fromText(text, "b.txt", {}, opt);
        QVERIFY(pseudo.pageCount() >= 6 && pseudo.pageCount() <= 9);
        for (int p = 0; p < pseudo.pageCount(); ++p) {
            QVERIFY(pseudo.pageText(p).size() <= 3900);
            QVERIFY(std::string(pseudo.pageText(p)).ends_with("."));
        }
        // Windows-1252 bytes become UTF-8.
        const Document latin = TextReader::fromText("caf\xE9 \x93quoted\x94", "c.txt", {}, {});
        QCOMPARE(std::string(latin.pageText(0)), std::string("caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D"));
    }

    void htmlReader()
    {
        const std::string html = R"(<html><head><title>ACME 10-K</title><style>p{color:red}</style>
<script>var x = "<p>no</p>";</script></head><body>
<div style="display:none"><ix:header>hidden &amp; secret</ix:header></div>
<p>Item 7. Management&#8217;s Discussion</p>
<table><tr><td>Net sales</td><td>$</td><td>1,234</td><td>(56</td><td>)</td></tr></table>
<hr style="page-break-after: always"/>
<p>Second&nbsp;page &lt;b&gt; text</p><!-- comment <p>no</p> -->
<div style="PAGE-BREAK-BEFORE: always">Third page</div></body></html>)";
        const Document d = HtmlReader::fromHtml(html, "x.htm", {}, {});
        QCOMPARE(d.metadata().title, std::string("ACME 10-K"));
        QCOMPARE(d.pageCount(), 3);
        const std::string p1(d.pageText(0));
        QVERIFY2(p1.find("hidden") == std::string::npos && p1.find("no") == std::string::npos, p1.c_str());
        QVERIFY(p1.find("Item 7. Management\xE2\x80\x99s Discussion") != std::string::npos);
        const TableRow row = parseTableRow(p1.substr(p1.find("Net sales")));
        QCOMPARE(row.values.size(), std::size_t(2));
        QCOMPARE(row.values[1], -56.0);
        QCOMPARE(std::string(d.pageText(1)), std::string("Second page <b> text"));
        QCOMPARE(std::string(d.pageText(2)), std::string("Third page"));
    }

    void tableRows()
    {
        QCOMPARE(*parseAmount("(3,547)"), -3547.0);
        QCOMPARE(*parseAmount("($4,935)"), -4935.0);
        QCOMPARE(*parseAmount("$0.705"), 0.705);
        QVERIFY(!parseAmount("13)"));
        QVERIFY(!parseAmount("1,23"));
        QCOMPARE(
            parseYearHeader("For the years ended June 30,  2023  2022  2021"), (std::vector<int> { 2023, 2022, 2021 }));
        const TableRow r = parseTableRow("Gain on dispositions, net    6     277     —");
        QCOMPARE(r.label, std::string("Gain on dispositions, net"));
        QCOMPARE(r.values, (std::vector<double> { 6, 277, 0 }));
    }

    void sections_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected"); // item:first-last, hand-checked (0-based pages)
        QTest::newRow("3M") << "3M_2022_10K"
                            << "1:3-8 1A:9-15 1B:15-15 2:15-15 3:16-16 4:16-16 5:17-17 6:17-17 7:18-41 7A:41-42 "
                               "8:42-123 9:124-124 9A:124-124 9B:124-124 9C:124-124 10:125-125 11:125-125 "
                               "12:126-126 13:126-126 14:126-126 15:127-129 16:129-129";
        QTest::newRow("Amcor") << "AMCOR_2023_10K"
                               << "1:4-12 1A:13-23 1B:24-24 2:24-24 3:24-24 4:24-24 5:25-27 7:28-44 7A:45-46 "
                                  "8:47-108 9:109-109 9A:109-109 9B:109-109 9C:109-109 10:110-110 11:111-111 "
                                  "12:111-111 13:111-111 14:111-111 15:112-114 16:114-114";
        QTest::newRow("Boeing") << "BOEING_2022_10K"
                                << "1:2-7 1A:7-18 1B:18-18 2:19-19 3:19-19 4:19-19 5:20-20 6:20-20 7:21-52 7A:52-52 "
                                   "8:53-124 9:125-125 9A:125-125 9B:125-125 9C:125-125 10:126-129 11:129-129 "
                                   "12:130-130 13:130-130 14:130-130 15:131-134 16:134-134";
        QTest::newRow("PepsiCo") << "PEPSICO_2022_10K"
                                 << "1:3-12 1A:12-24 1B:24-24 2:25-25 3:25-25 4:25-28 5:29-29 7:30-116 7A:117-117 "
                                    "8:117-117 9:117-117 9A:117-118 9B:118-118 9C:118-118 10:118-118 11:118-119 "
                                    "12:119-119 13:119-119 14:119-119 15:120-120 16:120-127";
    }
    void sections()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const DocumentStructure s = SectionDetector().detect(cached(name));
        QStringList got;
        for (const auto& sec : s.sections)
            got << QStringLiteral("%1:%2-%3").arg(QString::fromStdString(sec.item)).arg(sec.pageStart).arg(sec.pageEnd);
        QCOMPARE(got.join(' '), expected);
        // Parts cover their items.
        QCOMPARE(int(s.parts.size()), 4);
        for (const auto& sec : s.sections)
            for (const auto& p : s.parts)
                if (p.part == sec.part)
                    QVERIFY(p.pageStart <= sec.pageStart && p.pageEnd >= sec.pageEnd);
    }

    void figures_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected"); // name/year=value@page, read by hand from the statements
        QTest::newRow("3M") << "3M_2022_10K"
                            << "total_revenue/2022=34229@47 total_revenue/2020=32184@47 net_income/2022=5777@47 "
                               "net_income/2021=5921@47 diluted_eps/2022=10.18@47 diluted_eps/2020=9.36@47 "
                               "total_assets/2022=46455@49 total_assets/2021=47072@49 total_liabilities/2022=31685@49 "
                               "operating_cash_flow/2022=5591@51 operating_cash_flow/2021=7454@51";
        QTest::newRow("Amcor") << "AMCOR_2023_10K"
                               << "total_revenue/2023=14694@49 total_revenue/2021=12861@49 net_income/2023=1048@49 "
                                  "diluted_eps/2023=0.705@49 diluted_eps/2022=0.529@49 total_assets/2023=17003@51 "
                                  "total_liabilities/2023=12913@51 total_liabilities/2022=13285@51 "
                                  "operating_cash_flow/2023=1261@52";
        QTest::newRow("Boeing") << "BOEING_2022_10K"
                                << "total_revenue/2022=66608@54 net_income/2022=-4935@54 net_income/2020=-11873@54 "
                                   "diluted_eps/2022=-8.3@54 total_assets/2022=137100@56 "
                                   "total_liabilities/2021=153398@56 operating_cash_flow/2022=3512@58 "
                                   "operating_cash_flow/2021=-3416@58";
        QTest::newRow("PepsiCo") << "PEPSICO_2022_10K"
                                 << "total_revenue/2022=86392@61 net_income/2022=8910@61 diluted_eps/2022=6.42@61 "
                                    "diluted_eps/2021=5.49@61 operating_cash_flow/2022=10811@63 "
                                    "total_assets/2022=92187@65 total_liabilities/2022=74914@65";
    }
    void figures()
    {
        QFETCH(QString, name);
        QFETCH(QString, expected);
        const FinancialFigures f = FigureExtractor().extract(cached(name));
        QCOMPARE(int(f.statements.size()), 3);
        QCOMPARE(int(f.figures.size()), 16); // 3 years x 4 income/cash figures + 2 years x 2 balance figures
        for (const QString& item : expected.split(' ')) {
            const QStringList parts = item.split(QRegularExpression("[/=@]"));
            const KeyFigure* k = f.find(parts[0].toStdString(), parts[1].toInt());
            QVERIFY2(k, qPrintable(item));
            QVERIFY2(std::abs(k->value - parts[2].toDouble()) < 1e-9,
                qPrintable(item + " got " + QString::number(k->value)));
            QCOMPARE(k->page, parts[3].toInt());
            QVERIFY(!k->derived);
        }
    }

    void totalLiabilitiesDerived()
    {
        const std::string page = "Consolidated Balance Sheets\n(in millions)\n                 2023     2022\n"
                                 "Total assets              $ 500    $ 450\nTotal current liabilities   100      90\n"
                                 "Total shareholders' equity  180      170\nTotal equity   200   190\n"
                                 "Total liabilities and equity   $ 500   $ 450\n";
        const Document d({}, {}, {}, { "cover", page });
        const FinancialFigures f = FigureExtractor().extract(d);
        const KeyFigure* k = f.find("total_liabilities", 2023);
        QVERIFY(k);
        QCOMPARE(k->value, 300.0);
        QVERIFY(k->derived);
        QVERIFY(k->note.find("minus") != std::string::npos);
        QCOMPARE(f.find("total_liabilities", 2022)->value, 260.0);
        QCOMPARE(k->page, 1);
    }

    void chunking_data()
    {
        QTest::addColumn<int>("budget");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<bool>("tokens");
        QTest::newRow("2000 chars") << 2000 << 0 << false;
        QTest::newRow("1500 chars, overlap 300") << 1500 << 300 << false;
        QTest::newRow("512 tokens, overlap 64") << 512 << 64 << true;
    }
    void chunking()
    {
        QFETCH(int, budget);
        QFETCH(int, overlap);
        QFETCH(bool, tokens);
        const Document& d = cached("BOEING_2022_10K");
        const DocumentStructure s = SectionDetector().detect(d);
        ChunkOptions opt;
        opt.budget = std::size_t(budget);
        opt.overlap = std::size_t(overlap);
        // A stand-in tokenizer: one token per blank-separated word.
        auto words = [](std::string_view t) {
            std::size_t n = 0;
            bool in = false;
            for (char c : t) {
                const bool w = !std::isspace(static_cast<unsigned char>(c));
                n += w && !in;
                in = w;
            }
            return n;
        };
        if (tokens)
            opt.countTokens = words;
        const std::vector<Chunk> chunks = Chunker(opt).chunk(d, s);
        QVERIFY(chunks.size() > 10);
        std::size_t covered = 0; // end of the text covered so far
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            const Chunk& c = chunks[i];
            const std::string_view text = std::string_view(d.text()).substr(c.begin, c.end - c.begin);
            QVERIFY(c.size <= opt.budget);
            QCOMPARE(c.size, tokens ? c.size : text.size());
            QVERIFY2(c.begin <= covered, "a gap between chunks"); // tiles the text
            if (i > 0) {
                const std::size_t repeated = covered - c.begin;
                const std::string_view rep = std::string_view(d.text()).substr(c.begin, repeated);
                QVERIFY(tokens ? words(rep) <= opt.overlap + 1 : repeated <= opt.overlap);
            }
            covered = std::max(covered, c.end);
            QVERIFY(c.pageStart <= c.pageEnd);
            QCOMPARE(c.pageStart, d.pageAt(c.begin));
            // Never across a section heading.
            for (const auto& sec : s.sections)
                QVERIFY(!(sec.offset > c.begin && sec.offset < c.end));
            const Section* sec = s.sectionAt(c.begin);
            QCOMPARE(c.section, sec ? sec->item : std::string());
        }
        QCOMPARE(covered, d.text().size());
        ChunkOptions bad;
        bad.budget = bad.overlap = 100;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, Chunker { bad });
    }
};

QTEST_GUILESS_MAIN(TestDocs)
#include "tst_docs.moc"
