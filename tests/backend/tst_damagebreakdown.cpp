// eval/damagebreakdown.h on a hand-made two-page text with fifteen scored tokens whose KL and top-1 agreement were
// chosen by hand; the expected sums, means, shares and passage ranking below were worked out on paper (see the
// comments), not by the code under test. Tolerance 1e-6 (float KL values summed in double).

#include "eval/damagebreakdown.h"

#include "core/error.h"

#include <QTest>

#include <cmath>
#include <string>

using namespace moescope;

namespace {
constexpr double kTol = 1e-6;

// Page 0: a prose line and a table row; page 1: a table row (fields split by two spaces) and a prose line.
const std::string kPage0 = "Revenue grew 5%.\nRevenue  1,234  1,100\n";
const std::string kPage1 = "Net income  (12.5)  45%\nThe end.";

struct Token {
    const char* text;
    std::size_t from; // search the token's text from here in the joined text
    float kl;
    bool agree;
};
} // namespace

class DamageBreakdownTest : public QObject {
    Q_OBJECT

private slots:
    void classifies_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<int>("expected");
        QTest::newRow("digits") << " 12" << int(TokenClass::Number);
        QTest::newRow("alnum") << "Q3" << int(TokenClass::Number);
        QTest::newRow("word") << " income" << int(TokenClass::Word);
        QTest::newRow("accented") << "é" << int(TokenClass::Word);
        QTest::newRow("space") << "  " << int(TokenClass::Punctuation);
        QTest::newRow("punct") << "%)." << int(TokenClass::Punctuation);
        QTest::newRow("em dash") << " —" << int(TokenClass::Punctuation);
        QTest::newRow("nbsp") << "\u00a0" << int(TokenClass::Punctuation);
    }
    void classifies()
    {
        QFETCH(QString, token);
        QFETCH(int, expected);
        QCOMPARE(int(classifyToken(token.toStdString())), expected);
    }

    void tableLines_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("table");
        QTest::newRow("row") << "Revenue    1,234    1,100" << true;
        QTest::newRow("parens pct") << "Net income  (12.5)  45%" << true;
        QTest::newRow("tabs") << "1,234\t5.6%" << true;
        QTest::newRow("currency apart") << "Revenue     $ 1,234.5     $ 1,100.2" << true;
        QTest::newRow("currency apart 2") << "Revenue                  $ 1,234.5     $ 1,100.2" << true;
        QTest::newRow("years header") << "              2023        2022" << true;
        QTest::newRow("prose numbers") << "In 2023 revenue was 1,234 and 1,100." << false;
        QTest::newRow("one number") << "Total assets      1,234" << false;
        QTest::newRow("item heading") << "Item 7.  Management's Discussion" << false;
        QTest::newRow("empty") << "" << false;
    }
    void tableLines()
    {
        QFETCH(QString, line);
        QFETCH(bool, table);
        QCOMPARE(isTableLine(line.toStdString()), table);
    }

    void breakdownOfHandMadeText()
    {
        const std::string text = kPage0 + "\f" + kPage1;
        const std::size_t p1 = kPage0.size() + 1;
        // clang-format off
        const Token tokens[] = {
            { "Revenue", 0, 0.1f, true }, { " grew", 0, 0.2f, true }, { " 5", 0, 0.3f, false },
            { "%.", 0, 0.05f, true }, { "\n", 0, 0.0f, true },                       // line 0, prose: 0.65
            { "Revenue", 10, 0.4f, true }, { "  1,234", 0, 1.0f, false },
            { "  1,100", 0, 2.0f, false },                                           // line 1, table: 3.4
            { "Net", p1, 0.1f, true }, { " income", p1, 0.1f, true }, { "  (12.5)", p1, 0.5f, false },
            { "  45%", p1, 0.5f, true },                                             // line 2, table: 1.2
            { "The", p1, 0.2f, true }, { " end", p1, 0.2f, true }, { ".", p1 + 20, 0.1f, false }, // line 3: 0.5
        };
        // clang-format on
        ComparisonResult r;
        VariantResult v;
        v.name = "int4-g128";
        for (std::size_t i = 0; i < std::size(tokens); ++i) {
            const auto at = text.find(tokens[i].text, tokens[i].from);
            QVERIFY2(at != std::string::npos, tokens[i].text);
            r.positions.push_back(std::int64_t(i + 1));
            r.tokenBegin.push_back(std::uint32_t(at));
            r.tokenEnd.push_back(std::uint32_t(at + std::strlen(tokens[i].text)));
            v.kl.push_back(tokens[i].kl);
            v.deltaP.push_back(-tokens[i].kl / 10);
            v.top1Agree.push_back(tokens[i].agree ? 1 : 0);
        }
        QCOMPARE(text.substr(r.tokenBegin[14], 1), std::string("."));
        QVERIFY(r.tokenBegin[14] > p1 + 20);
        r.variants.push_back(v);
        const std::size_t offsets[] = { 0, p1 };
        const auto b = damageBreakdown(r, 0, text, offsets, 20);

        QCOMPARE(b.variant, std::string("int4-g128"));
        QCOMPARE(b.tokens, std::int64_t(15));
        QVERIFY(std::abs(b.klTotal - 5.75) < kTol);
        // Numbers: " 5" .3, "  1,234" 1, "  1,100" 2, "  (12.5)" .5, "  45%" .5 = 4.3 over 5, 4 disagree.
        QCOMPARE(b.byClass.size(), std::size_t(3));
        QCOMPARE(b.byClass[0].name, std::string("numbers"));
        QCOMPARE(b.byClass[0].tokens, std::int64_t(5));
        QVERIFY(std::abs(b.byClass[0].klMean - 0.86) < kTol);
        QVERIFY(std::abs(b.byClass[0].top1Disagreement - 0.8) < kTol);
        QVERIFY(std::abs(b.byClass[0].klShare - 4.3 / 5.75) < kTol);
        // Words: .1 .2 .4 .1 .1 .2 .2 = 1.3 over 7, none disagree.
        QCOMPARE(b.byClass[1].tokens, std::int64_t(7));
        QVERIFY(std::abs(b.byClass[1].klSum - 1.3) < kTol);
        QVERIFY(std::abs(b.byClass[1].top1Disagreement) < kTol);
        // Punctuation/space: "%." .05, "\n" 0, "." .1 = .15 over 3, 1 disagrees.
        QCOMPARE(b.byClass[2].tokens, std::int64_t(3));
        QVERIFY(std::abs(b.byClass[2].klMean - 0.05) < kTol);
        QVERIFY(std::abs(b.byClass[2].top1Disagreement - 1.0 / 3) < kTol);
        // Table rows: lines 1 and 2 = 4.6 over 7 tokens, 3 disagree; prose: lines 0 and 3 = 1.15 over 8, 2 disagree.
        QCOMPARE(b.byLine[0].tokens, std::int64_t(7));
        QVERIFY(std::abs(b.byLine[0].klSum - 4.6) < kTol);
        QVERIFY(std::abs(b.byLine[0].top1Disagreement - 3.0 / 7) < kTol);
        QVERIFY(std::abs(b.byLine[0].klShare - 4.6 / 5.75) < kTol);
        QCOMPARE(b.byLine[1].tokens, std::int64_t(8));
        QVERIFY(std::abs(b.byLine[1].klMean - 1.15 / 8) < kTol);
        QVERIFY(std::abs(b.byLine[1].top1Disagreement - 0.25) < kTol);
        // Passages by KL sum: line 1 (page 0), line 2 (page 1), line 0 (page 0), line 3 (page 1).
        QCOMPARE(b.passages.size(), std::size_t(4));
        QCOMPARE(b.passages[0].text, std::string("Revenue 1,234 1,100"));
        QCOMPARE(b.passages[0].page, 0);
        QVERIFY(b.passages[0].tableRow);
        QVERIFY(std::abs(b.passages[0].klSum - 3.4) < kTol);
        QCOMPARE(b.passages[1].page, 1);
        QCOMPARE(b.passages[1].text, std::string("Net income (12.5) 45%"));
        QCOMPARE(b.passages[2].text, std::string("Revenue grew 5%."));
        QVERIFY(!b.passages[2].tableRow);
        QCOMPARE(b.passages[3].page, 1);
        QCOMPARE(b.passages[3].tokens, std::int64_t(3));
        QVERIFY(std::abs(b.passages[3].top1Disagreement - 1.0 / 3) < kTol);
        QCOMPARE(damageBreakdown(r, 0, text, offsets, 2).passages.size(), std::size_t(2));

        QVERIFY(std::abs(damageValue(r.variants[0], 7, DamageMeasure::Kl) - 2.0) < kTol);
        QVERIFY(std::abs(damageValue(r.variants[0], 7, DamageMeasure::AbsDeltaP) - 0.2) < kTol);
        QCOMPARE(damageValue(r.variants[0], 7, DamageMeasure::Top1Disagreement), 1.0);
        QVERIFY(std::isnan(damageValue(r.variants[0], 99, DamageMeasure::Kl)));

        // Without token spans or with a bad variant index: a clear error.
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, damageBreakdown(r, 1, text, offsets));
        auto noSpans = r;
        noSpans.tokenBegin.clear();
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, damageBreakdown(noSpans, 0, text, offsets));
    }
};

QTEST_GUILESS_MAIN(DamageBreakdownTest)
#include "tst_damagebreakdown.moc"
