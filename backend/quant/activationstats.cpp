#include "quant/activationstats.h"

#include "core/error.h"
#include "nn/expertbank.h"
#include "nn/modelspec.h"

namespace moescope {

namespace {
    // x^T x of rows [N, in] in float64 on the CPU: [in, in].
    at::Tensor gramOf(const at::Tensor& rows)
    {
        const auto r = rows.to(at::kDouble); // [N, in]
        return at::matmul(r.t(), r).to(at::kCPU); // [in, in]
    }
} // namespace

void ActivationStats::add(const std::string& module, const at::Tensor& x)
{
    const auto rows = x.reshape({ -1, x.size(-1) }).to(at::kFloat); // [N, in]
    addSums(module, rows.square().sum(0).to(at::kCPU, at::kDouble), rows.abs().sum(0).to(at::kCPU, at::kDouble),
        rows.size(0));
    if (gram)
        addGram({ module }, gramOf(rows));
}

void ActivationStats::addGram(std::initializer_list<std::string> names, const at::Tensor& g)
{
    at::Tensor* first = nullptr;
    for (const auto& name : names) {
        auto& e = modules[name];
        if (!first) {
            if (!e.gram.defined()) {
                gramBytes += static_cast<std::int64_t>(g.numel()) * 8;
                if (gramBytes > kMaxGramBytes)
                    throw UnsupportedError("GPTQ calibration: the Gram matrices of this model's projections take "
                        + std::string("more than ") + std::to_string(kMaxGramBytes >> 30) + " GiB (at " + name
                        + "); use round-to-nearest or +awq");
                e.gram = g.to(at::kCPU, at::kDouble).clone();
            } else {
                e.gram += g.to(at::kCPU, at::kDouble);
            }
            first = &e.gram;
        } else if (!e.gram.defined() || !e.gram.is_same(*first)) {
            e.gram = *first; // shares the storage (and later in-place sums)
        }
    }
}

void ActivationStats::addSums(const std::string& module, const at::Tensor& sumSquares, const at::Tensor& sumAbs,
    std::int64_t count)
{
    auto& e = modules[module];
    if (!e.sumSquares.defined()) {
        e.sumSquares = sumSquares.clone();
        e.sumAbs = sumAbs.clone();
    } else {
        e.sumSquares += sumSquares;
        e.sumAbs += sumAbs;
    }
    e.count += count;
}

const ActivationStats::Entry* ActivationStats::find(const std::string& module) const
{
    const auto it = modules.find(module);
    return it == modules.end() || it->second.count == 0 ? nullptr : &it->second;
}

namespace {
    class RecordingLinear final : public LinearWeights {
    public:
        RecordingLinear(Linear inner, std::string module, std::shared_ptr<ActivationStats> stats)
            : m_inner(std::move(inner))
            , m_module(std::move(module))
            , m_stats(std::move(stats))
        {
        }
        at::Tensor forward(const at::Tensor& x) const override
        {
            m_stats->add(m_module, x);
            return m_inner(x);
        }
        at::Tensor dense() const override { return m_inner.dense(); }
        bool storesDense() const override { return m_inner.weights()->storesDense(); }
        at::Tensor lookup(const at::Tensor& ids) const override { return m_inner.lookup(ids); }
        std::int64_t weightBytes() const override { return m_inner.weightBytes(); }
        std::int64_t inFeatures() const override { return m_inner.inFeatures(); }
        std::int64_t outFeatures() const override { return m_inner.outFeatures(); }

    private:
        Linear m_inner;
        std::string m_module;
        std::shared_ptr<ActivationStats> m_stats;
    };

