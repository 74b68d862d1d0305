#include "quant/gptq.h"

#include "core/error.h"
#include "quant/quantgrid.h"
#include "quant/quantizer.h"
#include "quant/referencequantizer.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace moescope {

namespace {
std::int64_t ceilDiv(std::int64_t a, std::int64_t b)
{
    return (a + b - 1) / b;
}

// The upper Cholesky factor of (H + damp)^-1 with dead columns handled; zeroes those columns of w.
at::Tensor inverseFactor(at::Tensor& h, at::Tensor& w, const std::string& what)
{
    const auto n = h.size(0);
    auto diag = h.diagonal(); // [I] view
    const auto dead = diag <= 0; // [I]
    if (dead.any().item<bool>()) {
        diag.masked_fill_(dead, 1.0);
        w.index_put_({ at::indexing::Slice(), dead }, 0.0);
    }
    double damp = kGptqDampening * diag.mean().item<double>();
    // A Gram matrix is positive semi-definite; rounding can leave it a hair indefinite: more dampening then, up
    // to the mean diagonal (a matrix that needs more is not a Gram matrix).
    for (int attempt = 0; attempt < 3; ++attempt, damp *= 10) {
        const auto damped = h + at::eye(n, h.options()) * damp; // [I, I]
        const auto [l, info] = at::linalg_cholesky_ex(damped);
        if (info.item<int>() != 0)
            continue;
        const auto [u, info2] = at::linalg_cholesky_ex(at::cholesky_inverse(l), /*upper=*/true);
        if (info2.item<int>() == 0)
            return u.contiguous(); // [I, I] upper
    }
    throw InvalidArgumentError(what + ": the calibration Hessian is not positive definite even after dampening");
}

class Gptq {
public:
    Gptq(at::Tensor w, const QuantScheme& scheme, bool search, std::vector<double> columnWeights)
        : m_w(std::move(w))
        , m_scheme(scheme)
        , m_search(search)
        , m_rows(m_w.size(0))
        , m_cols(m_w.size(1))
        , m_cw(std::move(columnWeights))
        , m_codes(static_cast<std::size_t>(m_rows * m_cols))
    {
        const bool perChannel
            = scheme.format == QuantFormat::Int8 || (scheme.format == QuantFormat::Fp8 && scheme.groupSize == 0);
        m_group = perChannel ? m_cols : scheme.groupSize;
        // Lazy batches of 128 columns, or a multiple of the group size so that groups never straddle two.
        m_block = perChannel ? kGptqBlock : std::max<std::int64_t>(1, ceilDiv(kGptqBlock, m_group)) * m_group;
        m_groups = ceilDiv(m_cols, m_group);
        m_scales.assign(static_cast<std::size_t>(scaleCount()), 0.0f);
        if (scheme.format == QuantFormat::Int4 && scheme.asymmetric)
            m_zeros.assign(m_scales.size(), 0);
    }

    void run(const at::Tensor& u)
    {
        const auto block = m_block;
        const double* up = u.data_ptr<double>();
        double* wp = m_w.data_ptr<double>();
        for (std::int64_t i1 = 0; i1 < m_cols; i1 += block) {
            const auto i2 = std::min(i1 + block, m_cols), b = i2 - i1;
            auto err = at::zeros({ m_rows, b }, m_w.options()); // [O, b]
            double* ep = err.data_ptr<double>();
            for (std::int64_t j = i1; j < i2; ++j) {
                if ((j % m_group) == 0)
                    fitGroup(j / m_group);
                const double d = up[j * m_cols + j];
                const double* uj = up + j * m_cols;
                for (std::int64_t r = 0; r < m_rows; ++r) {
                    double* row = wp + r * m_cols;
                    const double e = (row[j] - quantize(r, j, row[j])) / d;
                    ep[r * b + (j - i1)] = e;
                    for (std::int64_t k = j + 1; k < i2; ++k)
                        row[k] -= e * uj[k];
                }
            }
            if (i2 < m_cols) {
                auto rest = m_w.narrow(1, i2, m_cols - i2); // [O, I - i2]
                rest.sub_(at::matmul(err, u.narrow(0, i1, b).narrow(1, i2, m_cols - i2)));
            }
        }
    }

