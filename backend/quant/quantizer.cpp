#include "quant/quantizer.h"

#include "core/error.h"
#include "quant/cpuquantgemv.h"
#include "quant/fuseddequant.h"
#include "quant/gptq.h"
#include "quant/quantgrid.h"

#include <cmath>
#include <limits>

namespace moescope {

namespace {
    // Rows per pass, so that the temporaries of a large matrix (an LM head) stay bounded; a multiple of 128 so that
    // FP8 blocks never straddle two passes.
    constexpr std::int64_t kChunkElements = 4 << 20;

    std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

    // x / v with v as a 0-dim tensor on x's device: CUDA turns division by a host scalar into a multiplication by
    // its reciprocal, which would round differently from the reference loops.
    at::Tensor divBy(const at::Tensor& x, float v) { return at::div(x, at::full({}, v, x.options())); }
    at::Tensor mulBy(const at::Tensor& x, float v) { return at::mul(x, at::full({}, v, x.options())); }

    at::Tensor safeScale(const at::Tensor& s) { return at::where(s == 0, at::ones_like(s), s); }

    // Squared error per group, column weighted, in double: w, deq [rows, groups, g], cw [groups, g] or undefined.
    at::Tensor groupError(const at::Tensor& w, const at::Tensor& deq, const at::Tensor& cw)
    {
        auto d = (w.to(at::kDouble) - deq.to(at::kDouble)).square(); // [rows, groups, g]
        if (cw.defined())
            d = d * cw;
        return d.sum(-1); // [rows, groups]
    }

    // Integer quantization of grouped weights wg [rows, groups, g] (float32), searching the clipping ratio.
    // Returns codes (as stored: int8 for INT8, uint8 0..15 for INT4), scales and zeros per [rows, groups].
    struct IntegerCodes {
        at::Tensor codes; // [rows, groups, g]
        at::Tensor scales; // [rows, groups] float32 (already rounded to float16 for INT4)
        at::Tensor zeros; // [rows, groups] float32 or undefined
    };

    IntegerCodes quantizeGroups(const at::Tensor& wg, const QuantScheme& scheme, bool search, const at::Tensor& cw)
    {
        const bool int4 = scheme.format == QuantFormat::Int4;
        const bool asym = int4 && scheme.asymmetric;
        const auto amax = wg.abs().amax(-1); // [rows, groups]
        at::Tensor lo, hi;
        if (asym) {
            lo = at::clamp_max(wg.amin(-1), 0.0); // [rows, groups]
            hi = at::clamp_min(wg.amax(-1), 0.0);
        }
        // Scale and zero point of a clipping ratio, and the dequantized values they give.
        auto candidate = [&](float r) {
            IntegerCodes c;
            if (asym) {
                const auto l = mulBy(lo, r), h = mulBy(hi, r);
                c.scales = divBy(h - l, quantgrid::kInt4AsymLevels).to(at::kHalf).to(at::kFloat);
                const auto safe = safeScale(c.scales);
                c.zeros = at::clamp(at::round(at::div(l.neg(), safe)), 0, 15);
                c.codes = at::clamp(at::round(at::div(wg, safe.unsqueeze(-1))) + c.zeros.unsqueeze(-1), 0, 15);
            } else {
                const float qmax = int4 ? quantgrid::kInt4SymMax : quantgrid::kInt8Max;
                auto s = divBy(mulBy(amax, r), qmax);
                c.scales = int4 ? s.to(at::kHalf).to(at::kFloat) : s;
                const auto safe = safeScale(c.scales);
                c.codes = at::clamp(at::round(at::div(wg, safe.unsqueeze(-1))), int4 ? -8 : -127, int4 ? 7 : 127);
            }
            return c;
        };
        auto dequantized = [&](const IntegerCodes& c) {
            const auto q = c.zeros.defined() ? c.codes - c.zeros.unsqueeze(-1) : c.codes;
            return q * c.scales.unsqueeze(-1);
        };

        auto best = candidate(quantgrid::clipRatio(0));
        if (search) {
            auto bestErr = groupError(wg, dequantized(best), cw); // [rows, groups]
            for (int step = 1; step < quantgrid::kClipSteps; ++step) {
                auto c = candidate(quantgrid::clipRatio(step));
                const auto err = groupError(wg, dequantized(c), cw);
                const auto better = err < bestErr; // [rows, groups]
                bestErr = at::where(better, err, bestErr);
                best.scales = at::where(better, c.scales, best.scales);
                if (asym)
                    best.zeros = at::where(better, c.zeros, best.zeros);
                best.codes = at::where(better.unsqueeze(-1), c.codes, best.codes);
            }
        }
        if (int4 && !asym)
            best.codes = best.codes + 8; // offset binary: code 8 is zero
        best.codes = best.codes.to(int4 ? at::kByte : at::kChar);
        return best;
    }

