#pragma once
// Shared helpers of the tokenizer tests: reference data made by tests/fixtures/tokenizer/make_fixtures.py.

#include "io/compressedfile.h"
#include "io/jsonfile.h"
#include "testsupport.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace moescope::test {

inline std::string tokenizerFixture(const QString& relative)
{
    return (fixturesDir() + QStringLiteral("/tokenizer/") + relative).toStdString();
}

inline std::string sharedTokenizerDir(const QString& name)
{
    return (sharedDir() + QStringLiteral("/fixtures/tokenizers/") + name).toStdString();
}

// The real tokenizers of ../shared, each loaded once per test run (loading takes up to a second).
class SharedTokenizers {
public:
    const Tokenizer& get(const std::string& name)
    {
        auto& t = m_tokenizers[name];
        if (!t)
            t = std::make_unique<Tokenizer>(Tokenizer::fromFile(sharedTokenizerDir(QString::fromStdString(name))));
        return *t;
    }

private:
    std::map<std::string, std::unique_ptr<Tokenizer>> m_tokenizers;
};

// FNV-1a 64 of each block of blockSize * width values, every value as 4 little-endian bytes (as the fixture script).
inline std::vector<std::string> fnv1aBlocks(const std::vector<std::uint32_t>& values, std::size_t blockSize)
{
    std::vector<std::string> hashes;
    for (std::size_t start = 0; start < values.size(); start += blockSize) {
        std::uint64_t h = 0xCBF29CE484222325ull;
        for (std::size_t i = start; i < std::min(values.size(), start + blockSize); ++i)
            for (int k = 0; k < 4; ++k) {
                h ^= (values[i] >> (8 * k)) & 0xFF;
                h *= 0x100000001B3ull;
            }
        char buf[17];
        std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
        hashes.emplace_back(buf);
    }
    return hashes;
}

inline std::vector<std::uint32_t> asUnsigned(const std::vector<std::int32_t>& ids)
{
    return { ids.begin(), ids.end() };
}

inline nlohmann::json readCompressedJson(const std::string& path)
{
    return parseJson(readMaybeCompressedFile(path, std::size_t(256) << 20), path);
}

// Index of the first differing element (or the shorter length), for failure messages.
template <typename A, typename B> std::size_t firstDifference(const A& a, const B& b)
{
    std::size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
        ++i;
    return i;
}

} // namespace moescope::test
