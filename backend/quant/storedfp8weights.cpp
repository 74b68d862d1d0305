#include "quant/storedfp8weights.h"

#include "io/configreader.h"
#include "core/error.h"
#include "io/safetensorscheckpoint.h"
#include "nn/modelspec.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizedlinear.h"
#include "runtime/checkpointweights.h"

namespace moescope {

std::optional<int> storedFp8BlockSize(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir / "config.json", ec))
        return std::nullopt;
    const auto q = ConfigReader::fromFile(dir / "config.json").child("quantization_config");
    if (q.optString("quant_method").value_or("") != "fp8")
        return std::nullopt;
    const auto block = fp8BlockSizeOf(dir);
    return block && block->first == block->second ? std::optional<int>(block->first) : std::nullopt;
}

StoredFp8Weights::StoredFp8Weights(CheckpointWeights& inner, int blockSize)
    : WrappingWeightSource(inner)
    , m_checkpoint(inner)
    , m_block(blockSize)
{
}

bool StoredFp8Weights::isFp8(const std::string& module) const
{
    const auto* ref = m_checkpoint.checkpoint().find(module + ".weight");
    return ref && ref->info->dtype == DType::F8E4M3;
}

QuantizedTensor StoredFp8Weights::readMatrix(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    QuantizedTensor q;
    q.scheme = { QuantFormat::Fp8, m_block, false };
    q.rows = rows;
    q.cols = cols;
    const auto scaleName = module + ".weight_scale_inv";
    if (!m_checkpoint.checkpoint().find(scaleName))
        throw UnsupportedError(m_checkpoint.checkpoint().folder().string() + ": FP8 tensor '" + module
            + ".weight' has no '" + scaleName + "' block scales");
    const auto blocks = [&](std::int64_t n) { return (n + m_block - 1) / m_block; };
    q.data = m_checkpoint.loadStored(module + ".weight", { rows, cols }); // ShapeError naming the tensor otherwise
    q.scales = m_checkpoint.loadStored(scaleName, { blocks(rows), blocks(cols) });
    if (q.scales.scalar_type() != at::kFloat)
        q.scales = q.scales.to(at::kFloat); // some exports store the scales in bf16
    return q;
}

Linear StoredFp8Weights::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    if (!isFp8(module))
        return m_inner.loadLinear(module, out, in, bias);
    auto q = readMatrix(module, out, in);
    at::Tensor b = bias ? m_inner.load(module + ".bias", { out }) : at::Tensor(); // [out]
    return makeQuantizedLinear(std::move(q), std::move(b), options().dtype().toScalarType());
}

std::unique_ptr<ExpertBank> StoredFp8Weights::loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
    std::int64_t experts, std::int64_t hidden, std::int64_t intermediate)
{
    if (experts == 0 || !isFp8(mlpPrefix + "experts.0." + naming.gateProj))
        return m_inner.loadExperts(mlpPrefix, naming, experts, hidden, intermediate);
    std::vector<QuantizedExpert> bank;
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto p = mlpPrefix + "experts." + std::to_string(e) + ".";
        for (const auto* proj : { &naming.gateProj, &naming.upProj, &naming.downProj })
            if (!isFp8(p + *proj))
                throw UnsupportedError(m_checkpoint.checkpoint().folder().string() + ": expert projection '" + p
                    + *proj + ".weight' is not FP8 like the layer's first expert");
        bank.push_back({ readMatrix(p + naming.gateProj, intermediate, hidden),
            readMatrix(p + naming.upProj, intermediate, hidden), readMatrix(p + naming.downProj, hidden, intermediate) });
    }
    return QuantizedExpertBank::fromExperts(std::move(bank), options().dtype().toScalarType());
}

} // namespace moescope
