#include "tokenizer/wordcache.h"

namespace moescope::tok {

bool WordCache::lookup(std::string_view word, std::vector<TokenPart>& out) const
{
    const std::size_t h = Hash {}(word);
    Shard& shard = m_shards[(h >> 7) % kShards];
    std::lock_guard lock(shard.mutex);
    const auto it = shard.map.find(word);
    if (it == shard.map.end())
        return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
}

void WordCache::insert(std::string_view word, const TokenPart* parts, std::size_t count) const
{
    if (word.size() > kMaxKeyBytes)
        return;
    const std::size_t h = Hash {}(word);
    Shard& shard = m_shards[(h >> 7) % kShards];
    std::lock_guard lock(shard.mutex);
    if (shard.map.size() >= kMaxEntriesPerShard)
        shard.map.clear();
    shard.map.try_emplace(std::string(word), parts, parts + count);
}

} // namespace moescope::tok
