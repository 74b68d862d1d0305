// moescope-cli tokenize / detokenize / chat-format / train-tokenizer as users and scripts call them: output formats,
// exit codes and one-line errors. The ids themselves are checked against HF in tests/backend/tst_tokenizer.

#include "testsupport.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace moescope::test;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run cli(const QStringList& args)
{
    QProcess p;
    p.start(cliPath(), args);
    p.waitForFinished(600'000);
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError() };
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(content);
    return path;
}

QString tokenizerDir(const char* name)
{
    return sharedDir() + "/fixtures/tokenizers/" + name;
}

std::vector<int> ids(const Run& r)
{
    return nlohmann::json::parse(r.out.toStdString())["ids"].get<std::vector<int>>();
}

} // namespace

class TestCliTokenizer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void tokenizeAndDetokenize()
    {
        const QString text = writeFile(m_dir, "text.txt", "Revenue rose 12% to $1,234 million.\n");
        const Run r = cli({ "tokenize", "--tokenizer", tokenizerDir("deepseek_v3"), "--text-file", text });
        QCOMPARE(r.exitCode, 0);
        const auto plain = ids(r);
        QVERIFY(!plain.empty());
        const Run s
            = cli({ "tokenize", "--tokenizer", tokenizerDir("deepseek_v3"), "--text-file", text, "--add-special" });
        auto special = ids(s);
        QCOMPARE(special.front(), 0); // BOS per tokenizer_config.json add_bos_token
        special.erase(special.begin());
        QCOMPARE(special, plain);
        QStringList idList;
        for (const int id : plain)
            idList << QString::number(id);
        const Run d = cli({ "detokenize", "--tokenizer", tokenizerDir("deepseek_v3"), "--ids", idList.join(',') });
        QCOMPARE(d.exitCode, 0);
        QCOMPARE(d.out, QByteArray("Revenue rose 12% to $1,234 million.\n")); // exactly, nothing added
        // A tokenizer.json path works like the folder (the config beside it is read too).
        const Run g = cli({ "tokenize", "--tokenizer", tokenizerDir("deepseek_v3") + "/tokenizer.json.gz",
            "--text-file", text, "--add-special" });
        QCOMPARE(ids(g), ids(s));
    }

    void offsets()
    {
        const QString text = writeFile(m_dir, "o.txt", "héllo wörld");
        const Run r = cli({ "tokenize", "--tokenizer", tokenizerDir("qwen3"), "--text-file", text, "--offsets" });
        QCOMPARE(r.exitCode, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["offsets"].size(), j["ids"].size());
        QCOMPARE(j["offsets"].back()[1].get<int>(), 13); // bytes, not characters
    }

    void emptyAndInvalidInput()
    {
        const QString empty = writeFile(m_dir, "empty.txt", "");
        const Run e = cli({ "tokenize", "--tokenizer", tokenizerDir("llama2"), "--text-file", empty });
        QCOMPARE(e.exitCode, 0);
        QCOMPARE(nlohmann::json::parse(e.out.toStdString()), nlohmann::json::parse(R"({"ids": []})"));
        const QString bad = writeFile(m_dir, "bad.txt", QByteArray("ok \xff\xfe bad"));
        const Run b = cli({ "tokenize", "--tokenizer", tokenizerDir("llama2"), "--text-file", bad });
        QCOMPARE(b.exitCode, 1);
        QVERIFY2(b.err.contains("not valid UTF-8 (byte 3)"), b.err.constData());
        QCOMPARE(b.err.count('\n'), 1);
        const Run missing = cli({ "tokenize", "--tokenizer", m_dir.filePath("nothing"), "--text-file", empty });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("not found"));
        const Run unknownId = cli({ "detokenize", "--tokenizer", tokenizerDir("llama2"), "--ids", "1,999999" });
        QCOMPARE(unknownId.exitCode, 1);
        QVERIFY(unknownId.err.contains("999999"));
        const Run typo
            = cli({ "tokenize", "--tokenizer", tokenizerDir("llama2"), "--text-file", empty, "--add-specal" });
        QVERIFY(typo.exitCode != 0);
    }

    void bench()
    {
        const QString text
            = writeFile(m_dir, "bench.txt", QByteArray("Net sales increased 5 percent. ").repeated(2000));
        const Run r = cli({ "tokenize", "--tokenizer", tokenizerDir("qwen3"), "--text-file", text, "--bench" });
        QCOMPARE(r.exitCode, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        for (const char* key :
            { "bytes", "tokens", "seconds", "mb_per_s", "tokens_per_s", "load_seconds", "warm_seconds" })
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["bytes"].get<int>(), 62000);
        QVERIFY(j["mb_per_s"].get<double>() > 0);
    }

    void chatFormat()
    {
        const QString messages = writeFile(
            m_dir, "m.json", R"([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])");
        const Run q = cli({ "chat-format", "--tokenizer", tokenizerDir("qwen3"), "--messages", messages,
            "--add-generation-prompt", "--no-thinking" });
        QCOMPARE(q.exitCode, 0);
        QCOMPARE(q.out,
            QByteArray("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                       "<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        const Run d = cli({ "chat-format", "--tokenizer", tokenizerDir("deepseek_v3"), "--messages", messages });
        QCOMPARE(d.exitCode, 0);
        QCOMPARE(d.out, QByteArray("<｜begin▁of▁sentence｜>Be brief.<｜User｜>Hi"));
        const Run none = cli({ "chat-format", "--tokenizer", tokenizerDir("llama2"), "--messages", messages });
        QCOMPARE(none.exitCode, 1);
        QVERIFY(none.err.contains("no chat template"));
        const QString notList = writeFile(m_dir, "n.json", R"({"role": "user"})");
        QCOMPARE(cli({ "chat-format", "--tokenizer", tokenizerDir("qwen3"), "--messages", notList }).exitCode, 1);
    }

    void trainTokenizer()
    {
        QString corpus;
        for (int i = 0; i < 200; ++i)
            corpus += QStringLiteral("<|doc:R%1|>\nTotal net sales were $%2,%3 million in fiscal %4.\n")
                          .arg(i)
                          .arg(i * 7 % 1000)
                          .arg(i * 13 % 1000, 3, 10, QChar('0'))
                          .arg(2000 + i % 24);
        const QString corpusPath = writeFile(m_dir, "corpus.txt", corpus.toUtf8());
        const QString out = m_dir.filePath("trained");
        const Run r = cli(
            { "train-tokenizer", "--corpus", corpusPath, "--vocab", "300", "--out", out, "--min-frequency", "3" });
        QCOMPARE(r.exitCode, 0);
        const auto summary = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(summary["documents"].get<int>(), 200);
        QVERIFY(summary["vocab_size"].get<int>() <= 300);
        for (const char* f : { "tokenizer.json", "tokenizer_config.json", "tokenizer_training.json" })
            QVERIFY2(QFile::exists(out + "/" + f), f);
        const QString text = writeFile(m_dir, "t.txt", "Total net sales were $1,234 million.");
        const Run t = cli({ "tokenize", "--tokenizer", out, "--text-file", text, "--add-special" });
        QCOMPARE(t.exitCode, 0);
        QCOMPARE(ids(t).front(), 0);
        const Run bad = cli({ "train-tokenizer", "--corpus", corpusPath, "--vocab", "10", "--out", out });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY(bad.err.contains("vocabulary size"));
    }
};

QTEST_GUILESS_MAIN(TestCliTokenizer)
#include "tst_clitokenizer.moc"
