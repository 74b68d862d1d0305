#include "quant/referencequantizer.h"

#include "core/error.h"
#include "quant/quantgrid.h"
#include "store/sessiontypes.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moescope::reference {

namespace {
    std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

    float roundHalf(float x) { return halfToFloat(floatToHalf(x)); }

    float fp8Value(int code)
    {
        const int e = (code >> 3) & 15, m = code & 7;
        return e == 0 ? std::ldexp(static_cast<float>(m) / 8.0f, -6) : std::ldexp(1.0f + static_cast<float>(m) / 8.0f, e - 7);
    }
} // namespace

GroupScale fitIntegerGroup(
    const float* w, const double* cw, std::int64_t n, QuantFormat format, bool asym, bool search)
{
    float amax = 0, lo = 0, hi = 0;
    for (std::int64_t i = 0; i < n; ++i) {
        amax = std::max(amax, std::abs(w[i]));
        lo = std::min(lo, w[i]);
        hi = std::max(hi, w[i]);
    }
    GroupScale best;
    double bestErr = std::numeric_limits<double>::infinity();
    for (int step = 0; step < (search ? quantgrid::kClipSteps : 1); ++step) {
        const float r = quantgrid::clipRatio(step);
        GroupScale c;
        if (asym) {
            const float l = lo * r, h = hi * r;
            c.scale = roundHalf((h - l) / quantgrid::kInt4AsymLevels);
            const float safe = c.scale == 0.0f ? 1.0f : c.scale;
            c.zero = std::clamp(std::nearbyint(-l / safe), 0.0f, 15.0f);
        } else {
            const bool int4 = format == QuantFormat::Int4;
            const float s = (amax * r) / (int4 ? quantgrid::kInt4SymMax : quantgrid::kInt8Max);
            c.scale = int4 ? roundHalf(s) : s;
        }
        double err = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const float q = integerCode(w[i], c, format, asym);
            const float deq = (asym ? q - c.zero : q) * c.scale;
            const double d = static_cast<double>(w[i]) - static_cast<double>(deq);
            err += d * d * (cw ? cw[i] : 1.0);
        }
        if (err < bestErr) {
            bestErr = err;
            best = c;
        }
    }
    return best;
}

float integerCode(float w, const GroupScale& g, QuantFormat format, bool asym)
{
    const float safe = g.scale == 0.0f ? 1.0f : g.scale;
    if (asym)
        return std::clamp(std::nearbyint(w / safe) + g.zero, 0.0f, 15.0f);
    const float lim = format == QuantFormat::Int4 ? 7.0f : 127.0f;
    return std::clamp(std::nearbyint(w / safe), format == QuantFormat::Int4 ? -8.0f : -127.0f, lim);
}

std::uint8_t fp8Encode(float x)
{
    if (std::isnan(x))
        return 0x7F;
    const std::uint8_t sign = std::signbit(x) ? 0x80 : 0;
    const float a = std::abs(x);
    // Positive finite codes 0x00..0x7E are increasing in value: find the nearest, ties to the even code.
    int best = 0;
    float bestDist = std::numeric_limits<float>::infinity();
    for (int code = 0; code <= 0x7E; ++code) {
        const float d = std::abs(fp8Value(code) - a);
        if (d < bestDist || (d == bestDist && code % 2 == 0)) {
            bestDist = d;
            best = code;
        }
    }
    if (a > 448.0f)
        best = 0x7F; // out of range: NaN (callers clamp first)
    return static_cast<std::uint8_t>(sign | best);
}

float fp8Decode(std::uint8_t bits)
{
    if ((bits & 0x7F) == 0x7F)
        return std::numeric_limits<float>::quiet_NaN();
    const float v = fp8Value(bits & 0x7F);
    return bits & 0x80 ? -v : v;
}

std::vector<std::uint8_t> packInt4(std::span<const std::uint8_t> codes, std::int64_t rows, std::int64_t cols)
{
    const auto packedCols = ceilDiv(cols, 2);
    std::vector<std::uint8_t> out(static_cast<std::size_t>(rows * packedCols), 0);
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
            const auto code = codes[static_cast<std::size_t>(r * cols + c)] & 15;
            out[static_cast<std::size_t>(r * packedCols + c / 2)] |= static_cast<std::uint8_t>(c % 2 ? code << 4 : code);
        }
    return out;
}

