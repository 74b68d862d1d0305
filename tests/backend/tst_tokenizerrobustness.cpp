// Hostile and edge-case input for the tokenizer engine: invalid UTF-8, empty and 50 MB texts, malformed or unsupported
// tokenizer.json files, unknown ids, concurrent use; the Unicode normalization tables against Python's unicodedata;
// the streaming decoder.

#include "core/error.h"
#include "tokenizer/streamingdecoder.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode/unicode.h"
#include "tokenizer/unicode/unicodenormalization.h"
#include "tokenizertesthelpers.h"

#include <QtTest>

#include <fstream>
#include <map>
#include <thread>

using namespace moescope;
using namespace moescope::test;

namespace {

// A small valid byte-level tokenizer.json that the malformed variants below start from.
nlohmann::json minimalTokenizer()
{
    nlohmann::json vocab = nlohmann::json::object();
    for (int b = 0; b < 256; ++b) {
        // GPT-2 byte alphabet: printable bytes stand for themselves, the others are shifted to U+0100...
        static int next = 256;
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const char32_t c = printable ? char32_t(b) : char32_t(next++);
        vocab[tok::toUtf8(c)] = b;
    }
    vocab["ab"] = 256;
    vocab["abb"] = 257;
    return { { "version", "1.0" },
        { "added_tokens", nlohmann::json::array({ { { "id", 258 }, { "content", "<eos>" }, { "special", true } } }) },
        { "normalizer", nullptr },
        { "pre_tokenizer", { { "type", "ByteLevel" }, { "add_prefix_space", false }, { "use_regex", true } } },
        { "post_processor", nullptr }, { "decoder", { { "type", "ByteLevel" } } },
        { "model", { { "type", "BPE" }, { "vocab", vocab }, { "merges", { "a b", "ab b" } } } } };
}

} // namespace

class TestTokenizerRobustness : public QObject {
    Q_OBJECT

private:
    SharedTokenizers m_shared;
    const Tokenizer& tokenizer(const std::string& name) { return m_shared.get(name); }

private slots:
    void minimalTokenizerWorks()
    {
        const Tokenizer t = Tokenizer::fromJson(minimalTokenizer().dump());
        QCOMPARE(t.encode("abb ab<eos>", false), (std::vector<std::int32_t> { 257, 32, 256, 258 }));
        QCOMPARE(t.decode(std::vector<std::int32_t> { 257, 32, 256, 258 }, false), std::string("abb ab<eos>"));
        QCOMPARE(t.decode(std::vector<std::int32_t> { 257, 32, 256, 258 }, true), std::string("abb ab"));
        QCOMPARE(t.eosId().has_value(), false);
        QCOMPARE(t.vocabSize(), 259);
    }

