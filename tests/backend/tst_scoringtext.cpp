// Document text as the model scores it: runs of spaces and tabs collapse to one space, and every token's span points
// back into the original text (pages and sections are found through those offsets).

#include "eval/scoringtext.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"

#include <QTest>

#include <regex>
#include <string>
#include <vector>

using namespace moescope;

namespace {
std::string collapseBlanks(const std::string& s) { return std::regex_replace(s, std::regex("[ \t]+"), " "); }
} // namespace

class TestScoringText : public QObject {
    Q_OBJECT

    Tokenizer m_tokenizer
        = Tokenizer::fromFile((test::sourceDir() + "/resources/models/finmoe-tiny").toStdString());

private slots:
    void collapsesLayoutPaddingAndMapsSpansBack_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("table row") << "Net sales                                   $  1,234.5     $ 1,198.0\n";
        QTest::newRow("tabs and indentation") << "\t\tItem 7.\t Management's Discussion\n    and Analysis  ";
        QTest::newRow("prose") << "Revenue grew 4% to $2.1 billion. Operating margin was 12.5%.";
        QTest::newRow("multi-byte") << "Caf\u00e9  r\u00e9sum\u00e9 \u2014   \u20ac5.0\u00a0million";
        QTest::newRow("only blanks") << "     \t  ";
        QTest::newRow("empty") << "";
    }
    void collapsesLayoutPaddingAndMapsSpansBack()
    {
        QFETCH(QString, text);
        const std::string original = text.toStdString();
        const auto e = encodeDocumentText(m_tokenizer, original);

        // The ids are exactly those of the collapsed text.
        QCOMPARE(e.ids, m_tokenizer.encode(collapseBlanks(original), false));
        QCOMPARE(e.offsets.size(), e.ids.size());
        std::uint32_t previousBegin = 0;
        std::vector<bool> covered(original.size(), false);
        for (const auto span : e.offsets) {
            QVERIFY(span.begin <= span.end && span.end <= original.size());
            // In order; spans of tokens that split one multi-byte character share that character (HF semantics).
            QVERIFY(span.begin >= previousBegin);
            previousBegin = span.begin;
            for (auto b = span.begin; b < span.end; ++b)
                covered[b] = true;
        }
        // Every byte that is not layout padding belongs to a token.
        for (std::size_t b = 0; b < original.size(); ++b)
            if (original[b] != ' ' && original[b] != '\t')
                QVERIFY2(covered[b], qPrintable(QStringLiteral("byte %1 of the text is in no token").arg(b)));
    }
};

QTEST_GUILESS_MAIN(TestScoringText)
#include "tst_scoringtext.moc"
