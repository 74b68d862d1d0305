// PdfWriter, PdfPage, the font metrics and WinAnsi encoding, checked against poppler (an independent reader with its
// own built-in standard-14 metrics) and against the PDF syntax itself (xref offsets parsed back).

#include "popplertext.h"

#include "core/error.h"
#include "docs/pdffont.h"
#include "docs/pdfwriter.h"
#include "docs/winansi.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <regex>

using namespace moescope;
using moescope::test::loadPdf;

Q_DECLARE_METATYPE(moescope::PdfFont)

namespace {

// Parses the classic xref table back and returns, per object number, the offset it names (0 for free entries).
std::vector<std::size_t> parseXref(const std::string& pdf, std::size_t& declaredSize)
{
    const auto start = pdf.rfind("startxref\n");
    if (start == std::string::npos)
        throw std::runtime_error("no startxref");
    const std::size_t xref = std::stoul(pdf.substr(start + 10));
    if (pdf.compare(xref, 5, "xref\n") != 0)
        throw std::runtime_error("startxref does not point at xref");
    std::size_t pos = xref + 5;
    const auto eol = pdf.find('\n', pos);
    std::smatch m;
    const std::string header = pdf.substr(pos, eol - pos);
    if (!std::regex_match(header, m, std::regex("0 (\\d+)")))
        throw std::runtime_error("bad xref subsection header '" + header + "'");
    const std::size_t count = std::stoul(m[1]);
    pos = eol + 1;
    std::vector<std::size_t> offsets(count, 0);
    for (std::size_t n = 0; n < count; ++n, pos += 20) {
        const std::string entry = pdf.substr(pos, 20);
        if (!std::regex_match(entry, m, std::regex("(\\d{10}) (\\d{5}) ([nf])(\r\n| \n| \r)")))
            throw std::runtime_error("bad xref entry " + std::to_string(n) + ": '" + entry + "'");
        if (m[3] == "n")
            offsets[n] = std::stoul(m[1]);
    }
    if (pdf.compare(pos, 7, "trailer") != 0)
        throw std::runtime_error("xref not followed by trailer");
    const auto sizePos = pdf.find("/Size ", pos);
    declaredSize = std::stoul(pdf.substr(sizePos + 6));
    return offsets;
}

PdfDocumentInfo sampleInfo()
{
    PdfDocumentInfo info;
    info.title = "Northwind Ærospace — 2025 Form 10-K";
    info.author = "Test Author";
    info.creator = "tst_pdfwriter";
    info.creationDate = "D:20260225090000-05'00'";
    return info;
}

std::string twoPageDocument(bool compress)
{
    PdfWriter writer(sampleInfo(), { .compress = compress });
    auto& p1 = writer.addPage();
    p1.textUtf8(72, 700, PdfFont::TimesBold, 14, "Item 1A. Risk Factors");
    p1.textUtf8(72, 680, PdfFont::TimesRoman, 10, "Net sales (in millions) rose to $4,812 \\ 7.0% “quoted” — §");
    p1.line(72, 670, 540, 670, 0.5);
    auto& p2 = writer.addPage(595.276, 841.89);
    p2.textUtf8(72, 700, PdfFont::Helvetica, 9, "Second page");
    p2.fillRect(72, 600, 100, 20, 0.9);
    return writer.toBytes();
}

} // namespace

