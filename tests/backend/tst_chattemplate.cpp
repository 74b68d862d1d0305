// Chat templates: the DeepSeek-V3 and Qwen3 templates render exactly as transformers' apply_chat_template (with and
// without system turns, multi-turn, generation prompt, Qwen3 enable_thinking), Jinja snippets render as jinja2
// configured like transformers, and unsupported or hostile templates fail with errors that name the construct and
// position. Reference: tests/fixtures/tokenizer/chat_reference.json (make_fixtures.py chat).

#include "core/error.h"
#include "tokenizer/chat/chattemplate.h"
#include "tokenizer/tokenizer.h"
#include "tokenizertesthelpers.h"

#include <QtTest>

#include <fstream>
#include <map>

using namespace moescope;
using namespace moescope::test;

class TestChatTemplate : public QObject {
    Q_OBJECT

private:
    nlohmann::ordered_json m_reference; // ordered: tojson must see the objects' key order
    SharedTokenizers m_shared;
    const Tokenizer& tokenizer(const std::string& name) { return m_shared.get(name); }

    static void expectError(
        const std::string& source, const nlohmann::ordered_json& context, const char* type, const QString& mentions)
    {
        try {
            tok::ChatTemplate t(source);
            t.render(context);
            QFAIL(qPrintable("no error for " + QString::fromStdString(source)));
        } catch (const UnsupportedError& e) {
            QCOMPARE(QString(type), QStringLiteral("unsupported"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(mentions), e.what());
        } catch (const FormatError& e) {
            QCOMPARE(QString(type), QStringLiteral("format"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(mentions), e.what());
        } catch (const InvalidArgumentError& e) {
            QCOMPARE(QString(type), QStringLiteral("invalid"));
            QVERIFY2(QString::fromUtf8(e.what()).contains(mentions), e.what());
        }
    }

private slots:
    void initTestCase()
    {
        m_reference
            = nlohmann::ordered_json::parse(readMaybeCompressedFile(tokenizerFixture("chat_reference.json"), 1 << 24));
    }

    void transformersRendering_data()
    {
        QTest::addColumn<int>("index");
        const auto& r = m_reference["renderings"];
        for (std::size_t i = 0; i < r.size(); ++i)
            QTest::newRow(QStringLiteral("%1/%2/gen=%3/%4")
                              .arg(QString::fromStdString(r[i]["tokenizer"].get<std::string>()),
                                  QString::fromStdString(r[i]["conversation"].get<std::string>()))
                              .arg(r[i]["add_generation_prompt"].get<bool>())
                              .arg(QString::fromStdString(r[i]["extra"].dump()))
                              .toUtf8())
                << static_cast<int>(i);
    }

    void transformersRendering()
    {
        QFETCH(int, index);
        const auto& r = m_reference["renderings"][static_cast<std::size_t>(index)];
        const auto& conversation = m_reference["conversations"][r["conversation"].get<std::string>()];
        const Tokenizer& t = tokenizer(r["tokenizer"].get<std::string>());
        QVERIFY(t.hasChatTemplate());
        const std::string out
            = t.applyChatTemplateJson(conversation, r["add_generation_prompt"].get<bool>(), r["extra"]);
        QCOMPARE(QString::fromStdString(out), QString::fromStdString(r["text"].get<std::string>()));
        // The ChatMessage overload gives the same for plain role/content conversations.
        std::vector<ChatMessage> messages;
        for (const auto& m : conversation)
            messages.push_back({ m["role"].get<std::string>(), m["content"].get<std::string>() });
        QCOMPARE(t.applyChatTemplate(messages, r["add_generation_prompt"].get<bool>(), r["extra"]), out);
    }

    void jinjaSnippets_data()
    {
        QTest::addColumn<int>("index");
        const auto& cases = m_reference["jinja"];
        for (std::size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
    }

    void jinjaSnippets()
    {
        QFETCH(int, index);
        const auto& c = m_reference["jinja"][static_cast<std::size_t>(index)];
        const tok::ChatTemplate t(c["template"].get<std::string>());
        QCOMPARE(
            QString::fromStdString(t.render(c["context"])), QString::fromStdString(c["expected"].get<std::string>()));
    }

    void errors()
    {
        expectError("a\n{% include 'other.jinja' %}", {}, "unsupported", "{% include %} at line 2, column 1");
        expectError("{% for x in y recursive %}{% endfor %}", {}, "unsupported", "recursive");
        expectError("{{ x | frobnicate }}", { { "x", 1 } }, "unsupported", "filter 'frobnicate' at line 1, column 6");
        expectError("{{ x is frobnicated }}", { { "x", 1 } }, "unsupported", "test 'frobnicated'");
        expectError("{% if x %}never closed", {}, "format", "missing {% endif %}");
        expectError("{% endfor %}", {}, "format", "unexpected {% endfor %}");
        expectError("{{ 'unterminated }}", {}, "format", "unterminated string");
        expectError("{{ x + }}", {}, "format", "line 1");
        expectError("{{ raise_exception('Conversation roles must alternate') }}", {}, "invalid",
            "Conversation roles must alternate");
        expectError("{{ a.b.c }}", {}, "invalid", "'a' is undefined");
        expectError("{{ 1 + 'a' }}", {}, "invalid", "unsupported operand");
        expectError("{% set x = 1 %}{% set x.attr = 2 %}", {}, "invalid", "non-namespace");
        expectError("{{ l.append(1) }}", { { "l", nlohmann::ordered_json::array() } }, "unsupported", "list.append");
        expectError("{{ '%s' % 1 }}", {}, "unsupported", "string % formatting");
        // Runaway templates stop with an error instead of running for hours or filling memory.
        expectError("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", {}, "invalid",
            "too long");
        expectError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", {}, "invalid", "nested too deeply");
        expectError(
            "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}", {}, "format", "nested too deeply");
        expectError("{{ 'x' * 100000000 }}", {}, "invalid", "too large");
    }

    void tokenizersWithoutTemplate()
    {
        const Tokenizer& llama = tokenizer("llama2");
        QVERIFY(!llama.hasChatTemplate());
        QVERIFY_THROWS_EXCEPTION(UnsupportedError, llama.applyChatTemplate({ { "user", "hi" } }, true));
    }

    void templateSources()
    {
        // A list of named templates gives "default"; chat_template.jinja wins over tokenizer_config.json.
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const std::string json = readMaybeCompressedFile(sharedTokenizerDir("llama2") + "/tokenizer.json.gz", 1 << 26);
        std::ofstream(folder + "/tokenizer.json") << json;
        nlohmann::json config = { { "bos_token", "<s>" },
            { "chat_template",
                { { { "name", "tool_use" }, { "template", "TOOLS" } },
                    { { "name", "default" }, { "template", "{{ bos_token }}{{ messages[0].content }}" } } } } };
        std::ofstream(folder + "/tokenizer_config.json") << config.dump();
        QCOMPARE(Tokenizer::fromFile(folder).applyChatTemplate({ { "user", "hi" } }, false), std::string("<s>hi"));
        std::ofstream(folder + "/chat_template.jinja") << "{% for m in messages %}[{{ m.role }}]{% endfor %}\n";
        QCOMPARE(Tokenizer::fromFile(folder).applyChatTemplate({ { "user", "hi" } }, false), std::string("[user]"));
        // A template the interpreter cannot compile leaves the tokenizer usable; applying it names the problem.
        std::ofstream(folder + "/chat_template.jinja") << "{% include 'x' %}";
        const Tokenizer broken = Tokenizer::fromFile(folder);
        QVERIFY(!broken.hasChatTemplate());
        QVERIFY(!broken.encode("still works", false).empty());
        try {
            broken.applyChatTemplate({ { "user", "hi" } }, false);
            QFAIL("no error");
        } catch (const UnsupportedError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("{% include %}"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chattemplate.moc"
