#include "quant/quantizedtensor.h"

#include "core/error.h"

namespace moescope {

namespace {
    std::int64_t nbytes(const at::Tensor& t) { return t.defined() ? static_cast<std::int64_t>(t.nbytes()) : 0; }

    at::Tensor moved(const at::Tensor& t, const at::Device& device) { return t.defined() ? t.to(device) : t; }

    at::Tensor selected(const at::Tensor& t, const at::Tensor& index)
    {
        return t.defined() ? t.index_select(0, index.to(t.device())) : t;
    }

    at::Tensor stacked(const std::vector<QuantizedTensor>& parts, at::Tensor QuantizedTensor::*member)
    {
        if (!(parts.front().*member).defined())
            return {};
        std::vector<at::Tensor> all;
        all.reserve(parts.size());
        for (const auto& p : parts) {
            if (!(p.*member).defined())
                throw InvalidArgumentError("cannot stack quantized matrices with and without the same parts");
            all.push_back(p.*member);
        }
        return at::stack(all);
    }
} // namespace

std::int64_t QuantizedTensor::bytes() const
{
    return nbytes(data) + nbytes(scales) + nbytes(zeros) + nbytes(inputScale);
}

QuantizedTensor QuantizedTensor::to(const at::Device& device) const
{
    QuantizedTensor out = *this;
    out.data = moved(data, device);
    out.scales = moved(scales, device);
    out.zeros = moved(zeros, device);
    out.inputScale = moved(inputScale, device);
    return out;
}

QuantizedTensor QuantizedTensor::select(const at::Tensor& index) const
{
    QuantizedTensor out = *this;
    out.data = selected(data, index);
    out.scales = selected(scales, index);
    out.zeros = selected(zeros, index);
    out.inputScale = selected(inputScale, index);
    return out;
}

QuantizedTensor stackQuantized(const std::vector<QuantizedTensor>& parts)
{
    if (parts.empty())
        throw InvalidArgumentError("nothing to stack");
    for (const auto& p : parts)
        if (p.scheme != parts.front().scheme || p.rows != parts.front().rows || p.cols != parts.front().cols)
            throw InvalidArgumentError("cannot stack quantized matrices of different schemes or shapes");
    QuantizedTensor out;
    out.scheme = parts.front().scheme;
    out.rows = parts.front().rows;
    out.cols = parts.front().cols;
    out.data = stacked(parts, &QuantizedTensor::data);
    out.scales = stacked(parts, &QuantizedTensor::scales);
    out.zeros = stacked(parts, &QuantizedTensor::zeros);
    // Activation-aware scaling may be chosen for some experts and not others: missing scales are ones.
    bool anyInputScale = false;
    for (const auto& p : parts)
        anyInputScale = anyInputScale || p.inputScale.defined();
    if (anyInputScale) {
        std::vector<at::Tensor> scales;
        for (const auto& p : parts)
            scales.push_back(p.inputScale.defined()
                    ? p.inputScale
                    : at::ones({ out.cols }, p.data.options().dtype(at::kFloat)));
        out.inputScale = at::stack(scales);
    }
    return out;
}

} // namespace moescope
