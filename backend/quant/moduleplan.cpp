#include "quant/moduleplan.h"

#include "nn/expertbank.h"
#include "nn/transformer.h"
#include "nn/weightsource.h"

namespace moescope {

namespace {
    // Records what the blocks ask for and hands out meta tensors, which have shapes but no storage.
    class PlanningWeights final : public WeightSource {
    public:
        PlanningWeights(const ModelSpec& spec, const std::function<bool(const std::string&)>& has, ModulePlan& plan)
            : m_spec(spec)
            , m_has(has)
            , m_plan(plan)
        {
        }
        bool has(const std::string& name) const override { return m_has(name); }
        at::Tensor load(const std::string& name, at::IntArrayRef shape, bool) override
        {
            add(PlannedWeight::Kind::Tensor, name, shape.vec());
            return meta(shape);
        }
        void loadInto(const std::string& name, at::Tensor dst) override
        {
            add(PlannedWeight::Kind::Tensor, name, dst.sizes().vec());
        }
        at::TensorOptions options() const override { return at::TensorOptions().device(at::kMeta).dtype(at::kFloat); }

        Linear loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias) override
        {
            auto& w = add(PlannedWeight::Kind::Linear, module, { out, in });
            w.bias = bias;
            return Linear::dense(meta({ out, in }));
        }
        Linear loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols) override
        {
            add(PlannedWeight::Kind::Embedding, module, { rows, cols });
            return Linear::dense(meta({ rows, cols }));
        }
        std::unique_ptr<ExpertBank> loadExperts(const std::string& prefix, const TensorNaming&, std::int64_t experts,
            std::int64_t hidden, std::int64_t intermediate) override
        {
            auto& w = add(PlannedWeight::Kind::Experts, prefix, { experts, hidden, intermediate });
            w.fusedExperts = m_has(prefix + "experts.gate_up_proj");
            w.where = locateModule(prefix + "experts.0.", m_spec.naming);
            return std::make_unique<DenseExpertBank>(meta({ experts, 2 * intermediate, hidden }),
                meta({ experts, hidden, intermediate }));
        }

    private:
        static at::Tensor meta(at::IntArrayRef shape) { return at::empty(shape, at::TensorOptions().device(at::kMeta)); }
        PlannedWeight& add(PlannedWeight::Kind kind, const std::string& name, std::vector<std::int64_t> shape)
        {
            PlannedWeight w;
            w.kind = kind;
            w.name = name;
            w.shape = std::move(shape);
            w.where = locateModule(name, m_spec.naming);
            m_plan.weights.push_back(std::move(w));
            return m_plan.weights.back();
        }

        const ModelSpec& m_spec;
        const std::function<bool(const std::string&)>& m_has;
        ModulePlan& m_plan;
    };
} // namespace

ModulePlan planModules(const ModelSpec& spec, const std::function<bool(const std::string&)>& has)
{
    ModulePlan plan;
    PlanningWeights weights(spec, has, plan);
    const Transformer model(spec, weights);
    plan.tiedHead = spec.tieWordEmbeddings && !has("lm_head.weight");
    return plan;
}

std::int64_t ModulePlan::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& w : weights) {
        std::int64_t p = 1;
        for (const auto d : w.shape)
            p *= d;
        if (w.kind == PlannedWeight::Kind::Experts)
            p *= 3;
        n += p + (w.bias ? w.shape[0] : 0);
    }
    return n;
}

std::int64_t ModulePlan::weightBytes(const QuantPolicy& policy, int fullElementBytes) const
{
    std::int64_t n = 0;
    for (const auto& w : weights) {
        switch (w.kind) {
        case PlannedWeight::Kind::Tensor: {
            std::int64_t p = 1;
            for (const auto d : w.shape)
                p *= d;
            n += p * fullElementBytes;
            break;
        }
        case PlannedWeight::Kind::Linear:
        case PlannedWeight::Kind::Embedding:
            n += policy.schemeFor(w.name, w.where).storageBytes(w.shape[0], w.shape[1], fullElementBytes)
                + (w.bias ? w.shape[0] * fullElementBytes : 0);
            break;
        case PlannedWeight::Kind::Experts: {
            const auto e = w.shape[0], h = w.shape[1], i = w.shape[2];
            for (std::int64_t x = 0; x < e; ++x) {
                const auto s = policy.schemeForExpert(w.where.layer, static_cast<int>(x));
                n += 2 * s.storageBytes(i, h, fullElementBytes) + s.storageBytes(h, i, fullElementBytes);
            }
            break;
        }
        }
    }
    return n;
}

} // namespace moescope
