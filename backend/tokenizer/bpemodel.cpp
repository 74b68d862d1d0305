#include <cstdint>
#include "tokenizer/bpemodel.h"

#include "core/error.h"
#include "tokenizer/bytelevel.h"
#include "tokenizer/jsonfields.h"
#include "tokenizer/unicode/unicode.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <queue>

namespace moescope::tok {

namespace {
constexpr std::size_t kMaxVocabulary = 16u << 20;
constexpr std::uint32_t kNoRank = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kSmallWord = 48; // below this, a quadratic scan beats the heap
constexpr std::string_view kMetaspace = "\xE2\x96\x81"; // U+2581
} // namespace

// Open-addressing hash map (id pair) -> (rank, new id): the merge loop's only lookup.
struct BpeModel::MergeMap {
    // Key and value side by side: one cache line per probe.
    struct Slot {
        std::uint64_t key;
        std::uint64_t value; // rank << 32 | new id
    };
    std::vector<Slot> slots;
    std::uint64_t mask = 0;
    static constexpr std::uint64_t kEmpty = ~0ull;

    explicit MergeMap(std::size_t count)
    {
        std::size_t cap = 16;
        while (cap < count * 2)
            cap <<= 1;
        slots.assign(cap, Slot { kEmpty, 0 });
        mask = cap - 1;
    }
    static std::uint64_t key(std::int32_t a, std::int32_t b)
    {
        return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b);
    }
    std::size_t slot(std::uint64_t k) const { return ((k * 0x9E3779B97F4A7C15ull) >> 20) & mask; }
    void insert(std::int32_t a, std::int32_t b, std::uint32_t rank, std::int32_t newId)
    {
        const std::uint64_t k = key(a, b);
        std::size_t s = slot(k);
        while (slots[s].key != kEmpty && slots[s].key != k)
            s = (s + 1) & mask;
        // A repeated pair keeps its last rank, as HF's HashMap collect does.
        slots[s] = { k, (std::uint64_t(rank) << 32) | std::uint32_t(newId) };
    }
    bool find(std::int32_t a, std::int32_t b, std::uint32_t& rank, std::int32_t& newId) const
    {
        const std::uint64_t k = key(a, b);
        std::size_t s = slot(k);
        while (true) {
            const Slot& e = slots[s];
            if (e.key == k) {
                rank = static_cast<std::uint32_t>(e.value >> 32);
                newId = static_cast<std::int32_t>(e.value & 0xFFFFFFFFu);
                return true;
            }
            if (e.key == kEmpty)
                return false;
            s = (s + 1) & mask;
        }
    }
};

