#include "nn/weightsource.h"

namespace moescope {

Linear WeightSource::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    auto weight = load(module + ".weight", { out, in }); // [out, in]
    at::Tensor b = bias ? load(module + ".bias", { out }) : at::Tensor(); // [out]
    return Linear::dense(std::move(weight), std::move(b));
}

} // namespace moescope
