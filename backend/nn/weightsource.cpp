#include <cstdint>
#include "nn/weightsource.h"

#include "nn/expertbank.h"

namespace moescope {

Linear WeightSource::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    auto weight = load(module + ".weight", { out, in }); // [out, in]
    at::Tensor b = bias ? load(module + ".bias", { out }) : at::Tensor(); // [out]
    return Linear::dense(std::move(weight), std::move(b));
}

Linear WeightSource::loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    return Linear::dense(load(module + ".weight", { rows, cols })); // [rows, cols]
}

std::unique_ptr<ExpertBank> WeightSource::loadExperts(const std::string& mlpPrefix, const TensorNaming& naming,
    std::int64_t experts, std::int64_t hidden, std::int64_t intermediate)
{
    return DenseExpertBank::load(mlpPrefix, naming, experts, hidden, intermediate, *this);
}

} // namespace moescope