BpeModel::BpeModel(const nlohmann::json& model, BpeVocabData data, bool byteLevel)
    : m_byteLevel(byteLevel)
{
    const std::string where = "tokenizer.json model";
    const std::string type = stringField(model, "type", where, "BPE");
    if (type != "BPE")
        throw UnsupportedError(fmt::format("unsupported tokenizer component model {}", type));
    if (!data.error.empty())
        throw FormatError("tokenizer.json " + data.error);
    if (!data.hasVocab)
        throw FormatError(where + ": missing field \"vocab\"");
    if (const auto it = model.find("dropout"); it != model.end() && it->is_number() && it->get<double>() > 0.0)
        spdlog::warn("tokenizer.json: BPE dropout {} ignored (deterministic encoding)", it->get<double>());
    m_ignoreMerges = boolField(model, "ignore_merges", where, false);
    m_fuseUnk = boolField(model, "fuse_unk", where, false);
    m_byteFallback = boolField(model, "byte_fallback", where, false);

    if (data.vocab.size() > kMaxVocabulary)
        throw FormatError(fmt::format("{}.vocab has {} entries (limit {})", where, data.vocab.size(), kMaxVocabulary));
    std::int64_t maxId = -1;
    m_strings.reserve(data.vocab.size());
    for (auto& [token, id] : data.vocab) {
        if (id < 0 || id >= static_cast<std::int64_t>(kMaxVocabulary))
            throw FormatError(fmt::format("{}.vocab: token \"{}\" has an invalid id {}", where, token, id));
        if (findInvalidUtf8(token) != std::string::npos)
            throw FormatError(fmt::format("{}.vocab: token with id {} is not valid UTF-8", where, id));
        maxId = std::max(maxId, id);
        m_strings.push_back(std::move(token));
    }
    m_idToToken.assign(static_cast<std::size_t>(maxId + 1), nullptr);
    m_vocab.reserve(m_strings.size());
    for (std::size_t i = 0; i < m_strings.size(); ++i) {
        const auto id = static_cast<std::int32_t>(data.vocab[i].second);
        m_vocab[m_strings[i]] = id; // a repeated token keeps its last id, as a JSON map would
        m_idToToken[static_cast<std::size_t>(id)] = &m_strings[i];
    }
    data.vocab.clear();
    data.vocab.shrink_to_fit();

    auto modelSpace = [&](const std::string& s, const char* field) {
        if (!m_byteLevel)
            return s;
        auto raw = fromByteLevel(s);
        if (!raw)
            throw UnsupportedError(fmt::format("{}: {} \"{}\" is not in the byte-level alphabet", where, field, s));
        return *raw;
    };
    const std::string rawPrefix = stringField(model, "continuing_subword_prefix", where, "");
    m_prefix = modelSpace(rawPrefix, "continuing_subword_prefix");
    m_suffix = modelSpace(stringField(model, "end_of_word_suffix", where, ""), "end_of_word_suffix");

    for (int b = 0; b < 256; ++b) {
        m_byteIds[b] = -1;
        if (m_byteLevel) {
            if (auto id = symbolId(std::string(1, static_cast<char>(b))))
                m_byteIds[b] = *id;
        }
        const auto it = m_vocab.find(fmt::format("<0x{:02X}>", b));
        m_byteFallbackIds[b] = it == m_vocab.end() ? -1 : it->second;
    }
    if (!m_byteLevel && m_prefix.empty() && m_suffix.empty()) {
        m_bmpIds.assign(0x10000, -1);
        for (const auto& [token, id] : m_vocab) {
            if (token.empty() || token.size() > 3)
                continue;
            std::size_t pos = 0;
            const char32_t c = decodeUtf8(token, pos);
            if (pos == token.size() && c < 0x10000)
                m_bmpIds[c] = id;
        }
    }

    if (const std::string unk = stringField(model, "unk_token", where, ""); !unk.empty()) {
        const auto it = m_vocab.find(std::string_view(unk));
        if (it == m_vocab.end())
            throw FormatError(fmt::format("{}: unk_token \"{}\" is not in the vocabulary", where, unk));
        m_unkId = it->second;
    }

    m_merges = std::make_unique<MergeMap>(data.merges.size());
    std::string merged;
    for (std::size_t rank = 0; rank < data.merges.size(); ++rank) {
        const auto& [a, b] = data.merges[rank];
        merged.assign(a);
        merged.append(b, std::min(rawPrefix.size(), b.size()));
        const auto ia = m_vocab.find(std::string_view(a));
        const auto ib = m_vocab.find(std::string_view(b));
        const auto in = m_vocab.find(std::string_view(merged));
        if (ia == m_vocab.end() || ib == m_vocab.end() || in == m_vocab.end()) {
            const std::string& missing = ia == m_vocab.end() ? a : ib == m_vocab.end() ? b : merged;
            throw FormatError(
                fmt::format("{}.merges[{}]: token \"{}\" is not in the vocabulary", where, rank, missing));
        }
        m_merges->insert(ia->second, ib->second, static_cast<std::uint32_t>(rank), in->second);
    }

    if (!m_byteLevel && m_prefix.empty() && m_suffix.empty() && m_vocab.count(kMetaspace)) {
        m_splitBeforeMetaspace = true;
        for (const auto& [token, id] : m_vocab) {
            for (std::size_t p = token.find(kMetaspace, 1); p != std::string::npos; p = token.find(kMetaspace, p + 1)) {
                if (p < 3 || token.compare(p - 3, 3, kMetaspace) != 0) {
                    m_splitBeforeMetaspace = false;
                    break;
                }
            }
            if (!m_splitBeforeMetaspace)
                break;
        }
    }
}

BpeModel::~BpeModel() = default;

std::optional<std::int32_t> BpeModel::tokenToId(std::string_view token) const
{
    const auto it = m_vocab.find(token);
    if (it == m_vocab.end())
        return std::nullopt;
    return it->second;
}

const std::string* BpeModel::idToToken(std::int32_t id) const
{
    if (id < 0 || static_cast<std::size_t>(id) >= m_idToToken.size())
        return nullptr;
    return m_idToToken[static_cast<std::size_t>(id)];
}

std::optional<std::int32_t> BpeModel::symbolId(std::string_view key) const
{
    // Byte-level vocabularies spell raw bytes with the byte alphabet.
    const auto it = m_byteLevel ? m_vocab.find(std::string_view(toByteLevel(key))) : m_vocab.find(key);
    if (it == m_vocab.end())
        return std::nullopt;
    return it->second;
}

