#include <cstdint>
#include "tokenizer/tokenizerjsonreader.h"

#include "core/error.h"

#include <fmt/format.h>

namespace moescope::tok {

namespace {

using json = nlohmann::json;

// SAX handler: a DOM builder that diverts model.vocab and model.merges into BpeVocabData.
class Reader {
public:
    explicit Reader(TokenizerJson& out)
        : m_out(out)
    {
    }

    bool null() { return value(json(nullptr)); }
    bool boolean(bool b) { return value(json(b)); }
    bool number_integer(json::number_integer_t v) { return value(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return value(json(v)); }
    bool number_float(json::number_float_t v, const json::string_t&) { return value(json(v)); }
    bool binary(json::binary_t&) { return value(json(nullptr)); }

    bool string(json::string_t& s)
    {
        if (m_skipDepth > 0)
            return true;
        switch (m_mode) {
        case Mode::Vocab:
            vocabError("is not an integer id");
            return true;
        case Mode::Merges: {
            const auto space = s.find(' ');
            if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                mergeError(fmt::format("\"{}\" is not two tokens separated by one space", s.substr(0, 80)));
            else
                m_out.bpe.merges.emplace_back(s.substr(0, space), s.substr(space + 1));
            return true;
        }
        case Mode::MergePair:
            if (m_pairCount < 2)
                m_pair[m_pairCount] = std::move(s);
            ++m_pairCount;
            return true;
        default:
            return value(json(std::move(s)));
        }
    }

    bool key(json::string_t& k)
    {
        if (m_mode == Mode::Vocab) {
            m_vocabKey = std::move(k);
            return true;
        }
        m_key = std::move(k);
        return true;
    }

    bool start_object(std::size_t)
    {
        if (m_skipDepth > 0) {
            ++m_skipDepth;
            return true;
        }
        if (m_mode != Mode::Normal) {
            ++m_skipDepth;
            foreignValue("an object");
            return true;
        }
        if (m_stack.size() == 2 && m_stack[1].isModel && m_key == "vocab") {
            m_mode = Mode::Vocab;
            m_out.bpe.hasVocab = true;
            return true;
        }
        return open(json::object());
    }

    bool end_object()
    {
        if (m_skipDepth > 0) {
            --m_skipDepth;
            return true;
        }
        if (m_mode == Mode::Vocab) {
            m_mode = Mode::Normal;
            return true;
        }
        m_stack.pop_back();
        return true;
    }

    bool start_array(std::size_t)
    {
        if (m_skipDepth > 0) {
            ++m_skipDepth;
            return true;
        }
        if (m_mode == Mode::Merges) {
            m_mode = Mode::MergePair;
            m_pairCount = 0;
            return true;
        }
        if (m_mode != Mode::Normal) {
            ++m_skipDepth;
            foreignValue("an array");
            return true;
        }
        if (m_stack.size() == 2 && m_stack[1].isModel && m_key == "merges") {
            m_mode = Mode::Merges;
            m_out.bpe.hasMerges = true;
            return true;
        }
        return open(json::array());
    }

    bool end_array()
    {
        if (m_skipDepth > 0) {
            --m_skipDepth;
            return true;
        }
        if (m_mode == Mode::MergePair) {
            if (m_pairCount == 2)
                m_out.bpe.merges.emplace_back(std::move(m_pair[0]), std::move(m_pair[1]));
            else
                mergeError("is not a pair of two strings");
            m_mode = Mode::Merges;
            return true;
        }
        if (m_mode == Mode::Merges) {
            m_mode = Mode::Normal;
            return true;
        }
        m_stack.pop_back();
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex)
    {
        std::string what = ex.what();
        if (auto pos = what.find("parse error"); pos != std::string::npos)
            what = what.substr(pos);
        m_parseError = fmt::format("invalid JSON at byte {} ({})", position, what);
        return false;
    }

    const std::string& parseError() const { return m_parseError; }

private:
    enum class Mode { Normal, Vocab, Merges, MergePair };
    struct Level {
        json* node;
        bool isModel;
    };

    void vocabError(const char* what)
    {
        if (m_out.bpe.error.empty())
            m_out.bpe.error = fmt::format("model.vocab: token \"{}\" {}", m_vocabKey.substr(0, 80), what);
    }
    void mergeError(const std::string& what)
    {
        if (m_out.bpe.error.empty())
            m_out.bpe.error = fmt::format("model.merges[{}]: {}", m_out.bpe.merges.size(), what);
        m_out.bpe.merges.emplace_back(); // keep ranks aligned with the file
    }
    void foreignValue(const char* what)
    {
        if (m_mode == Mode::Vocab)
            vocabError(what == std::string("an object") ? "has an object as id" : "has an array as id");
        else if (m_mode == Mode::Merges)
            mergeError("is neither \"a b\" nor [\"a\", \"b\"]");
        else if (m_mode == Mode::MergePair)
            m_pairCount = 3; // marks the pair malformed
    }

    bool value(json v)
    {
        if (m_skipDepth > 0)
            return true;
        switch (m_mode) {
        case Mode::Vocab:
            if (v.is_number_integer())
                m_out.bpe.vocab.emplace_back(std::move(m_vocabKey), v.get<std::int64_t>());
            else
                vocabError("is not an integer id");
            return true;
        case Mode::Merges:
            mergeError("is neither \"a b\" nor [\"a\", \"b\"]");
            return true;
        case Mode::MergePair:
            m_pairCount = 3;
            return true;
        case Mode::Normal:
            break;
        }
        insert(std::move(v));
        return true;
    }

    json* insert(json v)
    {
        if (m_stack.empty()) {
            m_out.document = std::move(v);
            return &m_out.document;
        }
        json& parent = *m_stack.back().node;
        if (parent.is_object()) {
            json& slot = parent[m_key];
            slot = std::move(v);
            return &slot;
        }
        parent.push_back(std::move(v));
        return &parent.back();
    }

    bool open(json container)
    {
        const bool isModel = m_stack.size() == 1 && m_key == "model" && container.is_object();
        json* node = insert(std::move(container));
        m_stack.push_back({ node, isModel });
        return true;
    }

    TokenizerJson& m_out;
    std::vector<Level> m_stack;
    std::string m_key;
    std::string m_vocabKey;
    Mode m_mode = Mode::Normal;
    int m_skipDepth = 0;
    std::string m_pair[2];
    int m_pairCount = 0;
    std::string m_parseError;
};

} // namespace

TokenizerJson readTokenizerJson(std::string_view text, const std::string& source)
{
    TokenizerJson out;
    Reader reader(out);
    const bool ok = json::sax_parse(text.begin(), text.end(), &reader, json::input_format_t::json, true);
    if (!ok)
        throw FormatError(fmt::format(
            "{}: {}", source, reader.parseError().empty() ? std::string("invalid JSON") : reader.parseError()));
    return out;
}

} // namespace moescope::tok