    QuantizedTensor result() const
    {
        QuantizedTensor q;
        q.scheme = m_scheme;
        q.rows = m_rows;
        q.cols = m_cols;
        const auto codes = at::tensor(m_codes, at::kInt).view({ m_rows, m_cols }); // [O, I]
        const auto scales = at::tensor(m_scales, at::kFloat);
        switch (m_scheme.format) {
        case QuantFormat::Int8:
            q.data = codes.to(at::kChar);
            q.scales = scales; // [O]
            break;
        case QuantFormat::Int4:
            q.data = packInt4(codes.to(at::kByte)); // [O, ceil(I/2)]
            q.scales = scales.view({ m_rows, m_groups }).to(at::kHalf); // exact: already float16 values
            if (m_scheme.asymmetric)
                q.zeros = at::tensor(m_zeros, at::kInt).view({ m_rows, m_groups }).to(at::kByte);
            break;
        case QuantFormat::Fp8:
            q.data = codes.to(at::kByte).view(at::kFloat8_e4m3fn);
            q.scales = m_scheme.groupSize > 0 ? scales.view({ ceilDiv(m_rows, m_group), m_groups }) : scales;
            break;
        default:
            throw InvalidArgumentError("GPTQ: not a quantized scheme: " + m_scheme.name());
        }
        return q;
    }

private:
    std::int64_t scaleCount() const
    {
        if (m_scheme.format == QuantFormat::Fp8 && m_scheme.groupSize > 0)
            return ceilDiv(m_rows, m_group) * m_groups;
        return m_rows * m_groups;
    }

    // Scales of column group k from the weights as updated so far (every column of the group is current: groups
    // never straddle a lazy batch).
    void fitGroup(std::int64_t k)
    {
        const auto begin = k * m_group, n = std::min(m_group, m_cols - begin);
        const double* wp = m_w.data_ptr<double>();
        if (m_scheme.format == QuantFormat::Fp8) {
            const auto blockRows = m_scheme.groupSize > 0 ? m_group : 1;
            for (std::int64_t r = 0; r < m_rows; ++r) {
                float amax = 0;
                for (std::int64_t c = begin; c < begin + n; ++c)
                    amax = std::max(amax, std::abs(static_cast<float>(wp[r * m_cols + c])));
                auto& s = m_scales[static_cast<std::size_t>((r / blockRows) * m_groups + k)];
                s = std::max(s, amax);
            }
            for (std::int64_t r = 0; r < m_rows; r += blockRows) {
                auto& s = m_scales[static_cast<std::size_t>((r / blockRows) * m_groups + k)];
                s = s / quantgrid::kFp8Max;
            }
            return;
        }
        std::vector<float> part(static_cast<std::size_t>(n));
        for (std::int64_t r = 0; r < m_rows; ++r) {
            for (std::int64_t c = 0; c < n; ++c)
                part[static_cast<std::size_t>(c)] = static_cast<float>(wp[r * m_cols + begin + c]);
            const auto g = reference::fitIntegerGroup(
                part.data(), m_cw.data() + begin, n, m_scheme.format, m_scheme.asymmetric, m_search);
            const auto at = static_cast<std::size_t>(r * m_groups + k);
            m_scales[at] = g.scale;
            if (!m_zeros.empty())
                m_zeros[at] = static_cast<std::int32_t>(g.zero);
        }
    }