    // Pads the last dimension to groups * g and views it as [rows, groups, g].
    at::Tensor grouped(const at::Tensor& w, std::int64_t g)
    {
        const auto cols = w.size(-1);
        const auto groups = ceilDiv(cols, g);
        const auto padded = groups * g == cols ? w : at::constant_pad_nd(w, { 0, groups * g - cols });
        return padded.view({ w.size(0), groups, g });
    }

    QuantizedTensor quantizeChunk(const at::Tensor& w, const QuantScheme& scheme, bool search, const at::Tensor& cw)
    {
        QuantizedTensor q;
        q.scheme = scheme;
        q.rows = w.size(0);
        q.cols = w.size(1);
        switch (scheme.format) {
        case QuantFormat::None:
        case QuantFormat::BF16:
            throw InvalidArgumentError("not a quantized scheme: " + scheme.name());
        case QuantFormat::Int8: {
            const auto c = quantizeGroups(w.unsqueeze(1), scheme, search, cw.defined() ? cw.unsqueeze(0) : cw);
            q.data = c.codes.squeeze(1); // [O, I] int8
            q.scales = c.scales.squeeze(1); // [O]
            return q;
        }
        case QuantFormat::Int4: {
            const auto g = scheme.groupSize;
            const auto cwg = cw.defined() ? grouped(cw.unsqueeze(0), g).squeeze(0) : cw; // [groups, g]
            const auto c = quantizeGroups(grouped(w, g), scheme, search, cwg);
            q.data = packInt4(c.codes.view({ q.rows, -1 }).narrow(1, 0, q.cols)); // [O, ceil(I/2)]
            q.scales = c.scales.to(at::kHalf); // [O, groups]
            if (scheme.asymmetric)
                q.zeros = c.zeros.to(at::kByte); // [O, groups]
            return q;
        }
        case QuantFormat::Fp8: {
            at::Tensor scaleFull; // [O, I]
            if (scheme.groupSize > 0) {
                const auto b = scheme.groupSize;
                const auto rb = ceilDiv(q.rows, b), cb = ceilDiv(q.cols, b);
                const auto padded = at::constant_pad_nd(w, { 0, cb * b - q.cols, 0, rb * b - q.rows });
                const auto amax = padded.abs().view({ rb, b, cb, b }).amax(std::vector<std::int64_t> { 1, 3 }); // [rb, cb]
                q.scales = divBy(amax, quantgrid::kFp8Max);
                scaleFull = q.scales.repeat_interleave(b, 0).narrow(0, 0, q.rows).repeat_interleave(b, 1).narrow(1, 0,
                    q.cols); // [O, I]
            } else {
                q.scales = divBy(w.abs().amax(-1), quantgrid::kFp8Max); // [O]
                scaleFull = q.scales.unsqueeze(-1);
            }
            q.data = at::clamp(at::div(w, safeScale(scaleFull)), -quantgrid::kFp8Max, quantgrid::kFp8Max)
                         .to(at::kFloat8_e4m3fn); // [O, I]
            return q;
        }
        }
        throw InvalidArgumentError("unknown scheme");
    }

