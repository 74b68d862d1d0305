#include "runtime/batchgenerator.h"

#include "core/error.h"
#include "nn/slotkvcache.h"
#include "nn/transformer.h"
#include "runtime/sampler.h"

#include <algorithm>
#include <chrono>

namespace moescope {

namespace {
    using Clock = std::chrono::steady_clock;

    std::int64_t roundUp(std::int64_t n, std::int64_t step) { return (n + step - 1) / step * step; }

    double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

    // A request's state while it waits, prefills or decodes in a slot.
    struct Sequence {
        Sampler sampler;
        std::vector<std::int32_t> stops;
        Clock::time_point decodeStart;
        bool finished = false;
    };
} // namespace

BatchGenerator::BatchGenerator(const Transformer& model, std::int64_t slots, bool useGraphs)
    : m_model(model)
    , m_slots(slots)
    , m_steps(model.options(), useGraphs)
{
    if (slots < 1)
        throw InvalidArgumentError("batched generation needs at least one slot, got " + std::to_string(slots));
    const auto longs = at::TensorOptions(at::kLong).device(model.options().device());
    m_ids = at::zeros({ slots }, longs);
    m_positions = at::zeros({ slots }, longs);
}

BatchGenerator::~BatchGenerator() = default;

std::vector<GenerationResult> BatchGenerator::run(std::span<const GenerationRequest> requests, const Prefill& prefill,
    const std::vector<std::int32_t>& defaultStops, const OnToken& onToken, std::stop_token stop,
    const OnFinished& onFinished)
{
    std::vector<Sequence> sequences;
    sequences.reserve(requests.size());
    std::int64_t longest = 1;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& r = requests[i];
        if (r.prompt.empty())
            throw InvalidArgumentError("request " + std::to_string(i + 1) + " has no prompt tokens");
        if (r.options.maxNewTokens < 0)
            throw InvalidArgumentError("request " + std::to_string(i + 1) + " asks for a negative number of tokens");
        sequences.push_back({ Sampler(r.options), r.options.stopTokens.empty() ? defaultStops : r.options.stopTokens,
            {}, false });
        longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(r.prompt.size()) + r.options.maxNewTokens);
    }
    std::vector<GenerationResult> results(requests.size());
    m_steppedTokens = 0;
    m_stepMs.clear();
    // Graphs of an earlier run refer to its cache's storage.
    m_steps.clear();
    const auto capacity = m_steps.enabled() ? roundUp(longest, kSpanStep) : longest;
    SlotKvCache cache(m_model.spec().numLayers, m_slots, capacity);
    const auto slotCount = static_cast<std::size_t>(m_slots);
    std::vector<std::int64_t> requestOf(slotCount, -1); // the request each slot decodes, -1 when free
    std::vector<std::int64_t> hostIds(slotCount, 0); // each slot's next input; its position is the cache's length

    // Records a new token; true when it ends the request.
    auto emit = [&](std::size_t r, std::int32_t token) {
        auto& result = results[r];
        result.tokens.push_back(token);
        if (onToken)
            onToken(r, token);
        const auto& stops = sequences[r].stops;
        if (std::find(stops.begin(), stops.end(), token) != stops.end())
            result.stopReason = "stop_token";
        const bool done = result.stopReason == "stop_token"
            || static_cast<int>(result.tokens.size()) >= requests[r].options.maxNewTokens;
        sequences[r].finished = done;
        if (done && onFinished)
            onFinished(r);
        return done;
    };
    // Prefills waiting requests into free slots; requests that end with their first token never take one.
    std::size_t next = 0;
    auto admit = [&] {
        for (std::size_t slot = 0; slot < slotCount; ++slot) {
            while (requestOf[slot] < 0 && next < requests.size() && !stop.stop_requested()) {
                const auto r = next++;
                const auto& prompt = requests[r].prompt;
                results[r].stopReason = "max_tokens";
                if (requests[r].options.maxNewTokens == 0) {
                    sequences[r].finished = true;
                    if (onFinished)
                        onFinished(r);
                    continue;
                }
                const auto t0 = Clock::now();
                auto sequence = m_model.makeCache();
                sequence.reserve(static_cast<std::int64_t>(prompt.size()));
                const auto logits = m_model.logits(prefill(prompt, sequence)); // [1, vocab]
                const auto token = sequences[r].sampler.next(logits.squeeze(0));
                results[r].prefillSeconds = secondsSince(t0);
                sequences[r].decodeStart = Clock::now();
                if (emit(r, token))
                    continue;
                cache.load(static_cast<std::int64_t>(slot), sequence);
                requestOf[slot] = static_cast<std::int64_t>(r);
                hostIds[slot] = token;
            }
        }
    };

    const auto cpuLongs = at::TensorOptions(at::kLong);
    while (!stop.stop_requested()) {
        admit();
        std::int64_t active = 0, furthest = 0;
        bool anyGreedy = false;
        for (std::size_t slot = 0; slot < slotCount; ++slot)
            if (requestOf[slot] >= 0) {
                ++active;
                furthest = std::max(furthest, cache.length(static_cast<std::int64_t>(slot)));
                anyGreedy = anyGreedy || requests[static_cast<std::size_t>(requestOf[slot])].options.greedy;
            }
        if (active == 0)
            break;
        const auto t0 = Clock::now();
        m_ids.copy_(at::from_blob(hostIds.data(), { m_slots }, cpuLongs));
        m_positions.copy_(at::tensor(cache.lengths())); // free slots: 0
        const auto span = m_steps.enabled() ? std::min(roundUp(furthest + 1, kSpanStep), capacity) : furthest + 1;
        const auto logits = step(cache, span); // [slots, vocab]
        cache.advanceOccupied();
        // Greedy rows: one argmax for all of them and one copy to the host (what Sampler::next does row by row).
        const auto picks = anyGreedy ? logits.argmax(1).to(at::kCPU) : at::Tensor(); // [slots]
        for (std::size_t slot = 0; slot < slotCount; ++slot) {
            if (requestOf[slot] < 0)
                continue;
            const auto r = static_cast<std::size_t>(requestOf[slot]);
            const auto token = requests[r].options.greedy
                ? static_cast<std::int32_t>(picks.data_ptr<std::int64_t>()[slot])
                : sequences[r].sampler.next(logits[static_cast<std::int64_t>(slot)]);
            if (emit(r, token)) {
                results[r].decodeSeconds = secondsSince(sequences[r].decodeStart);
                cache.release(static_cast<std::int64_t>(slot));
                requestOf[slot] = -1;
                hostIds[slot] = 0;
                continue;
            }
            hostIds[slot] = token;
        }
        m_steppedTokens += active;
        m_stepMs.push_back(secondsSince(t0) * 1e3);
    }
    for (std::size_t r = 0; r < requests.size(); ++r)
        if (!sequences[r].finished) {
            results[r].stopReason = "cancelled";
            if (r < next)
                results[r].decodeSeconds = secondsSince(sequences[r].decodeStart);
        }
    return results;
}

at::Tensor BatchGenerator::step(SlotKvCache& cache, std::int64_t span)
{
    return m_steps.run(span, [&] { return m_model.logits(m_model.forwardSlots(m_ids, m_positions, cache, span)); });
}

} // namespace moescope
