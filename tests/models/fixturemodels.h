#pragma once
// Shared by the model tests: the path of a fixture checkpoint under tests/fixtures/models, and deterministic
// pseudo-random token ids (an LCG, so every test and platform sees the same ids).

#include "testsupport.h"

#include <QString>
#include <QTest>

#include <cstdint>
#include <string>
#include <vector>

namespace moescope::test {

inline std::string fixtureModel(const QString& name) { return (fixturesDir() + "/models/" + name).toStdString(); }

// The six fixture families as QTest data rows of a column "name", each labelled with what it exercises.
inline void addFixtureFamilyRows()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("deepseek-v2 (mla, absorbed decode)") << "deepseek_v2";
    QTest::newRow("deepseek-v3 (mla, q lora, yarn)") << "deepseek_v3";
    QTest::newRow("mixtral (sliding window 12)") << "mixtral";
    QTest::newRow("olmoe (qk norm)") << "olmoe";
    QTest::newRow("qwen2-moe (shared expert gate)") << "qwen2_moe";
    QTest::newRow("qwen3-moe (per-head qk norm)") << "qwen3_moe";
}

// n ids in [3, vocab), skipping the usual special ids 0..2.
inline std::vector<std::int32_t> someIds(int n, int vocab, int seed)
{
    std::vector<std::int32_t> ids;
    std::uint32_t x = static_cast<std::uint32_t>(seed) * 2654435761u + 1;
    for (int i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        ids.push_back(static_cast<std::int32_t>(3 + (x >> 8) % static_cast<std::uint32_t>(vocab - 3)));
    }
    return ids;
}

} // namespace moescope::test
