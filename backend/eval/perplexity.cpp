#include "eval/perplexity.h"
#include <cstdint>

#include "core/error.h"
#include "eval/routingeventbuffer.h"
#include "nn/transformer.h"
#include "runtime/engine.h"
#include "runtime/forwardobserver.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
// Forwards only the tokens of a window that no earlier window reported, with absolute positions.
class WindowObserver final : public ForwardObserver {
public:
    WindowObserver(ForwardObserver& inner, std::int64_t windowStart, std::int64_t firstNew)
        : m_inner(inner)
        , m_start(windowStart)
        , m_firstNew(firstNew)
    {
    }
    bool wantsRouting(int layer) const override { return m_inner.wantsRouting(layer); }
    bool wantsRouterLogits(int layer) const override { return m_inner.wantsRouterLogits(layer); }
    void onRouting(const RoutingEvent& e) override
    {
        const auto absolute = m_start + e.firstPosition;
        const auto skip = std::clamp<std::int64_t>(m_firstNew - absolute, 0, e.tokens);
        if (skip == e.tokens)
            return;
        RoutingEvent part = e;
        part.firstPosition = absolute + skip;
        part.tokens = e.tokens - skip;
        part.expertIds = e.expertIds + skip * e.k;
        part.weights = e.weights + skip * e.k;
        if (e.routerLogits)
            part.routerLogits = e.routerLogits + skip * e.numExperts;
        m_inner.onRouting(part);
    }

private:
    ForwardObserver& m_inner;
    std::int64_t m_start;
    std::int64_t m_firstNew;
};

struct ScoringWindow {
    std::int64_t begin = 0; // first token of the window
    std::int64_t end = 0; // one past its last token
    std::int64_t firstScored = 0; // first token no earlier window scored
    std::int64_t firstUnseen = 0; // first token whose routing no earlier window reported
};

std::vector<ScoringWindow> planWindows(std::int64_t n, const PerplexityOptions& options)
{
    std::vector<ScoringWindow> windows;
    std::int64_t prevEnd = 0;
    for (std::int64_t begin = 0; begin < n; begin += options.stride) {
        const auto end = std::min(begin + options.window, n);
        windows.push_back({ begin, end, std::max(prevEnd, begin + 1), prevEnd });
        prevEnd = end;
        if (end == n)
            break;
    }
    return windows;
}

// Windows scored at the same time, one per thread. On the CPU a small model's matrices are too small for the
// intra-op threads to pay off (two threads score a window barely faster than one), while whole windows in
// parallel scale with the cores. Large models keep one window at a time: their products already fill the
// threads, and each window in flight holds its own activations.
int concurrentWindows(Engine& engine)
{
    constexpr std::int64_t kSmallModelBytes = std::int64_t { 1 } << 30;
    constexpr int kMaxWindowsInFlight = 8;
    if (!engine.transformer().options().device().is_cpu() || engine.summary().weightBytes > kSmallModelBytes)
        return 1;
    return std::clamp(at::get_num_threads(), 1, kMaxWindowsInFlight);
}
} // namespace

double TokenScores::perplexity() const
{
    return scored ? std::exp(meanNll) : std::numeric_limits<double>::quiet_NaN();
}

TokenScores scoreSequence(Engine& engine, std::span<const std::int32_t> ids, const PerplexityOptions& options,
    ForwardObserver* observer, std::stop_token stop, const ProgressCallback& progress)
{
    if (options.window < 2 || options.stride < 1 || options.stride > options.window)
        throw InvalidArgumentError("perplexity window must be >= 2 and the stride in [1, window]");
    const auto n = static_cast<std::int64_t>(ids.size());
    TokenScores out;
    out.logProbs.assign(ids.size(), std::numeric_limits<float>::quiet_NaN());
    double nll = 0;
    const auto windows = planWindows(n, options);
    const auto inFlight = static_cast<std::size_t>(concurrentWindows(engine));
    for (std::size_t first = 0; first < windows.size(); first += inFlight) {
        throwIfStopRequested(stop);
        const auto count = std::min(inFlight, windows.size() - first);
        std::vector<std::vector<float>> scores(count);
        std::vector<RoutingEventBuffer> routing;
        if (observer)
            routing.assign(count, RoutingEventBuffer(*observer));
        const auto scoreWindow = [&](std::size_t i) {
            const auto& w = windows[first + i];
            if (w.firstScored < w.end)
                scores[i] = engine.scoreTokens(ids.subspan(w.begin, w.end - w.begin),
                    static_cast<std::size_t>(w.firstScored - w.begin), observer ? &routing[i] : nullptr, stop);
        };
        if (count == 1)
            scoreWindow(0);
        else // nested ATen and BLAS calls run single-threaded inside this parallel region
            at::parallel_for(0, static_cast<std::int64_t>(count), 1, [&](std::int64_t b, std::int64_t e) {
                for (auto i = b; i < e; ++i)
                    scoreWindow(static_cast<std::size_t>(i));
            });
        // Report in document order, on the calling thread.
        for (std::size_t i = 0; i < count; ++i) {
            const auto& w = windows[first + i];
            if (observer) {
                WindowObserver window(*observer, w.begin, w.firstUnseen);
                routing[i].replay(window);
            }
            for (std::size_t j = 0; j < scores[i].size(); ++j) {
                out.logProbs[static_cast<std::size_t>(w.firstScored) + j] = scores[i][j];
                nll -= scores[i][j];
            }
            out.scored += static_cast<std::int64_t>(scores[i].size());
            if (progress)
                progress(w.end, n);
        }
    }
    out.meanNll = out.scored ? nll / static_cast<double>(out.scored) : 0.0;
    return out;
}

double perplexityOf(const TokenScores& scores, std::size_t begin, std::size_t end)
{
    double nll = 0;
    std::size_t count = 0;
    for (std::size_t i = begin; i < std::min(end, scores.logProbs.size()); ++i)
        if (!std::isnan(scores.logProbs[i])) {
            nll -= scores.logProbs[i];
            ++count;
        }
    return count ? std::exp(nll / static_cast<double>(count)) : std::numeric_limits<double>::quiet_NaN();
}

} // namespace moescope
