#include <cstdint>
#include "eval/perplexity.h"

#include "core/error.h"
#include "runtime/engine.h"
#include "runtime/forwardobserver.h"

#include <algorithm>
#include <cmath>
#include <optional>

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
} // namespace

double TokenScores::perplexity() const { return scored ? std::exp(meanNll) : std::numeric_limits<double>::quiet_NaN(); }

TokenScores scoreSequence(Engine& engine, std::span<const std::int32_t> ids, const PerplexityOptions& options,
    ForwardObserver* observer, std::stop_token stop, const ProgressCallback& progress)
{
    if (options.window < 2 || options.stride < 1 || options.stride > options.window)
        throw InvalidArgumentError("perplexity window must be >= 2 and the stride in [1, window]");
    const auto n = static_cast<std::int64_t>(ids.size());
    TokenScores out;
    out.logProbs.assign(ids.size(), std::numeric_limits<float>::quiet_NaN());
    double nll = 0;
    std::int64_t prevEnd = 0;
    for (std::int64_t begin = 0; begin < n; begin += options.stride) {
        throwIfStopRequested(stop);
        const auto end = std::min(begin + options.window, n);
        const auto firstScored = std::max(prevEnd, begin + 1);
        if (firstScored < end) {
            std::optional<WindowObserver> window;
            if (observer)
                window.emplace(*observer, begin, begin == 0 ? 0 : prevEnd);
            const auto scores = engine.scoreTokens(ids.subspan(begin, end - begin),
                static_cast<std::size_t>(firstScored - begin), window ? &*window : nullptr, stop);
            for (std::size_t i = 0; i < scores.size(); ++i) {
                out.logProbs[static_cast<std::size_t>(firstScored) + i] = scores[i];
                nll -= scores[i];
            }
            out.scored += static_cast<std::int64_t>(scores.size());
        }
        prevEnd = end;
        if (progress)
            progress(end, n);
        if (end == n)
            break;
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
