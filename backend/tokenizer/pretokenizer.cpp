#include <cstdint>
#include "tokenizer/pretokenizer.h"

#include "core/error.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/regex.h"
#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <functional>
#include <vector>

namespace moescope::tok {

namespace {

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

struct Segment {
    std::size_t begin;
    std::size_t end;
    bool isMatch;
};

SplitBehavior parseBehavior(const std::string& s, const std::string& where)
{
    if (s == "Removed" || s == "removed")
        return SplitBehavior::Removed;
    if (s == "Isolated" || s == "isolated")
        return SplitBehavior::Isolated;
    if (s == "MergedWithPrevious" || s == "merged_with_previous")
        return SplitBehavior::MergedWithPrevious;
    if (s == "MergedWithNext" || s == "merged_with_next")
        return SplitBehavior::MergedWithNext;
    if (s == "Contiguous" || s == "contiguous")
        return SplitBehavior::Contiguous;
    throw FormatError(fmt::format("{}: unknown split behavior \"{}\"", where, s));
}

// Regex matches -> segments covering [0, len) (HF Pattern::find_matches for a regex).
void regexSegments(const Regex& re, std::string_view text, std::vector<RegexMatch>& scratch, std::vector<Segment>& out)
{
    out.clear();
    if (text.empty()) {
        out.push_back({ 0, 0, false });
        return;
    }
    scratch.clear();
    re.findAll(text, scratch);
    std::size_t prev = 0;
    for (const auto& m : scratch) {
        if (prev != m.begin)
            out.push_back({ prev, m.begin, false });
        out.push_back({ m.begin, m.end, true });
        prev = m.end;
    }
    if (prev != text.size())
        out.push_back({ prev, text.size(), false });
}

// Character predicate -> segments: every matching character alone, the runs between as one segment.
template <typename Pred> void charSegments(std::string_view text, Pred pred, std::vector<Segment>& out)
{
    out.clear();
    if (text.empty()) {
        out.push_back({ 0, 0, false });
        return;
    }
    std::size_t lastOffset = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t b = pos;
        const char32_t c = decodeUtf8(text, pos);
        if (pred(c)) {
            if (lastOffset < b)
                out.push_back({ lastOffset, b, false });
            out.push_back({ b, pos, true });
            lastOffset = pos;
        }
    }
    if (text.size() > lastOffset)
        out.push_back({ lastOffset, text.size(), false });
}

// Applies a split behavior (HF NormalizedString::split) and appends the resulting non-empty pieces.
void emitSplit(
    std::uint32_t base, std::vector<Segment>& segs, SplitBehavior behavior, bool invert, std::vector<Piece>& out)
{
    if (invert)
        for (auto& s : segs)
            s.isMatch = !s.isMatch;
    struct Kept {
        std::size_t begin, end;
        bool remove;
    };
    std::vector<Kept> kept;
    kept.reserve(segs.size());
    switch (behavior) {
    case SplitBehavior::Removed:
        for (const auto& s : segs)
            kept.push_back({ s.begin, s.end, s.isMatch });
        break;
    case SplitBehavior::Isolated:
        for (const auto& s : segs)
            kept.push_back({ s.begin, s.end, false });
        break;
    case SplitBehavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const auto& s : segs) {
            if (s.isMatch && !previousMatch && !kept.empty())
                kept.back().end = s.end;
            else
                kept.push_back({ s.begin, s.end, false });
            previousMatch = s.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithNext: {
        bool previousMatch = false;
        for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
            if (it->isMatch && !previousMatch && !kept.empty())
                kept.back().begin = it->begin;
            else
                kept.push_back({ it->begin, it->end, false });
            previousMatch = it->isMatch;
        }
        std::reverse(kept.begin(), kept.end());
        break;
    }
    case SplitBehavior::Contiguous: {
        bool previousMatch = false;
        for (const auto& s : segs) {
            if (s.isMatch == previousMatch && !kept.empty())
                kept.back().end = s.end;
            else
                kept.push_back({ s.begin, s.end, false });
            previousMatch = s.isMatch;
        }
        break;
    }
    }
    for (const auto& k : kept)
        if (!k.remove && k.end > k.begin)
            out.push_back({ base + static_cast<std::uint32_t>(k.begin), base + static_cast<std::uint32_t>(k.end), -1 });
}

// Runs fn(text of piece, base, out) over every text piece; added-token pieces pass through.
template <typename Fn> void refinePieces(PieceSet& set, Fn&& fn)
{
    std::vector<Piece> out;
    out.reserve(set.pieces.size() * 2);
    const std::string_view text(set.buf.text);
    for (const auto& p : set.pieces) {
        if (p.tokenId >= 0) {
            out.push_back(p);
            continue;
        }
        fn(text.substr(p.begin, p.end - p.begin), p.begin, out);
    }
    set.pieces.swap(out);
}