void BpeModel::tokenize(std::string_view piece, std::vector<TokenPart>& out) const
{
    if (piece.empty())
        return;
    auto cached = [&](std::string_view word) {
        if (word.size() <= WordCache::kMaxKeyBytes && m_cache.lookup(word, out))
            return;
        const std::size_t first = out.size();
        tokenizeUncached(word, out);
        m_cache.insert(word, out.data() + first, out.size() - first);
    };
    if (!m_splitBeforeMetaspace) {
        cached(piece);
        return;
    }
    // Cut before each '▁' that follows another character: no token can span such a cut.
    std::size_t start = 0;
    std::size_t p = piece.find(kMetaspace, 1);
    while (p != std::string_view::npos) {
        const bool afterMetaspace = p >= 3 && piece.compare(p - 3, 3, kMetaspace) == 0;
        if (!afterMetaspace) {
            cached(piece.substr(start, p - start));
            start = p;
        }
        p = piece.find(kMetaspace, p + 3);
    }
    cached(piece.substr(start));
}

void BpeModel::appendMissing(std::string_view symbolText, std::uint32_t length, std::vector<Symbol>& symbols,
    std::optional<Symbol>& pendingUnk) const
{
    if (m_byteFallback) {
        bool all = true;
        for (const char c : symbolText)
            all = all && m_byteFallbackIds[static_cast<std::uint8_t>(c)] >= 0;
        if (all) {
            // As HF: one token per byte; a pending unk is not flushed here.
            std::uint32_t remaining = length;
            for (const char c : symbolText) {
                const std::uint32_t len = std::min<std::uint32_t>(remaining, 1);
                symbols.push_back({ m_byteFallbackIds[static_cast<std::uint8_t>(c)], len });
                remaining -= len;
            }
            return;
        }
    }
    if (!m_unkId)
        return; // HF drops characters it cannot represent
    if (pendingUnk && m_fuseUnk) {
        pendingUnk->length += length;
    } else {
        if (pendingUnk)
            symbols.push_back(*pendingUnk);
        pendingUnk = Symbol { *m_unkId, length };
    }
}

void BpeModel::initialSymbols(std::string_view piece, std::vector<Symbol>& symbols) const
{
    std::optional<Symbol> pendingUnk;
    auto found = [&](std::int32_t id, std::uint32_t length) {
        if (pendingUnk) {
            symbols.push_back(*pendingUnk);
            pendingUnk.reset();
        }
        symbols.push_back({ id, length });
    };
    const bool affixes = !m_prefix.empty() || !m_suffix.empty();
    std::string key;
    std::size_t pos = 0;
    while (pos < piece.size()) {
        const std::size_t begin = pos;
        if (m_byteLevel)
            ++pos;
        else
            pos += std::min(utf8SequenceLength(static_cast<unsigned char>(piece[pos])), piece.size() - pos);
        const auto length = static_cast<std::uint32_t>(pos - begin);
        const std::string_view unit = piece.substr(begin, length);
        std::int32_t id = -1;
        if (!affixes) {
            if (m_byteLevel) {
                id = m_byteIds[static_cast<std::uint8_t>(unit[0])];
            } else if (!m_bmpIds.empty() && length <= 3) {
                std::size_t k = 0;
                id = m_bmpIds[decodeUtf8(unit, k)];
            } else if (auto found = symbolId(unit)) {
                id = *found;
            }
        } else {
            key.clear();
            if (begin > 0)
                key += m_prefix;
            key += unit;
            if (pos == piece.size())
                key += m_suffix;
            if (auto found = symbolId(key))
                id = *found;
        }
        if (id >= 0) {
            found(id, length);
            continue;
        }
        std::string text = m_byteLevel ? toByteLevel(unit) : std::string(unit);
        appendMissing(text, length, symbols, pendingUnk);
    }
    if (pendingUnk)
        symbols.push_back(*pendingUnk);
}

void BpeModel::tokenizeUncached(std::string_view piece, std::vector<TokenPart>& out) const
{
    if (m_ignoreMerges) {
        if (auto id = symbolId(piece)) {
            out.push_back({ *id, static_cast<std::uint32_t>(piece.size()) });
            return;
        }
    }
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    initialSymbols(piece, symbols);
    if (symbols.size() > 1) {
        if (symbols.size() <= kSmallWord)
            mergeSmall(symbols);
        else
            mergeLarge(symbols);
    }
    for (const auto& s : symbols)
        out.push_back({ s.id, s.length });
}

