#include "eval/routingdrift.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "eval/routingmetrics.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <thread>

namespace moescope {

namespace {
// Expert sets of one token as sorted small arrays (any expert count) or 64-bit masks (<= 64 experts).
struct Partial {
    std::size_t changed = 0, top1Changed = 0;
    double jaccardTotal = 0;
};

// Tokens [t0, t1) of one layer; per-token results added to jaccardSum / layersChanged (each thread owns its range).
template <typename IdA, typename IdB>
void compareLayer(std::span<const IdA> idsA, std::span<const IdB> idsB, std::span<const std::uint16_t> wA,
    std::span<const std::uint16_t> wB, int kA, int kB, bool masks, std::size_t t0, std::size_t t1, Partial& out,
    std::vector<double>& jaccardSum, std::vector<int>& layersChanged)
{
    std::size_t changed = 0, top1Changed = 0;
    double jaccardTotal = 0;
    int setA[256], setB[256];
    for (std::size_t t = t0; t < t1; ++t) {
        const IdA* a = idsA.data() + t * std::size_t(kA);
        const IdB* b = idsB.data() + t * std::size_t(kB);
        std::size_t common = 0, sizeA = 0, sizeB = 0;
        if (masks) {
            std::uint64_t ma = 0, mb = 0;
            for (int j = 0; j < kA; ++j)
                ma |= std::uint64_t(1) << a[j];
            for (int j = 0; j < kB; ++j)
                mb |= std::uint64_t(1) << b[j];
            common = std::size_t(std::popcount(ma & mb));
            sizeA = std::size_t(std::popcount(ma));
            sizeB = std::size_t(std::popcount(mb));
        } else {
            std::copy(a, a + kA, setA);
            std::copy(b, b + kB, setB);
            std::sort(setA, setA + kA);
            std::sort(setB, setB + kB);
            sizeA = std::size_t(std::unique(setA, setA + kA) - setA);
            sizeB = std::size_t(std::unique(setB, setB + kB) - setB);
            common = commonSorted({ setA, sizeA }, { setB, sizeB });
        }
        const std::size_t unionSize = sizeA + sizeB - common;
        const double j = unionSize ? double(common) / double(unionSize) : 1.0;
        const bool differs = common != sizeA || common != sizeB;
        changed += differs;
        layersChanged[t] += differs;
        jaccardTotal += j;
        jaccardSum[t] += j;
        const int topA = int(a[topChoice(wA.data() + t * std::size_t(kA), kA)]);
        const int topB = int(b[topChoice(wB.data() + t * std::size_t(kB), kB)]);
        top1Changed += topA != topB;
    }
    out.changed += changed;
    out.top1Changed += top1Changed;
    out.jaccardTotal += jaccardTotal;
}
} // namespace

RoutingDrift computeRoutingDrift(
    const RoutingTrace& a, const RoutingTrace& b, std::size_t topTokens, std::stop_token stop)
{
    if (a.tokenCount() != b.tokenCount())
        throw InvalidArgumentError("routing drift: the runs have " + std::to_string(a.tokenCount()) + " and "
            + std::to_string(b.tokenCount()) + " tokens; drift needs the same token ids");
    const auto idsA = a.tokenIds(), idsB = b.tokenIds();
    const auto mismatch = std::mismatch(idsA.begin(), idsA.end(), idsB.begin());
    if (mismatch.first != idsA.end())
        throw InvalidArgumentError("routing drift: the runs differ at token "
            + std::to_string(mismatch.first - idsA.begin()) + " (id " + std::to_string(*mismatch.first) + " against "
            + std::to_string(*mismatch.second) + "); drift needs the same token ids");
    if (a.k() > 256 || b.k() > 256)
        throw UnsupportedError("routing drift: more than 256 experts per token");
    const std::size_t n = a.tokenCount();
    RoutingDrift out;
    out.tokens = n;
    std::vector<double> jaccardSum(n, 0.0);
    std::vector<int> layersChanged(n, 0);
    const bool masks = std::max(a.numExperts(), b.numExperts()) <= 64;
    std::vector<std::pair<int, int>> slots; // (slot in a, slot in b) of the shared MoE layers
    for (int slotA = 0; slotA < a.layerCount(); ++slotA)
        if (const int slotB = b.slotOf(a.layerAt(slotA)); slotB >= 0)
            slots.emplace_back(slotA, slotB);
    // Token ranges in parallel, every layer per range, so per-token sums need no locking.
    const unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 16u));
    constexpr std::size_t kChunk = 1 << 15;
    std::vector<std::vector<Partial>> partials(threads, std::vector<Partial>(slots.size()));
    std::atomic<std::size_t> next { 0 };
    std::atomic<bool> stopped { false };
    const auto work = [&](unsigned thread) {
        for (std::size_t t0 = next.fetch_add(kChunk); t0 < n && !stopped; t0 = next.fetch_add(kChunk)) {
            if (stop.stop_requested()) {
                stopped = true;
                break;
            }
            const std::size_t t1 = std::min(n, t0 + kChunk);
            for (std::size_t i = 0; i < slots.size(); ++i) {
                const auto [slotA, slotB] = slots[i];
                a.visitIds(slotA, [&](auto ia) {
                    b.visitIds(slotB, [&](auto ib) {
                        compareLayer(ia, ib, a.weightsHalf(slotA), b.weightsHalf(slotB), a.k(), b.k(), masks, t0, t1,
                            partials[thread][i], jaccardSum, layersChanged);
                    });
                });
            }
        }
    };
    {
        std::vector<std::jthread> pool;
        for (unsigned i = 1; i < threads; ++i)
            pool.emplace_back(work, i);
        work(0);
    }
    throwIfStopRequested(stop);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        Partial total;
        for (const auto& p : partials) {
            total.changed += p[i].changed;
            total.top1Changed += p[i].top1Changed;
            total.jaccardTotal += p[i].jaccardTotal;
        }
        LayerDrift d;
        d.layer = a.layerAt(slots[i].first);
        d.changedShare = n ? double(total.changed) / double(n) : 0;
        d.meanJaccard = n ? total.jaccardTotal / double(n) : 1;
        d.top1ChangedShare = n ? double(total.top1Changed) / double(n) : 0;
        out.layers.push_back(d);
    }
    if (out.layers.empty())
        throw InvalidArgumentError("routing drift: the runs share no MoE layer");
    const double layers = double(out.layers.size());
    double changed = 0, jaccard = 0;
    for (const auto& d : out.layers) {
        changed += d.changedShare;
        jaccard += d.meanJaccard;
    }
    out.changedShare = changed / layers;
    out.meanJaccard = jaccard / layers;

    out.tokenDrift.resize(n);
    for (std::size_t t = 0; t < n; ++t)
        out.tokenDrift[t] = float(1.0 - jaccardSum[t] / layers);
    std::vector<std::size_t> order;
    for (std::size_t t = 0; t < n; ++t)
        if (layersChanged[t] > 0)
            order.push_back(t);
    const auto more = [&](std::size_t x, std::size_t y) {
        if (jaccardSum[x] != jaccardSum[y])
            return jaccardSum[x] < jaccardSum[y];
        if (layersChanged[x] != layersChanged[y])
            return layersChanged[x] > layersChanged[y];
        return x < y;
    };
    const std::size_t listed = std::min(topTokens, order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(listed), order.end(), more);
    for (std::size_t i = 0; i < listed; ++i) {
        const std::size_t t = order[i];
        out.mostChanged.push_back({ t, idsA[t], a.offsets()[t], layersChanged[t], jaccardSum[t] / layers });
    }
    return out;
}

} // namespace moescope