class SplitPreTokenizer final : public PreTokenizer {
public:
    SplitPreTokenizer(std::unique_ptr<Regex> pattern, SplitBehavior behavior, bool invert)
        : m_pattern(std::move(pattern))
        , m_behavior(behavior)
        , m_invert(invert)
    {
    }
    void preTokenize(PieceSet& set) const override
    {
        std::vector<RegexMatch> matches;
        std::vector<Segment> segs;
        refinePieces(set, [&](std::string_view piece, std::uint32_t base, std::vector<Piece>& out) {
            regexSegments(*m_pattern, piece, matches, segs);
            emitSplit(base, segs, m_behavior, m_invert, out);
        });
    }

private:
    std::unique_ptr<Regex> m_pattern;
    SplitBehavior m_behavior;
    bool m_invert;
};

class DigitsPreTokenizer final : public PreTokenizer {
public:
    explicit DigitsPreTokenizer(bool individual)
        : m_individual(individual)
    {
    }
    void preTokenize(PieceSet& set) const override
    {
        std::vector<Segment> segs;
        refinePieces(set, [&](std::string_view piece, std::uint32_t base, std::vector<Piece>& out) {
            charSegments(piece, isNumeric, segs);
            emitSplit(base, segs, m_individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous, false, out);
        });
    }

private:
    bool m_individual;
};

// Rebuilds the buffer of set, letting fn rewrite each text piece into out (it appends text and pieces).
template <typename Fn> void rewritePieces(PieceSet& set, Fn&& fn)
{
    PieceSet next;
    next.buf.track = set.buf.track;
    next.buf.text.reserve(set.buf.text.size() + set.buf.text.size() / 4 + 16);
    if (next.buf.track)
        next.buf.align.reserve(next.buf.text.capacity());
    next.pieces.reserve(set.pieces.size() * 2);
    for (const auto& p : set.pieces) {
        if (p.tokenId >= 0) {
            const auto b = static_cast<std::uint32_t>(next.buf.text.size());
            next.buf.appendSlice(set.buf, p.begin, p.end);
            next.pieces.push_back({ b, static_cast<std::uint32_t>(next.buf.text.size()), p.tokenId });
            continue;
        }
        fn(set.buf, p, next);
    }
    set = std::move(next);
}

class MetaspacePreTokenizer final : public PreTokenizer {
public:
    enum class Prepend { Always, First, Never };
    MetaspacePreTokenizer(char32_t replacement, Prepend prepend, bool split)
        : m_replacement(replacement)
        , m_rep(toUtf8(replacement))
        , m_prepend(prepend)
        , m_split(split)
    {
    }
    bool needsOriginalOffsets() const override { return m_prepend == Prepend::First; }
    void preTokenize(PieceSet& set) const override
    {
        std::vector<Segment> segs;
        std::vector<CharChange> changes;
        rewritePieces(set, [&](const AlignedText& src, const Piece& p, PieceSet& next) {
            const std::string_view piece = std::string_view(src.text).substr(p.begin, p.end - p.begin);
            const auto start = static_cast<std::uint32_t>(next.buf.text.size());
            // 1. ' ' -> replacement (each aligned with its space).
            AlignedText replaced;
            replaced.track = src.track;
            std::size_t last = 0;
            for (std::size_t i = 0; i < piece.size(); ++i) {
                if (piece[i] != ' ')
                    continue;
                replaced.appendSlice(src, p.begin + last, p.begin + i);
                const CharChange c { m_replacement, 1 };
                replaced.appendTransformed(src, p.begin + i, p.begin + i + 1, { &c, 1 }, 1);
                last = i + 1;
            }
            replaced.appendSlice(src, p.begin + last, p.end);
            // 2. Prepend the replacement unless it is already there.
            bool prepend = false;
            if (!replaced.text.empty() && !replaced.text.starts_with(m_rep)) {
                if (m_prepend == Prepend::Always)
                    prepend = true;
                else if (m_prepend == Prepend::First)
                    prepend = src.track && src.align[p.begin].begin == 0;
            }
            if (prepend) {
                std::size_t firstLen = utf8SequenceLength(static_cast<unsigned char>(replaced.text[0]));
                std::size_t pos = 0;
                const char32_t first = decodeUtf8(replaced.text, pos);
                changes = { { m_replacement, 0 }, { first, 1 } };
                next.buf.appendTransformed(replaced, 0, firstLen, changes, 0);
                next.buf.appendSlice(replaced, firstLen, replaced.text.size());
            } else {
                next.buf.appendSlice(replaced, 0, replaced.text.size());
            }
            const auto end = static_cast<std::uint32_t>(next.buf.text.size());
            if (!m_split) {
                if (end > start)
                    next.pieces.push_back({ start, end, -1 });
                return;
            }
            const std::string_view rewritten = std::string_view(next.buf.text).substr(start, end - start);
            charSegments(
                rewritten, [this](char32_t c) { return c == m_replacement; }, segs);
            emitSplit(start, segs, SplitBehavior::MergedWithNext, false, next.pieces);
        });
    }

private:
    char32_t m_replacement;
    std::string m_rep;
    Prepend m_prepend;
    bool m_split;
};