void BpeModel::mergeSmall(std::vector<Symbol>& symbols) const
{
    std::uint32_t ranks[kSmallWord];
    std::int32_t newIds[kSmallWord];
    std::size_t n = symbols.size();
    auto lookup = [&](std::size_t i) {
        if (!m_merges->find(symbols[i].id, symbols[i + 1].id, ranks[i], newIds[i]))
            ranks[i] = kNoRank;
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        lookup(i);
    while (n > 1) {
        std::uint32_t best = kNoRank;
        std::size_t at = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) {
            if (ranks[i] < best) {
                best = ranks[i];
                at = i;
            }
        }
        if (best == kNoRank)
            break;
        symbols[at].id = newIds[at];
        symbols[at].length += symbols[at + 1].length;
        symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(at + 1));
        --n;
        // Pair ranks shift left by one past the merged pair; refresh the two pairs that touch it.
        for (std::size_t i = at + 1; i + 1 < n; ++i) {
            ranks[i] = ranks[i + 1];
            newIds[i] = newIds[i + 1];
        }
        if (at + 1 < n)
            lookup(at);
        if (at > 0)
            lookup(at - 1);
    }
}

void BpeModel::mergeLarge(std::vector<Symbol>& symbols) const
{
    // HF's algorithm: symbols in a linked list, candidate merges in a min-heap ordered by (rank, position). Compact
    // 16- and 12-byte records keep multi-megabyte words (runs of spaces, unbroken CJK text) in memory.
    constexpr std::int32_t kNone = -1;
    struct Node {
        std::int32_t id; // kNone once merged into its left neighbour
        std::uint32_t length;
        std::int32_t prev;
        std::int32_t next;
    };
    struct Candidate {
        std::uint32_t rank;
        std::uint32_t pos;
        std::int32_t newId;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    if (symbols.size() >= static_cast<std::size_t>(INT32_MAX))
        throw InvalidArgumentError("a single word of more than 2 GB cannot be tokenized");
    const auto n = static_cast<std::int32_t>(symbols.size());
    std::vector<Node> nodes(static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n; ++i)
        nodes[static_cast<std::size_t>(i)] = { symbols[static_cast<std::size_t>(i)].id,
            symbols[static_cast<std::size_t>(i)].length, i - 1, i + 1 < n ? i + 1 : kNone };
    std::vector<Candidate> heap;
    heap.reserve(static_cast<std::size_t>(n));
    std::uint32_t rank;
    std::int32_t newId;
    for (std::int32_t i = 0; i + 1 < n; ++i)
        if (m_merges->find(
                nodes[static_cast<std::size_t>(i)].id, nodes[static_cast<std::size_t>(i) + 1].id, rank, newId))
            heap.push_back({ rank, static_cast<std::uint32_t>(i), newId });
    const auto cmp = std::greater<Candidate> {};
    std::make_heap(heap.begin(), heap.end(), cmp);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), cmp);
        const Candidate top = heap.back();
        heap.pop_back();
        Node& left = nodes[top.pos];
        if (left.id == kNone || left.next == kNone)
            continue;
        Node& right = nodes[static_cast<std::size_t>(left.next)];
        if (!m_merges->find(left.id, right.id, rank, newId) || newId != top.newId)
            continue; // stale
        left.id = top.newId;
        left.length += right.length;
        right.id = kNone;
        left.next = right.next;
        if (left.next != kNone)
            nodes[static_cast<std::size_t>(left.next)].prev = static_cast<std::int32_t>(top.pos);
        if (left.prev != kNone) {
            const Node& p = nodes[static_cast<std::size_t>(left.prev)];
            if (m_merges->find(p.id, left.id, rank, newId)) {
                heap.push_back({ rank, static_cast<std::uint32_t>(left.prev), newId });
                std::push_heap(heap.begin(), heap.end(), cmp);
            }
        }
        if (left.next != kNone) {
            const Node& nx = nodes[static_cast<std::size_t>(left.next)];
            if (m_merges->find(left.id, nx.id, rank, newId)) {
                heap.push_back({ rank, top.pos, newId });
                std::push_heap(heap.begin(), heap.end(), cmp);
            }
        }
    }
    symbols.clear();
    for (const auto& node : nodes)
        if (node.id != kNone)
            symbols.push_back({ node.id, node.length });
}

} // namespace moescope::tok