    void malformedTokenizer_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("mentions");
        auto row = [](const char* name, const nlohmann::json& j, const char* type, const char* mentions) {
            QTest::newRow(name) << QString::fromStdString(j.dump()) << type << mentions;
        };
        nlohmann::json j = minimalTokenizer();
        j["model"]["merges"] = { "a b", "ab b c" };
        row("merge with three parts", j, "format", "merges[1]");
        j["model"]["merges"] = { "a b", "ab zz" };
        row("merge token not in vocab", j, "format", "\"zz\" is not in the vocabulary");
        j["model"]["merges"] = { "a b", 5 };
        row("merge not a string", j, "format", "merges[1]");
        j = minimalTokenizer();
        j["model"]["vocab"]["x"] = -3;
        row("negative id", j, "format", "invalid id");
        j = minimalTokenizer();
        j["normalizer"] = { { "type", "BertNormalizer" } };
        row("unknown normalizer", j, "unsupported", "unsupported tokenizer component normalizer BertNormalizer");
        j = minimalTokenizer();
        j["pre_tokenizer"] = { { "type", "Whitespace" } };
        row("unknown pre-tokenizer", j, "unsupported", "unsupported tokenizer component pre_tokenizer Whitespace");
        j = minimalTokenizer();
        j["decoder"] = { { "type", "WordPiece" } };
        row("unknown decoder", j, "unsupported", "unsupported tokenizer component decoder WordPiece");
        j = minimalTokenizer();
        j["post_processor"] = { { "type", "BertProcessing" } };
        row("unknown post-processor", j, "unsupported",
            "unsupported tokenizer component post_processor BertProcessing");
        j = minimalTokenizer();
        j["model"]["type"] = "Unigram";
        row("unknown model", j, "unsupported", "unsupported tokenizer component model Unigram");
        j = minimalTokenizer();
        j["pre_tokenizer"] = { { "type", "Sequence" },
            { "pretokenizers", { { { "type", "ByteLevel" } }, { { "type", "Digits" } } } } };
        row("ByteLevel before another step", j, "unsupported", "ByteLevel");
        j = minimalTokenizer();
        j["pre_tokenizer"] = { { "type", "Split" }, { "pattern", { { "Regex", "(ab" } } }, { "behavior", "Isolated" } };
        row("bad regex", j, "format", "(ab");
        j = minimalTokenizer();
        j["pre_tokenizer"] = { { "type", "Split" }, { "pattern", { { "Regex", "a" } } }, { "behavior", "Sideways" } };
        row("bad split behaviour", j, "format", "Sideways");
        j = minimalTokenizer();
        j.erase("model");
        row("no model", j, "format", "missing field \"model\"");
        j = minimalTokenizer();
        j["added_tokens"] = "none";
        row("added_tokens not a list", j, "format", "added_tokens");
        j = minimalTokenizer();
        j["model"]["unk_token"] = "<unk>";
        row("unk token not in vocab", j, "format", "unk_token");
        j = minimalTokenizer();
        j["post_processor"]
            = { { "type", "TemplateProcessing" }, { "single", { { { "SpecialToken", { { "id", "<s>" } } } } } },
                  { "special_tokens", nlohmann::json::object() } };
        row("template special token undefined", j, "format", "<s>");
        QTest::newRow("not an object") << QStringLiteral("[1,2,3]") << "format"
                                       << "not a tokenizer.json object";
        QTest::newRow("truncated JSON") << QString::fromStdString(minimalTokenizer().dump().substr(0, 300)) << "format"
                                        << "invalid JSON";
    }

    void malformedTokenizer()
    {
        QFETCH(QString, json);
        QFETCH(QString, errorType);
        QFETCH(QString, mentions);
        try {
            Tokenizer::fromJson(json.toStdString());
            QFAIL("no error");
        } catch (const UnsupportedError& e) {
            QCOMPARE(errorType, QStringLiteral("unsupported"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(mentions), e.what());
        } catch (const FormatError& e) {
            QCOMPARE(errorType, QStringLiteral("format"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(mentions), e.what());
        }
    }

    void missingAndCorruptFiles()
    {
        QVERIFY_THROWS_EXCEPTION(IoError, Tokenizer::fromFile("/nonexistent/tokenizer.json"));
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(IoError, Tokenizer::fromFile(dir.path().toStdString()));
        const std::string gz = (dir.path() + "/tokenizer.json.gz").toStdString();
        std::ofstream(gz, std::ios::binary) << std::string("\x1f\x8b\x08\x00garbage-garbage-garbage", 27);
        QVERIFY_THROWS_EXCEPTION(FormatError, Tokenizer::fromFile(dir.path().toStdString()));
    }

    void invalidUtf8_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("lone 0xff") << QByteArray("abc\xff");
        QTest::newRow("truncated sequence") << QByteArray("abc\xc3");
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80x");
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80");
        QTest::newRow("overlong") << QByteArray("\xc0\xaf");
        QTest::newRow("stray continuation") << QByteArray("a\x80 b");
    }

    void invalidUtf8()
    {
        QFETCH(QByteArray, text);
        for (const char* name : { "llama2", "qwen3" }) {
            try {
                tokenizer(name).encode(std::string_view(text.constData(), text.size()), false);
                QFAIL("invalid UTF-8 accepted");
            } catch (const InvalidArgumentError& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains("not valid UTF-8"), e.what());
            }
        }
    }

    void emptyText()
    {
        for (const char* name : { "llama2", "qwen3" }) {
            QVERIFY(tokenizer(name).encode("", false).empty());
            QVERIFY(tokenizer(name).encodeWithOffsets("", false).ids.empty());
            QCOMPARE(tokenizer(name).decode(std::vector<std::int32_t> {}, false), std::string());
        }
        QCOMPARE(tokenizer("llama2").encode("", true), std::vector<std::int32_t> { 1 });
    }

    void unknownIds()
    {
        const auto& t = tokenizer("llama2");
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, t.decode(std::vector<std::int32_t> { 5, 32000 }, false));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, t.decode(std::vector<std::int32_t> { -1 }, false));
    }

    void fiftyMegabytes()
    {
        // 50 MB of 10-K text: ids must round-trip (byte-level DeepSeek-V3 represents any text), in reasonable memory.
        const std::string report = readMaybeCompressedFile(tokenizerFixture("reports/BOEING_2022_10K.txt.xz"), 1 << 26);
        std::string big;
        big.reserve(50u << 20);
        while (big.size() < (50u << 20))
            big += report;
        const auto& t = tokenizer("deepseek_v3");
        QElapsedTimer timer;
        timer.start();
        const auto ids = t.encode(big, false);
        qInfo("50 MB: %zu tokens in %lld ms", ids.size(), static_cast<long long>(timer.elapsed()));
        QVERIFY(ids.size() > big.size() / 8);
        QVERIFY(t.decode(ids, false) == big);
    }

    void concurrentEncoding()
    {
        // The same tokenizer from four threads at once gives what it gives alone.
        const auto& t = tokenizer("qwen3");
        std::vector<std::string> texts;
        for (const char* r : { "3M_2022_10K", "AMCOR_2023_10K", "BOEING_2022_10K" })
            texts.push_back(
                readMaybeCompressedFile(tokenizerFixture(QStringLiteral("reports/%1.txt.xz").arg(r)), 1 << 26)
                    .substr(0, 300000));
        texts.push_back(readMaybeCompressedFile(tokenizerFixture("torture.txt"), 1 << 20));
        std::vector<std::vector<std::int32_t>> expected;
        for (const auto& text : texts)
            expected.push_back(Tokenizer(t).encode(text, true));
        const Tokenizer fresh = Tokenizer::fromFile(sharedTokenizerDir("qwen3")); // cold cache shared by threads
        std::vector<std::vector<std::int32_t>> results(texts.size() * 2);
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < results.size(); ++i)
            threads.emplace_back([&, i] { results[i] = fresh.encode(texts[i % texts.size()], true); });
        for (auto& th : threads)
            th.join();
        for (std::size_t i = 0; i < results.size(); ++i)
            QVERIFY(results[i] == expected[i % texts.size()]);
    }

    void unicodeNormalization()
    {
        const nlohmann::json ref = readCompressedJson(tokenizerFixture("unicode_reference.json.gz"));
        QCOMPARE(QString(tok::unicodeDataVersion()), QString::fromStdString(ref["unicode_version"].get<std::string>()));
        const std::string singles = ref["singles"].get<std::string>();
        std::vector<std::string> chars;
        for (std::size_t pos = 0; pos < singles.size();) {
            const std::size_t start = pos;
            tok::decodeUtf8(singles, pos);
            chars.push_back(singles.substr(start, pos - start));
        }
        const auto strings = ref["strings"].get<std::vector<std::string>>();
        const std::pair<const char*, tok::NormalizationForm> forms[]
            = { { "NFC", tok::NormalizationForm::Nfc }, { "NFD", tok::NormalizationForm::Nfd },
                  { "NFKC", tok::NormalizationForm::Nfkc }, { "NFKD", tok::NormalizationForm::Nfkd } };
        for (const auto& [name, form] : forms) {
            const auto& expectSingles = ref["forms"][name]["singles"];
            const auto& expectStrings = ref["forms"][name]["strings"];
            QCOMPARE(expectSingles.size(), chars.size());
            int failures = 0;
            for (std::size_t i = 0; i < chars.size(); ++i)
                if (tok::normalizedString(chars[i], form) != expectSingles[i].get<std::string>() && failures++ < 5)
                    qWarning("%s of U+%04X differs", name, [&] {
                        std::size_t p = 0;
                        return unsigned(tok::decodeUtf8(chars[i], p));
                    }());
            for (std::size_t i = 0; i < strings.size(); ++i)
                if (tok::normalizedString(strings[i], form) != expectStrings[i].get<std::string>() && failures++ < 10)
                    qWarning("%s of random string %zu differs", name, i);
            QCOMPARE(failures, 0);
        }
        const auto& lower = ref["lower"];
        int failures = 0;
        for (std::size_t i = 0; i < chars.size(); ++i) {
            std::size_t p = 0;
            std::string out;
            tok::appendLowercase(out, tok::decodeUtf8(chars[i], p));
            failures += out != lower[i].get<std::string>();
        }
        QCOMPARE(failures, 0);
    }

    void streamingDecoder_data()
    {
        QTest::addColumn<QString>("name");
        for (const char* t : { "deepseek_v3", "qwen3", "llama2", "gptoss" })
            QTest::newRow(t) << QString(t);
    }

    void streamingDecoder()
    {
        // Feeding ids one at a time yields valid UTF-8 pieces whose concatenation is the full decode.
        QFETCH(QString, name);
        const auto& t = tokenizer(name.toStdString());
        const std::string text = readMaybeCompressedFile(tokenizerFixture("torture.txt"), 1 << 20);
        const auto ids = t.encode(text, true);
        for (const bool skip : { false, true }) {
            StreamingDecoder stream(t, skip);
            std::string joined;
            for (const auto id : ids) {
                const std::string piece = stream.push(id);
                QVERIFY(tok::findInvalidUtf8(piece) == std::string::npos);
                joined += piece;
            }
            joined += stream.flush();
            QVERIFY(joined == t.decode(ids, skip));
        }
    }

    void streamingHoldsBackIncompleteCharacters()
    {
        // The Llama-2-style vocabulary has no token for U+1F9A9 (flamingo), so it comes as four byte-fallback tokens.
        const auto& t = tokenizer("llama2");
        const auto ids = t.encode("a🦩b", false);
        StreamingDecoder stream(t);
        std::vector<std::string> pieces;
        for (const auto id : ids)
            pieces.push_back(stream.push(id));
        QCOMPARE(ids.size(), std::size_t(6)); // ▁a, 4 bytes, b
        QCOMPARE(pieces[0], std::string("a"));
        QCOMPARE(pieces[1], std::string());
        QCOMPARE(pieces[2], std::string());
        QCOMPARE(pieces[3], std::string());
        QCOMPARE(pieces[4], std::string("🦩"));
        QCOMPARE(pieces[5], std::string("b"));
        // A sequence that never completes comes out as U+FFFD at the end.
        StreamingDecoder cut(t);
        cut.push(ids[0]);
        QCOMPARE(cut.push(ids[1]), std::string());
        QCOMPARE(cut.flush(), std::string("\xEF\xBF\xBD"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerRobustness)
#include "tst_tokenizerrobustness.moc"
