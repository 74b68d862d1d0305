// The byte-level BPE trainer: its output loads in HF tokenizers and encodes identically there and in our engine
// (reference ids made by make_fixtures.py trained from tests/fixtures/tokenizer/trained, which the trainer wrote
// from a 2 MB prefix of the SEC corpus); training is deterministic (re-training reproduces that file byte for
// byte); digits split one by one; document separator lines never reach the vocabulary.

#include "core/error.h"
#include "tokenizer/bpetrainer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizertesthelpers.h"

#include <QtTest>

using namespace moescope;
using namespace moescope::test;

class TestBpeTrainer : public QObject {
    Q_OBJECT

private slots:
    void hfParity_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("torture") << QStringLiteral("torture");
        QTest::newRow("AMCOR_2023_10K") << QStringLiteral("AMCOR_2023_10K");
    }

    void hfParity()
    {
        QFETCH(QString, text);
        const nlohmann::json ref = readCompressedJson(tokenizerFixture("trained/hf_reference.json"));
        const auto& r = ref["texts"][text.toStdString()];
        const std::string input = text == "torture"
            ? readMaybeCompressedFile(tokenizerFixture("torture.txt"), 1 << 24)
            : readMaybeCompressedFile(tokenizerFixture("reports/AMCOR_2023_10K.txt.xz"), 1 << 26);
        const Tokenizer t = Tokenizer::fromFile(tokenizerFixture("trained"));
        const auto ids = t.encode(input, false);
        QCOMPARE(ids.size(), r["count"].get<std::size_t>());
        const auto head = r["ids"].get<std::vector<std::int32_t>>();
        QCOMPARE(std::vector<std::int32_t>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(head.size())), head);
        QCOMPARE(fnv1aBlocks(asUnsigned(ids), ref["block_size"].get<std::size_t>()),
            r["hashes"].get<std::vector<std::string>>());
        if (r["roundtrip"].get<bool>())
            QVERIFY(t.decode(ids, false) == input);
        // BOS comes first with add_special (tokenizer_config.json add_bos_token).
        QCOMPARE(t.encode(input, true).front(), 0);
        QCOMPARE(t.bosId().value_or(-1), 0);
        QCOMPARE(t.eosId().value_or(-1), 1);
    }

    void deterministic()
    {
        // Re-training on the same corpus prefix reproduces the committed tokenizer.json exactly.
        const std::string corpus
            = BpeTrainer::readCorpus((sharedDir() + "/corpus/sec_filings_train.txt.xz").toStdString(), 2'000'000);
        BpeTrainerOptions options;
        options.vocabSize = 2000;
        BpeTrainer trainer(options);
        trainer.addCorpus(corpus);
        const BpeTrainingResult result = trainer.train();
        QCOMPARE(result.vocabSize, std::size_t(2000));
        QVERIFY(result.tokenizerJson + "\n"
            == readMaybeCompressedFile(tokenizerFixture("trained/tokenizer.json"), 1 << 26));
        QVERIFY(result.tokenizerConfigJson + "\n"
            == readMaybeCompressedFile(tokenizerFixture("trained/tokenizer_config.json"), 1 << 20));
        // One thread or several count the same.
        options.threads = 1;
        BpeTrainer single(options);
        single.addCorpus(corpus);
        QVERIFY(single.train().tokenizerJson == result.tokenizerJson);
    }

    void digitsAndSeparators()
    {
        // Separator lines are not text; numbers are split into digits whatever the vocabulary.
        std::string corpus;
        for (int i = 0; i < 50; ++i)
            corpus += "<|doc:REPORT_" + std::to_string(i) + "|>\nTotal revenue was $12,345,678 in 2022.\n";
        BpeTrainerOptions options;
        options.vocabSize = 400;
        options.minFrequency = 1;
        BpeTrainer trainer(options);
        trainer.addCorpus(corpus);
        const BpeTrainingResult result = trainer.train();
        QCOMPARE(result.documents, std::size_t(50));
        QVERIFY(result.tokenizerJson.find("doc") == std::string::npos);
        QVERIFY(result.tokenizerJson.find("REPORT") == std::string::npos);
        const Tokenizer t = Tokenizer::fromJson(result.tokenizerJson);
        const auto ids = t.encode("Total revenue was $12,345,678", false);
        std::vector<std::string> pieces;
        for (const auto id : ids)
            pieces.push_back(t.tokenText(id));
        const std::vector<std::string> expected = { "Total", "\xC4\xA0revenue", "\xC4\xA0was", "\xC4\xA0$", "1", "2",
            ",", "3", "4", "5", ",", "6", "7", "8" };
        QCOMPARE(pieces, expected);
        // Vocabulary exhausted before the target: smaller result, no failure.
        QVERIFY(result.vocabSize < 400);
        QCOMPARE(t.vocabSize(), static_cast<std::int32_t>(result.vocabSize));
    }

    void invalidInput()
    {
        BpeTrainerOptions tooSmall;
        tooSmall.vocabSize = 100;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, BpeTrainer { tooSmall });
        BpeTrainerOptions badFrequency;
        badFrequency.minFrequency = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, BpeTrainer { badFrequency });
        QVERIFY_THROWS_EXCEPTION(IoError, BpeTrainer::readCorpus("/nonexistent/corpus.txt", 0));
        // Invalid UTF-8 in a corpus is repaired (U+FFFD), not fatal.
        BpeTrainerOptions options;
        options.vocabSize = 300;
        BpeTrainer trainer(options);
        trainer.addCorpus("abc \xff\xfe def abc abc");
        const BpeTrainingResult r = trainer.train();
        QVERIFY(Tokenizer::fromJson(r.tokenizerJson).encode("abc", false).size() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestBpeTrainer)
#include "tst_bpetrainer.moc"
