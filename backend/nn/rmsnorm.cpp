#include "nn/rmsnorm.h"

#include "nn/fuseddecode.h"

namespace moescope {

at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    if (fusedRmsNormApplies(x, weight)) // decode on CUDA: one kernel instead of eight
        return fusedRmsNorm(x, weight, eps);
    return rmsNormUnfused(x, weight, eps);
}

at::Tensor rmsNormUnfused(const at::Tensor& x, const at::Tensor& weight, double eps)
{
    const auto x32 = x.to(at::kFloat); // [..., d]
    const auto normed = x32 * at::rsqrt(x32.pow(2).mean(-1, true) + eps); // [..., d]
    return weight * normed.to(x.scalar_type());
}

} // namespace moescope
