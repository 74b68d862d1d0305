#include "nn/rmsnorm.h"

#include "nn/fuseddecode.h"

namespace moescope {

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    if (fusedRmsNormApplies(x, weight)) // CUDA bf16: one kernel instead of eight
        return fusedRmsNorm(x, weight, eps);
    return rmsNormUnfused(x, weight, eps);
}

std::pair<at::Tensor, at::Tensor> addRmsNorm(
    const at::Tensor& x, const at::Tensor& delta, const at::Tensor& weight, double eps)
{
    if (fusedAddRmsNormApplies(x, delta, weight))
        return fusedAddRmsNorm(x, delta, weight, eps);
    auto sum = x + delta;
    auto normed = rmsNorm(sum, weight, eps);
    return { std::move(sum), std::move(normed) };
}

at::Tensor rmsNormUnfused(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    const auto x32 = x.to(at::kFloat); // [..., d]
    const auto normed = x32 * at::rsqrt(x32.pow(2).mean(-1, true) + eps); // [..., d]
    return weight * normed.to(x.scalar_type());
}

} // namespace moescope