    class RecordingExpertBank final : public ExpertBank {
    public:
        RecordingExpertBank(std::unique_ptr<DenseExpertBank> inner, std::string prefix, const TensorNaming& naming,
            std::shared_ptr<ActivationStats> stats)
            : m_inner(std::move(inner))
            , m_prefix(std::move(prefix))
            , m_naming(naming)
            , m_stats(std::move(stats))
        {
        }
        at::Tensor forward(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const override
        {
            record(x, ids, weights);
            return m_inner->forward(x, ids, weights);
        }
        std::int64_t weightBytes() const override { return m_inner->weightBytes(); }
        std::int64_t numExperts() const override { return m_inner->numExperts(); }

    private:
        void record(const at::Tensor& x, const at::Tensor& ids, const at::Tensor& weights) const
        {
            m_stats->add(m_prefix + "experts", x);
            const auto experts = numExperts();
            const auto a = sortAssignments(ids, weights, experts);
            const auto expertOfSlot = a.expertOfSlot(ids); // [T*k]
            const auto xs = x.index_select(0, a.tokenOfSlot); // [T*k, H]
            const auto gu = groupedMatmul(xs, m_inner->gateUp().transpose(1, 2), a.groupEnds); // [T*k, 2I]
            const auto h = gatedActivation(gu); // [T*k, I]
            auto perExpert = [&](const at::Tensor& rows) { // [T*k, D] -> sums [E, D] (float64, CPU)
                const auto r = rows.to(at::kFloat);
                const auto zeros = at::zeros({ experts, rows.size(1) }, r.options());
                return std::make_pair(zeros.index_add(0, expertOfSlot, r.square()).to(at::kCPU, at::kDouble),
                    zeros.index_add(0, expertOfSlot, r.abs()).to(at::kCPU, at::kDouble));
            };
            const auto [xSq, xAbs] = perExpert(xs);
            const auto [hSq, hAbs] = perExpert(h);
            const auto counts = at::bincount(expertOfSlot, {}, experts).to(at::kCPU); // [E]
            std::int64_t begin = 0;
            for (std::int64_t e = 0; e < experts; ++e) {
                const auto n = counts[e].item<std::int64_t>();
                if (n == 0)
                    continue;
                const auto p = m_prefix + "experts." + std::to_string(e) + ".";
                m_stats->addSums(p + m_naming.gateProj, xSq[e], xAbs[e], n);
                m_stats->addSums(p + m_naming.upProj, xSq[e], xAbs[e], n);
                m_stats->addSums(p + m_naming.downProj, hSq[e], hAbs[e], n);
                if (m_stats->gram) { // slots are sorted by expert: this expert's are [begin, begin + n)
                    m_stats->addGram({ p + m_naming.gateProj, p + m_naming.upProj }, gramOf(xs.narrow(0, begin, n)));
                    m_stats->addGram({ p + m_naming.downProj }, gramOf(h.narrow(0, begin, n)));
                }
                begin += n;
            }
        }

        std::unique_ptr<DenseExpertBank> m_inner;
        std::string m_prefix;
        TensorNaming m_naming;
        std::shared_ptr<ActivationStats> m_stats;
    };
} // namespace

ActivationRecorder::ActivationRecorder(WeightSource& inner, std::shared_ptr<ActivationStats> stats)
    : WrappingWeightSource(inner)
    , m_stats(std::move(stats))
{
}

Linear ActivationRecorder::loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    // Lookups pass through; forward() is the tied LM head's product, recorded under the embedding's name.
    return Linear(std::make_shared<RecordingLinear>(m_inner.loadEmbedding(module, rows, cols), module, m_stats));
}

Linear ActivationRecorder::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    return Linear(std::make_shared<RecordingLinear>(m_inner.loadLinear(module, out, in, bias), module, m_stats));
}

std::unique_ptr<ExpertBank> ActivationRecorder::loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
    std::int64_t experts, std::int64_t hidden, std::int64_t intermediate)
{
    auto bank = m_inner.loadExperts(mlpPrefix, naming, experts, hidden, intermediate);
    auto* dense = dynamic_cast<DenseExpertBank*>(bank.get());
    if (!dense)
        throw UnsupportedError("activation calibration needs a full-precision model (" + mlpPrefix
            + "experts is already quantized)");
    bank.release();
    return std::make_unique<RecordingExpertBank>(std::unique_ptr<DenseExpertBank>(dense), mlpPrefix, naming, m_stats);
}

} // namespace moescope