Quantized quantize(std::span<const float> w, std::int64_t rows, std::int64_t cols, const QuantScheme& scheme,
    bool rangeSearch, std::span<const double> columnWeights)
{
    if (static_cast<std::int64_t>(w.size()) != rows * cols)
        throw InvalidArgumentError("reference quantize: size mismatch");
    Quantized q;
    q.codes.resize(w.size());
    const double* cwAll = columnWeights.empty() ? nullptr : columnWeights.data();
    switch (scheme.format) {
    case QuantFormat::Int8:
        for (std::int64_t r = 0; r < rows; ++r) {
            const float* row = w.data() + r * cols;
            const auto g = fitIntegerGroup(row, cwAll, cols, QuantFormat::Int8, false, rangeSearch);
            q.scales.push_back(g.scale);
            for (std::int64_t c = 0; c < cols; ++c)
                q.codes[static_cast<std::size_t>(r * cols + c)] = static_cast<std::int32_t>(integerCode(row[c], g,
                    QuantFormat::Int8, false));
        }
        break;
    case QuantFormat::Int4: {
        const std::int64_t g = scheme.groupSize;
        const auto groups = ceilDiv(cols, g);
        std::vector<std::uint8_t> codes(w.size());
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t k = 0; k < groups; ++k) {
                const auto begin = k * g, n = std::min(g, cols - begin);
                const float* part = w.data() + r * cols + begin;
                const auto res = fitIntegerGroup(part, cwAll ? cwAll + begin : nullptr, n, QuantFormat::Int4,
                    scheme.asymmetric, rangeSearch);
                q.scales.push_back(res.scale);
                q.halfScales.push_back(floatToHalf(res.scale));
                if (scheme.asymmetric)
                    q.zeros.push_back(static_cast<std::uint8_t>(res.zero));
                for (std::int64_t i = 0; i < n; ++i) {
                    const float code = integerCode(part[i], res, QuantFormat::Int4, scheme.asymmetric);
                    const auto stored = static_cast<std::int32_t>(scheme.asymmetric ? code : code + 8.0f);
                    const auto at = static_cast<std::size_t>(r * cols + begin + i);
                    q.codes[at] = stored;
                    codes[at] = static_cast<std::uint8_t>(stored);
                }
            }
        q.packed = packInt4(codes, rows, cols);
        break;
    }
    case QuantFormat::Fp8: {
        const std::int64_t b = scheme.groupSize > 0 ? scheme.groupSize : 0;
        const auto rb = b ? ceilDiv(rows, b) : rows, cb = b ? ceilDiv(cols, b) : 1;
        q.scales.assign(static_cast<std::size_t>(rb * cb), 0.0f);
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < cols; ++c) {
                auto& s = q.scales[static_cast<std::size_t>(b ? (r / b) * cb + c / b : r)];
                s = std::max(s, std::abs(w[static_cast<std::size_t>(r * cols + c)]));
            }
        for (auto& s : q.scales)
            s = s / quantgrid::kFp8Max;
        for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < cols; ++c) {
                const float s = q.scales[static_cast<std::size_t>(b ? (r / b) * cb + c / b : r)];
                const float v = std::clamp(w[static_cast<std::size_t>(r * cols + c)] / (s == 0.0f ? 1.0f : s),
                    -quantgrid::kFp8Max, quantgrid::kFp8Max);
                q.codes[static_cast<std::size_t>(r * cols + c)] = fp8Encode(v);
            }
        break;
    }
    default:
        throw InvalidArgumentError("reference quantize: not a quantized scheme: " + scheme.name());
    }
    return q;
}

std::vector<float> dequantize(const Quantized& q, std::int64_t rows, std::int64_t cols, const QuantScheme& scheme)
{
    std::vector<float> out(static_cast<std::size_t>(rows * cols));
    const std::int64_t b = scheme.groupSize;
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
            const auto at = static_cast<std::size_t>(r * cols + c);
            const auto code = q.codes[at];
            float v = 0;
            switch (scheme.format) {
            case QuantFormat::Int8:
                v = static_cast<float>(code) * q.scales[static_cast<std::size_t>(r)];
                break;
            case QuantFormat::Int4: {
                const auto gi = static_cast<std::size_t>(r * ceilDiv(cols, b) + c / b);
                const float zero = scheme.asymmetric ? static_cast<float>(q.zeros[gi]) : 8.0f;
                v = (static_cast<float>(code) - zero) * q.scales[gi];
                break;
            }
            case QuantFormat::Fp8: {
                const auto si = static_cast<std::size_t>(b > 0 ? (r / b) * ceilDiv(cols, b) + c / b : r);
                v = fp8Decode(static_cast<std::uint8_t>(code)) * q.scales[si];
                break;
            }
            default:
                throw InvalidArgumentError("reference dequantize: not a quantized scheme");
            }
            out[at] = v;
        }
    return out;
}

} // namespace moescope::reference
