// Components the four real tokenizers do not exercise, checked against HF tokenizers: six small tokenizers trained
// by HF with NFKC/NFD/NFKD/Lowercase/Strip/Prepend/Replace normalizers, Digits, Metaspace (prepend first/always,
// split or not), Split behaviours (merged with next/previous, inverted contiguous, removed), ByteLevel with prefix
// space and regex, byte_fallback, unk with fuse_unk, continuing_subword_prefix/end_of_word_suffix, ignore_merges,
// added tokens with lstrip/rstrip/single_word/normalized, TemplateProcessing and ByteLevel offset trimming, and the
// decoders. Reference: tests/fixtures/tokenizer/components.json.gz (make_fixtures.py components).

#include "core/error.h"
#include "tokenizer/tokenizer.h"
#include "tokenizertesthelpers.h"

#include <QtTest>

using namespace moescope;
using namespace moescope::test;

class TestTokenizerComponents : public QObject {
    Q_OBJECT

private:
    nlohmann::json m_reference;

private slots:
    void initTestCase() { m_reference = readCompressedJson(tokenizerFixture("components.json.gz")); }

    void pipeline_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, _] : m_reference["tokenizers"].items())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void pipeline()
    {
        QFETCH(QString, name);
        const auto& entry = m_reference["tokenizers"][name.toStdString()];
        const Tokenizer tok = Tokenizer::fromJson(entry["json"].get<std::string>(), nullptr, name.toStdString());
        const auto& cases = m_reference["cases"];
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const std::string text = cases[i].get<std::string>();
            const auto& ref = entry["results"][i];
            const QString where
                = QStringLiteral("case %1 \"%2\"").arg(i).arg(QString::fromStdString(text.substr(0, 40)));
            const TokenEncoding e = tok.encodeWithOffsets(text, false);
            const auto expected = ref["ids"].get<std::vector<std::int32_t>>();
            if (e.ids != expected)
                QFAIL(qPrintable(where + QStringLiteral(": ids differ at %1").arg(firstDifference(e.ids, expected))));
            QVERIFY2(tok.encode(text, false) == expected, qPrintable(where));
            QVERIFY2(tok.encode(text, true) == ref["special_ids"].get<std::vector<std::int32_t>>(), qPrintable(where));
            const auto offsets = ref["offsets"].get<std::vector<std::vector<std::uint32_t>>>();
            for (std::size_t k = 0; k < offsets.size(); ++k)
                if (offsets[k][0] != e.offsets[k].begin || offsets[k][1] != e.offsets[k].end)
                    QFAIL(qPrintable(where
                        + QStringLiteral(": token %1 offsets [%2,%3), expected [%4,%5)")
                              .arg(k)
                              .arg(e.offsets[k].begin)
                              .arg(e.offsets[k].end)
                              .arg(offsets[k][0])
                              .arg(offsets[k][1])));
            QVERIFY2(tok.decode(expected, false) == ref["decode"].get<std::string>(), qPrintable(where));
            QVERIFY2(tok.decode(ref["special_ids"].get<std::vector<std::int32_t>>(), true)
                    == ref["decode_skip_special"].get<std::string>(),
                qPrintable(where));
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenizerComponents)
#include "tst_tokenizercomponents.moc"
