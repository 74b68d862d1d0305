#pragma once
// Pieces already tokenized by the BPE model, shared by all threads: most words of a report repeat, so this turns
// the merge loop into a hash lookup. Sharded with one mutex per shard; a full shard is simply cleared.

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moescope::tok {

struct TokenPart {
    std::int32_t id;
    std::uint32_t length; // bytes of the piece this token covers
};

class WordCache {
public:
    static constexpr std::size_t kMaxKeyBytes = 512;

    // Appends the cached tokens of word to out and returns true on a hit.
    bool lookup(std::string_view word, std::vector<TokenPart>& out) const;
    void insert(std::string_view word, const TokenPart* parts, std::size_t count) const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view> {}(s); }
    };
    struct Equal {
        using is_transparent = void;
        bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::string, std::vector<TokenPart>, Hash, Equal> map;
    };
    static constexpr std::size_t kShards = 16;
    static constexpr std::size_t kMaxEntriesPerShard = 16384;
    mutable std::array<Shard, kShards> m_shards;
};

} // namespace moescope::tok