    QuantizedTensor quantizePlain(const at::Tensor& w, const QuantScheme& scheme, bool search, const at::Tensor& cw)
    {
        const auto rows = w.size(0), cols = w.size(1);
        const auto chunk = std::max<std::int64_t>(128, kChunkElements / std::max<std::int64_t>(cols, 1) / 128 * 128);
        if (rows <= chunk)
            return quantizeChunk(w, scheme, search, cw);
        std::vector<QuantizedTensor> parts;
        for (std::int64_t r = 0; r < rows; r += chunk)
            parts.push_back(quantizeChunk(w.narrow(0, r, std::min(chunk, rows - r)), scheme, search, cw));
        QuantizedTensor q = parts.front();
        q.rows = rows;
        auto cat = [&](at::Tensor QuantizedTensor::*m) {
            std::vector<at::Tensor> all;
            for (const auto& p : parts)
                all.push_back(p.*m);
            return at::cat(all, 0);
        };
        q.data = cat(&QuantizedTensor::data);
        q.scales = cat(&QuantizedTensor::scales);
        if (q.zeros.defined())
            q.zeros = cat(&QuantizedTensor::zeros);
        return q;
    }
} // namespace

at::Tensor packInt4(const at::Tensor& codes)
{
    const auto cols = codes.size(-1);
    auto c = codes.to(at::kByte);
    if (cols % 2)
        c = at::constant_pad_nd(c, { 0, 1 });
    auto sizes = c.sizes().vec();
    sizes.back() /= 2;
    sizes.push_back(2);
    const auto pairs = c.reshape(sizes); // [.., P, 2]
    return at::bitwise_or(pairs.select(-1, 0), at::bitwise_left_shift(pairs.select(-1, 1), 4)); // [.., P]
}

at::Tensor unpackInt4(const at::Tensor& packed, std::int64_t cols)
{
    const auto low = at::bitwise_and(packed, 15);
    const auto high = at::bitwise_right_shift(packed, 4);
    auto sizes = packed.sizes().vec();
    sizes.back() *= 2;
    const auto both = at::stack({ low, high }, -1).view(sizes); // [.., 2P]
    return both.size(-1) == cols ? both : both.narrow(-1, 0, cols);
}

double reconstructionError(const at::Tensor& w, const at::Tensor& deq, const at::Tensor& columnWeights)
{
    auto d = (w.to(at::kDouble) - deq.to(at::kDouble)).square();
    if (columnWeights.defined())
        d = d * columnWeights.to(d.device(), at::kDouble);
    return d.sum().item<double>();
}

QuantizedTensor quantizeWeight(const at::Tensor& weight, const QuantScheme& scheme, const QuantizeOptions& options,
    const std::string& what)
{
    if (weight.dim() != 2)
        throw InvalidArgumentError(what + ": only matrices can be quantized");
    if (!weight.is_floating_point())
        throw InvalidArgumentError(what + ": weights must be floating point to be quantized");
    QuantizedTensor q;
    q.scheme = scheme;
    q.rows = weight.size(0);
    q.cols = weight.size(1);
    if (scheme.format == QuantFormat::None) {
        q.data = weight;
        return q;
    }
    if (scheme.format == QuantFormat::BF16) {
        q.data = weight.to(at::kBFloat16);
        return q;
    }
    const auto w = weight.to(at::kFloat).contiguous(); // [O, I]
    if (!at::isfinite(w).all().item<bool>())
        throw InvalidArgumentError(what + " holds non-finite values (inf or NaN) and cannot be quantized");
    const bool search = options.rangeSearch && scheme.format != QuantFormat::Fp8;
    at::Tensor cw;
    if (options.columnWeights.defined()) {
        if (options.columnWeights.numel() != q.cols)
            throw InvalidArgumentError(what + ": column weights do not match the number of columns");
        cw = options.columnWeights.to(w.device(), at::kDouble).reshape({ q.cols });
    }
    at::Tensor act;
    if (options.activationScale.defined()) {
        if (options.activationScale.numel() != q.cols)
            throw InvalidArgumentError(what + ": activation scale does not match the number of columns");
        act = options.activationScale.to(w.device(), at::kFloat).reshape({ q.cols });
        const auto top = act.max().item<float>();
        act = top > 0 && std::isfinite(top) ? at::clamp_min(act, top * 1e-6f) : at::Tensor();
    }
    at::Tensor hessian;
    if (options.hessian.defined()) {
        if (options.hessian.dim() != 2 || options.hessian.size(0) != q.cols || options.hessian.size(1) != q.cols)
            throw InvalidArgumentError(what + ": the calibration Hessian does not match the number of columns");
        hessian = options.hessian.to(at::kCPU, at::kDouble);
    }
    // One quantization of w * s (s undefined: w itself) whose inputs are x / s: column weights and Hessian scaled.
    auto quantizeScaled = [&](const at::Tensor& s) {
        if (hessian.defined()) {
            if (!s.defined())
                return quantizeGptq(w, scheme, hessian, search, what);
            const auto sd = s.to(at::kCPU, at::kDouble); // [I]
            return quantizeGptq(w * s, scheme, hessian / at::outer(sd, sd), search, what);
        }
        if (!s.defined())
            return quantizePlain(w, scheme, search, cw);
        const auto weights = cw.defined() ? cw : at::ones({ q.cols }, w.options().dtype(at::kDouble));
        return quantizePlain(w * s, scheme, search, weights / s.to(at::kDouble).square());
    };
    if (!act.defined())
        return quantizeScaled({});

    // Activation-aware scaling: quantize W * s (s = act^alpha, normalised around 1), keep s to divide it back out.
    // The objective: the output error with a Hessian, else the column-weighted weight error.
    const auto weights = cw.defined() ? cw : at::ones({ q.cols }, w.options().dtype(at::kDouble));
    auto objective = [&](const at::Tensor& deq) {
        return hessian.defined() ? hessianError(w, deq, hessian) : reconstructionError(w, deq, weights);
    };
    QuantizedTensor best;
    double bestErr = std::numeric_limits<double>::infinity();
    for (const float alpha : quantgrid::kAwqAlphas) {
        QuantizedTensor candidate;
        if (alpha == 0.0f) {
            candidate = quantizeScaled({});
        } else {
            auto s = act.pow(alpha); // [I]
            s = s / (s.max() * s.min()).sqrt();
            candidate = quantizeScaled(s);
            candidate.inputScale = s;
        }
        const double err = objective(dequantizeWeight(candidate, at::kFloat));
        if (err < bestErr) {
            bestErr = err;
            best = std::move(candidate);
        }
    }
    return best;
}

at::Tensor dequantizeRows(const QuantizedTensor& q, const at::Tensor& rows, at::ScalarType dtype)
{
    if (q.data.dim() != 2)
        throw InvalidArgumentError("row lookup needs a single quantized matrix");
    const auto idx = rows.to(q.data.device(), at::kLong);
    QuantizedTensor part = q;
    part.rows = idx.size(0);
    part.data = q.data.index_select(0, idx); // [N, ...]
    if (q.scheme.format == QuantFormat::Fp8 && q.scheme.groupSize > 0) {
        // Block scales: each row takes its block row's scales, repeated over the block's columns.
        const auto b = q.scheme.groupSize;
        const auto perRow = q.scales.index_select(0, at::floor_divide(idx, b)); // [N, cb]
        auto w = part.data.to(at::kFloat) * perRow.repeat_interleave(b, 1).narrow(1, 0, q.cols); // [N, I]
        if (q.inputScale.defined())
            w = w / q.inputScale;
        return w.to(dtype);
    }
    if (q.scales.defined())
        part.scales = q.scales.index_select(0, idx);
    if (q.zeros.defined())
        part.zeros = q.zeros.index_select(0, idx);
    return dequantizeWeight(part, dtype); // [N, I]
}

namespace {
    // INT8 / INT4 / FP8 codes dequantized by ATen's elementwise operators: float32 [.., O, I], before any
    // activation-aware division.
    at::Tensor dequantizeByAten(const QuantizedTensor& q)
    {
        at::Tensor w;
        switch (q.scheme.format) {
        case QuantFormat::Int8:
            w = q.data.to(at::kFloat) * q.scales.unsqueeze(-1);
            break;
        case QuantFormat::Int4: {
            const auto g = q.scheme.groupSize;
            const auto groups = q.scales.size(-1);
            auto codes = unpackInt4(q.data, q.cols); // [.., O, I]
            if (groups * g != q.cols)
                codes = at::constant_pad_nd(codes, { 0, groups * g - q.cols });
            auto sizes = codes.sizes().vec();
            sizes.back() = groups;
            sizes.push_back(g);
            auto values = codes.view(sizes).to(at::kFloat); // [.., O, groups, g]
            values = q.zeros.defined() ? values - q.zeros.to(at::kFloat).unsqueeze(-1) : values - 8.0f;
            values = values * q.scales.to(at::kFloat).unsqueeze(-1);
            sizes.pop_back();
            sizes.back() = groups * g;
            w = values.view(sizes); // [.., O, groups * g]
            if (groups * g != q.cols)
                w = w.narrow(-1, 0, q.cols);
            break;
        }
        case QuantFormat::Fp8: {
            auto values = q.data.to(at::kFloat); // [.., O, I]
            if (q.scheme.groupSize > 0) {
                // Each b x b block times its scale by broadcasting over a [.., rb, b, cb, b] view (no [O, I] copy of
                // the scales); edges cut by the matrix are padded to whole blocks and cut again.
                const std::int64_t b = q.scheme.groupSize;
                const auto rb = q.scales.size(-2), cb = q.scales.size(-1);
                if (rb * b != q.rows || cb * b != q.cols)
                    values = at::constant_pad_nd(values, { 0, cb * b - q.cols, 0, rb * b - q.rows });
                const auto scaled = values.unflatten(-1, { cb, b }).unflatten(-3, { rb, b }) // [.., rb, b, cb, b]
                    * q.scales.unsqueeze(-1).unsqueeze(-3); // [.., rb, 1, cb, 1]
                w = scaled.flatten(-2, -1).flatten(-3, -2).narrow(-2, 0, q.rows).narrow(-1, 0, q.cols);
            } else {
                w = values * q.scales.unsqueeze(-1);
            }
            break;
        }
        default:
            throw UnsupportedError("dequantizeByAten: not a quantized format");
        }
        return w;
    }
} // namespace

at::Tensor dequantizeWeight(const QuantizedTensor& q, at::ScalarType dtype)
{
    if (fusedDequantizeApplies(q, dtype)) // on CUDA: one pass, bit-identical to the chain below
        return fusedDequantize(q);
    if (q.scheme.format == QuantFormat::None || q.scheme.format == QuantFormat::BF16)
        return q.data.to(dtype);
    // On the CPU one pass over the codes (bit-identical to ATen's chain), elsewhere the chain.
    auto w = cpuQuantGemvTakes(q) ? cpuDequantize(q) : dequantizeByAten(q); // [.., O, I] float32
    if (q.inputScale.defined())
        w = w / q.inputScale.unsqueeze(-2);
    return w.to(dtype);
}

} // namespace moescope