    // Records the stored code of (r, c) and returns the value it dequantizes to (float32 arithmetic, as the
    // round-to-nearest quantizer).
    double quantize(std::int64_t r, std::int64_t c, double value)
    {
        const auto w = static_cast<float>(value);
        const auto k = c / m_group;
        auto& code = m_codes[static_cast<std::size_t>(r * m_cols + c)];
        if (m_scheme.format == QuantFormat::Fp8) {
            const auto blockRows = m_scheme.groupSize > 0 ? m_group : 1;
            const float s = m_scales[static_cast<std::size_t>((r / blockRows) * m_groups + k)];
            const float v = std::clamp(w / (s == 0.0f ? 1.0f : s), -quantgrid::kFp8Max, quantgrid::kFp8Max);
            const auto bits = reference::fp8Encode(v);
            code = bits;
            return static_cast<double>(reference::fp8Decode(bits) * s);
        }
        const auto at = static_cast<std::size_t>(r * m_groups + k);
        reference::GroupScale g { m_scales[at], m_zeros.empty() ? 0.0f : static_cast<float>(m_zeros[at]) };
        const bool asym = !m_zeros.empty();
        const float q = reference::integerCode(w, g, m_scheme.format, asym);
        const bool offset = m_scheme.format == QuantFormat::Int4 && !asym;
        code = static_cast<std::int32_t>(offset ? q + 8.0f : q);
        return static_cast<double>((asym ? q - g.zero : q) * g.scale);
    }

    at::Tensor m_w; // [O, I] float64 CPU, updated in place
    QuantScheme m_scheme;
    bool m_search;
    std::int64_t m_rows, m_cols;
    std::int64_t m_group = 0, m_groups = 0; // columns per scale group (all of them per channel)
    std::int64_t m_block = kGptqBlock;
    std::vector<double> m_cw; // [I] column weights of the range search: diag(H)
    std::vector<std::int32_t> m_codes; // [O * I] as stored
    std::vector<float> m_scales;
    std::vector<std::int32_t> m_zeros;
};
} // namespace

QuantizedTensor quantizeGptq(const at::Tensor& weight, const QuantScheme& scheme, const at::Tensor& hessian,
    bool rangeSearch, const std::string& what)
{
    if (weight.dim() != 2)
        throw InvalidArgumentError(what + ": only matrices can be quantized");
    if (!scheme.isQuantized())
        throw InvalidArgumentError(what + ": GPTQ needs a quantized scheme, not " + scheme.name());
    const auto cols = weight.size(1);
    if (hessian.dim() != 2 || hessian.size(0) != cols || hessian.size(1) != cols)
        throw InvalidArgumentError(
            what + ": the calibration Hessian must be [" + std::to_string(cols) + ", " + std::to_string(cols) + "]");
    auto w = weight.to(at::kCPU, at::kDouble).contiguous().clone(); // [O, I]
    auto h = hessian.to(at::kCPU, at::kDouble); // [I, I]
    h = ((h + h.t()) * 0.5).contiguous();
    if (!at::isfinite(w).all().item<bool>())
        throw InvalidArgumentError(what + " holds non-finite values (inf or NaN) and cannot be quantized");
    if (!at::isfinite(h).all().item<bool>())
        throw InvalidArgumentError(what + ": the calibration Hessian holds non-finite values");
    const auto u = inverseFactor(h, w, what);
    const auto diag = h.diagonal().contiguous();
    std::vector<double> cw(diag.data_ptr<double>(), diag.data_ptr<double>() + cols);
    Gptq gptq(std::move(w), scheme, rangeSearch && scheme.format != QuantFormat::Fp8, std::move(cw));
    gptq.run(u);
    return gptq.result().to(weight.device());
}

double hessianError(const at::Tensor& w, const at::Tensor& dequantized, const at::Tensor& hessian)
{
    const auto d = w.to(at::kCPU, at::kDouble) - dequantized.to(at::kCPU, at::kDouble); // [O, I]
    return (at::matmul(d, hessian.to(at::kCPU, at::kDouble)) * d).sum().item<double>();
}

} // namespace moescope