// GPT-2's pre-tokenization regex, used by ByteLevel when use_regex is true.
constexpr std::string_view kGpt2Pattern
    = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex)
        : m_addPrefixSpace(addPrefixSpace)
    {
        if (useRegex)
            m_regex = std::make_unique<Regex>(kGpt2Pattern, false);
    }
    void preTokenize(PieceSet& set) const override
    {
        if (m_addPrefixSpace) {
            rewritePieces(set, [&](const AlignedText& src, const Piece& p, PieceSet& next) {
                const auto start = static_cast<std::uint32_t>(next.buf.text.size());
                if (p.end > p.begin && src.text[p.begin] != ' ') {
                    const std::size_t firstLen = utf8SequenceLength(static_cast<unsigned char>(src.text[p.begin]));
                    std::size_t pos = p.begin;
                    const char32_t first = decodeUtf8(src.text, pos);
                    const CharChange changes[] = { { U' ', 0 }, { first, 1 } };
                    next.buf.appendTransformed(src, p.begin, p.begin + firstLen, changes, 0);
                    next.buf.appendSlice(src, p.begin + firstLen, p.end);
                } else {
                    next.buf.appendSlice(src, p.begin, p.end);
                }
                const auto end = static_cast<std::uint32_t>(next.buf.text.size());
                if (end > start)
                    next.pieces.push_back({ start, end, -1 });
            });
        }
        if (m_regex) {
            std::vector<RegexMatch> matches;
            std::vector<Segment> segs;
            refinePieces(set, [&](std::string_view piece, std::uint32_t base, std::vector<Piece>& out) {
                regexSegments(*m_regex, piece, matches, segs);
                emitSplit(base, segs, SplitBehavior::Isolated, false, out);
            });
        }
    }

private:
    bool m_addPrefixSpace;
    std::unique_ptr<Regex> m_regex;
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> items)
        : m_items(std::move(items))
    {
    }
    bool needsOriginalOffsets() const override
    {
        for (const auto& p : m_items)
            if (p->needsOriginalOffsets())
                return true;
        return false;
    }
    void preTokenize(PieceSet& set) const override
    {
        for (const auto& p : m_items)
            p->preTokenize(set);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_items;
};

// Builds one component; byteLevelAllowed says whether a ByteLevel here would be the last step of the chain.
std::unique_ptr<PreTokenizer> build(const nlohmann::json& j, bool lastInChain, bool& byteLevel)
{
    const std::string where = "tokenizer.json pre_tokenizer";
    const std::string type = componentType(j, where);
    const std::string at = where + " " + type;
    if (type == "Split") {
        return std::make_unique<SplitPreTokenizer>(patternField(j, "pattern", at),
            parseBehavior(stringField(j, "behavior", at), at), boolField(j, "invert", at, false));
    }
    if (type == "Digits")
        return std::make_unique<DigitsPreTokenizer>(boolField(j, "individual_digits", at, false));
    if (type == "Metaspace") {
        MetaspacePreTokenizer::Prepend prepend = MetaspacePreTokenizer::Prepend::Always;
        if (j.contains("prepend_scheme")) {
            const std::string scheme = stringField(j, "prepend_scheme", at);
            if (scheme == "always")
                prepend = MetaspacePreTokenizer::Prepend::Always;
            else if (scheme == "first")
                prepend = MetaspacePreTokenizer::Prepend::First;
            else if (scheme == "never")
                prepend = MetaspacePreTokenizer::Prepend::Never;
            else
                throw FormatError(fmt::format("{}: unknown prepend_scheme \"{}\"", at, scheme));
        } else if (!boolField(j, "add_prefix_space", at, true)) {
            prepend = MetaspacePreTokenizer::Prepend::Never;
        }
        return std::make_unique<MetaspacePreTokenizer>(
            charField(j, "replacement", at, U'\u2581'), prepend, boolField(j, "split", at, true));
    }
    if (type == "ByteLevel") {
        if (!lastInChain)
            throw UnsupportedError("unsupported tokenizer component pre_tokenizer ByteLevel before other "
                                   "pre-tokenizers (it must be the last step)");
        byteLevel = true;
        return std::make_unique<ByteLevelPreTokenizer>(
            boolField(j, "add_prefix_space", at, true), boolField(j, "use_regex", at, true));
    }
    if (type == "Sequence") {
        const auto& list = arrayField(j, "pretokenizers", at);
        std::vector<std::unique_ptr<PreTokenizer>> items;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].is_null())
                continue;
            items.push_back(build(list[i], lastInChain && i + 1 == list.size(), byteLevel));
        }
        return std::make_unique<SequencePreTokenizer>(std::move(items));
    }
    throw UnsupportedError(fmt::format("unsupported tokenizer component pre_tokenizer {}", type));
}

} // namespace

PreTokenizerConfig makePreTokenizer(const nlohmann::json& j)
{
    PreTokenizerConfig config;
    if (j.is_null())
        return config;
    config.preTokenizer = build(j, true, config.byteLevel);
    return config;
}

} // namespace moescope::tok