class TestPdfWriter : public QObject {
    Q_OBJECT

private slots:
    void numberFormat_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("integer") << 72.0 << "72";
        QTest::newRow("half") << 10.5 << "10.5";
        QTest::newRow("negative") << -0.25 << "-0.25";
        QTest::newRow("rounded") << 1.23456 << "1.235";
        QTest::newRow("negative zero") << -0.0001 << "0";
        QTest::newRow("large") << 123456.0 << "123456";
    }
    void numberFormat()
    {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(pdfNumber(value)), expected);
    }

    void literalEscaping()
    {
        QCOMPARE(pdfLiteralString("plain"), std::string("(plain)"));
        QCOMPARE(pdfLiteralString("a(b)c\\d"), std::string("(a\\(b\\)c\\\\d)"));
        QCOMPARE(pdfLiteralString(std::string("\n\r\x01\x7f\xe9", 5)), std::string("(\\n\\r\\001\\177\\351)"));
        QCOMPARE(pdfLiteralString(std::string("\0", 1)), std::string("(\\000)"));
    }

    void textString()
    {
        QCOMPARE(pdfTextString("ASCII (title)"), std::string("(ASCII \\(title\\))"));
        QCOMPARE(pdfTextString("é€"), std::string("<FEFF00E920AC>"));
        QCOMPARE(pdfTextString("\xF0\x9F\x98\x80"), std::string("<FEFFD83DDE00>")); // surrogate pair
    }

    void winAnsiRoundTrip()
    {
        QCOMPARE(utf8ToWinAnsi("“a”—b§ ’"),
            std::string("\x93"
                        "a\x94\x97"
                        "b\xA7 \x92"));
        int defined = 0;
        for (int c = 0x20; c < 0x100; ++c) {
            const char32_t cp = winAnsiToUnicode(static_cast<unsigned char>(c));
            if (cp == 0 || c == 0x7F)
                continue;
            ++defined;
            const QByteArray utf8 = QString::fromUcs4(&cp, 1).toUtf8();
            const std::string back = utf8ToWinAnsi(std::string_view(utf8.constData(), utf8.size()));
            QCOMPARE(back.size(), std::size_t(1));
            QCOMPARE(static_cast<unsigned char>(back[0]), static_cast<unsigned char>(c));
        }
        QCOMPARE(defined, 95 + 27 + 96); // printable ASCII, the 27 defined codes of 0x80-0x9F, 0xA0-0xFF
    }

    void malformedUtf8_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("lone continuation") << QByteArray("a\x80");
        QTest::newRow("truncated") << QByteArray("\xE2\x80");
        QTest::newRow("overlong") << QByteArray("\xC0\xAF");
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80");
        QTest::newRow("invalid lead") << QByteArray("\xFF");
        QTest::newRow("not in WinAnsi") << QByteArray("日本");
        QTest::newRow("undefined code point of 0x81") << QByteArray("\xC2\x81");
    }
    void malformedUtf8()
    {
        QFETCH(QByteArray, input);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, utf8ToWinAnsi(std::string_view(input.data(), input.size())));
    }

    // Word boxes as poppler sets them with its own built-in metrics (no /Widths in the file) must match our
    // measurement: this validates the width tables independently of how we produced them. Tolerance 0.02 pt.
    void widthsMatchPoppler_data()
    {
        QTest::addColumn<PdfFont>("font");
        QTest::newRow("Helvetica") << PdfFont::Helvetica;
        QTest::newRow("Helvetica-Bold") << PdfFont::HelveticaBold;
        QTest::newRow("Times-Roman") << PdfFont::TimesRoman;
        QTest::newRow("Times-Bold") << PdfFont::TimesBold;
        QTest::newRow("Times-Italic") << PdfFont::TimesItalic;
        QTest::newRow("Courier") << PdfFont::Courier;
    }
    void widthsMatchPoppler()
    {
        QFETCH(PdfFont, font);
        const std::vector<std::string> words
            = { "Quantitative", "$4,812", "(1,234)", "WAVY", "fiscal", "10-K", "Stockholders’", "§1.5%",
                  "Qualitative—Market", "jumpy", "AVERAGE", "{x}|[y]", "@#&*+=<>?", "“Inc.”", "Ærø", "ÿ©®°µ¶" };
        for (const double size : { 10.0, 7.5 }) {
            PdfWriter writer({}, { .compress = false, .embedWidths = false });
            auto& page = writer.addPage();
            double y = 740;
            for (const auto& w : words) {
                page.textUtf8(60, y, font, size, w);
                y -= 20;
            }
            const auto doc = loadPdf(writer.toBytes());
            QVERIFY(doc);
            const auto boxes = test::pageWords(*doc, 0);
            QCOMPARE(boxes.size(), words.size());
            for (std::size_t i = 0; i < words.size(); ++i) {
                const double expected = pdfTextWidth(font, size, utf8ToWinAnsi(words[i]));
                QCOMPARE(boxes[i].text, QString::fromStdString(words[i]));
                QVERIFY2(std::abs(boxes[i].box.left() - 60) < 0.02, qPrintable(boxes[i].text));
                QVERIFY2(std::abs(boxes[i].box.width() - expected) < 0.02,
                    qPrintable(QStringLiteral("%1: poppler %2 pt, ours %3 pt")
                                   .arg(boxes[i].text)
                                   .arg(boxes[i].box.width())
                                   .arg(expected)));
            }
        }
    }

    // Every glyph of WinAnsiEncoding, one per page at 100 pt so a difference of one unit shows (0.1 pt).
    void everyGlyphMatchesPoppler_data() { widthsMatchPoppler_data(); }
    void everyGlyphMatchesPoppler()
    {
        QFETCH(PdfFont, font);
        PdfWriter writer({}, { .compress = false, .embedWidths = false });
        std::vector<int> codes;
        for (int c = 0x21; c < 0x100; ++c) {
            if (winAnsiToUnicode(static_cast<unsigned char>(c)) == 0 || c == 0x7F || c == 0xA0 || c == 0xAD)
                continue; // undefined codes, no-break space and soft hyphen (spaces/hyphens, no word box)
            // poppler's built-in Courier table gives plusminus 603 units; Adobe's Courier is monospaced at 600.
            if (font == PdfFont::Courier && c == 0xB1)
                continue;
            codes.push_back(c);
            writer.addPage().text(50, 400, font, 100, std::string(1, static_cast<char>(c)));
        }
        const auto doc = loadPdf(writer.toBytes());
        QVERIFY(doc);
        QCOMPARE(doc->pages(), static_cast<int>(codes.size()));
        for (std::size_t i = 0; i < codes.size(); ++i) {
            const auto words = test::pageWords(*doc, static_cast<int>(i));
            QCOMPARE(words.size(), std::size_t(1));
            const double ours = pdfFontWidths(font)[codes[i]] / 10.0;
            QVERIFY2(std::abs(words[0].box.width() - ours) < 0.01,
                qPrintable(
                    QStringLiteral("code %1: poppler %2, ours %3").arg(codes[i]).arg(words[0].box.width()).arg(ours)));
        }
    }

    // The same text with /Widths embedded is laid out identically (the tables say what the built-in metrics say).
    void embeddedWidthsAgree()
    {
        const std::string text = "Total liabilities and stockholders’ equity $ 12,345.6";
        std::vector<double> rights;
        for (const bool embed : { false, true }) {
            PdfWriter writer({}, { .compress = true, .embedWidths = embed });
            writer.addPage().textUtf8(100, 500, PdfFont::TimesRoman, 10, text);
            const auto doc = loadPdf(writer.toBytes());
            QVERIFY(doc);
            const auto words = test::pageWords(*doc, 0);
            QVERIFY(!words.empty());
            rights.push_back(words.back().box.right());
        }
        QVERIFY(std::abs(rights[0] - rights[1]) < 0.001);
        QVERIFY(std::abs(rights[1] - (100 + pdfTextWidth(PdfFont::TimesRoman, 10, utf8ToWinAnsi(text)))) < 0.02);
    }

    void rightAlignedNumbers()
    {
        const std::vector<std::string> numbers = { "4,812", "(1,234)", "17", "$", "12,345,678", "0.93" };
        PdfWriter writer;
        auto& page = writer.addPage();
        double y = 700;
        for (const auto& n : numbers) {
            page.textUtf8(500 - pdfTextWidth(PdfFont::TimesRoman, 9, n), y, PdfFont::TimesRoman, 9, n);
            y -= 14;
        }
        const auto doc = loadPdf(writer.toBytes());
        QVERIFY(doc);
        const auto words = test::pageWords(*doc, 0);
        QCOMPARE(words.size(), numbers.size());
        for (const auto& w : words)
            QVERIFY2(std::abs(w.box.right() - 500) < 0.02, qPrintable(w.text));
    }

    // Justified lines use Tw: the last word must end exactly where our measurement with word spacing says.
    void wordSpacing()
    {
        const std::string line = "the Company believes that its liquidity is adequate";
        const double spacing = 2.75;
        PdfWriter writer;
        writer.addPage().textUtf8(72, 600, PdfFont::TimesRoman, 10, line, spacing);
        const auto doc = loadPdf(writer.toBytes());
        QVERIFY(doc);
        const auto words = test::pageWords(*doc, 0);
        QCOMPARE(words.size(), std::size_t(8));
        QCOMPARE(words.back().text, QStringLiteral("adequate"));
        const double expected = 72 + pdfTextWidth(PdfFont::TimesRoman, 10, line, spacing);
        QVERIFY(std::abs(words.back().box.right() - expected) < 0.02);
    }

    void xrefOffsets_data()
    {
        QTest::addColumn<bool>("compress");
        QTest::newRow("flate") << true;
        QTest::newRow("plain") << false;
    }
    void xrefOffsets()
    {
        QFETCH(bool, compress);
        const std::string pdf = twoPageDocument(compress);
        QVERIFY(pdf.starts_with("%PDF-1.4\n"));
        QVERIFY(pdf.ends_with("%%EOF\n"));
        std::size_t size = 0;
        const auto offsets = parseXref(pdf, size);
        QCOMPARE(offsets.size(), size);
        QVERIFY(size > 8);
        QCOMPARE(offsets[0], std::size_t(0));
        for (std::size_t n = 1; n < offsets.size(); ++n) {
            const std::string expected = std::to_string(n) + " 0 obj";
            QVERIFY2(offsets[n] > 0 && pdf.compare(offsets[n], expected.size(), expected) == 0,
                qPrintable(QStringLiteral("object %1 at offset %2").arg(n).arg(offsets[n])));
        }
    }

    void readsBackInPoppler_data() { xrefOffsets_data(); }
    void readsBackInPoppler()
    {
        QFETCH(bool, compress);
        const auto doc = loadPdf(twoPageDocument(compress));
        QVERIFY(doc);
        QVERIFY(!doc->is_locked());
        QCOMPARE(doc->pages(), 2);
        const QString text = test::pageText(*doc, 0);
        QVERIFY2(text.contains(QStringLiteral("Item 1A. Risk Factors")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Net sales (in millions) rose to $4,812 \\ 7.0% “quoted” — §")),
            qPrintable(text));
        QCOMPARE(test::toQString(doc->info_key("Title")), QStringLiteral("Northwind Ærospace — 2025 Form 10-K"));
        QCOMPARE(test::toQString(doc->info_key("Producer")), QStringLiteral("MoEScope PdfWriter"));
        QCOMPARE(test::toQString(doc->info_key("CreationDate")), QStringLiteral("D:20260225090000-05'00'"));
        std::unique_ptr<poppler::page> p2(doc->create_page(1));
        QVERIFY(std::abs(p2->page_rect().width() - 595.276) < 0.01);
        QVERIFY(std::abs(p2->page_rect().height() - 841.89) < 0.01);
        QCOMPARE(test::pageText(*doc, 1).trimmed(), QStringLiteral("Second page"));
    }

    void deterministic()
    {
        QCOMPARE(twoPageDocument(true), twoPageDocument(true));
        QVERIFY(twoPageDocument(true) != twoPageDocument(false));
        PdfWriter a, b;
        a.addPage().textUtf8(72, 72, PdfFont::Courier, 10, "x");
        b.addPage().textUtf8(72, 72, PdfFont::Courier, 10, "y");
        QVERIFY(a.toBytes() != b.toBytes());
    }

    void onlyUsedFontsAreWritten()
    {
        PdfWriter writer({}, { .compress = false });
        writer.addPage().textUtf8(72, 72, PdfFont::TimesItalic, 10, "x");
        const std::string pdf = writer.toBytes();
        QVERIFY(pdf.find("/BaseFont /Times-Italic") != std::string::npos);
        QVERIFY(pdf.find("/BaseFont /Helvetica") == std::string::npos);
        QVERIFY(pdf.find("/F5 ") != std::string::npos);
    }

    void errors()
    {
        PdfWriter writer;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, writer.toBytes());
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, writer.page(0));
        auto& page = writer.addPage();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, page.textUtf8(72, 72, PdfFont::TimesRoman, 10, "\xFF"));
        QVERIFY_THROWS_EXCEPTION(IoError, writer.save("/nonexistent-dir/x.pdf"));
    }

    void qpdfCheck()
    {
        const QString qpdf = QStandardPaths::findExecutable(QStringLiteral("qpdf"));
        if (qpdf.isEmpty())
            QSKIP("qpdf not installed (optional structural check)");
        QTemporaryDir dir;
        for (const bool compress : { true, false }) {
            PdfWriter writer(sampleInfo(), { .compress = compress });
            auto& page = writer.addPage();
            page.textUtf8(72, 700, PdfFont::TimesRoman, 10, "qpdf (check) \\ “ok”");
            const QString path = dir.filePath(QStringLiteral("check.pdf"));
            writer.save(path.toStdString());
            QProcess p;
            p.start(qpdf, { QStringLiteral("--check"), path });
            QVERIFY(p.waitForFinished(60000));
            const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
            QVERIFY2(p.exitCode() == 0, qPrintable(out));
            QVERIFY2(out.contains(QStringLiteral("No syntax or stream encoding errors")), qPrintable(out));
        }
    }
};

QTEST_GUILESS_MAIN(TestPdfWriter)
#include "tst_pdfwriter.moc"
