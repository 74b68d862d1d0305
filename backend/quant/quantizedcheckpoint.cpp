#include "quant/quantizedcheckpoint.h"

#include "core/error.h"
#include "io/configreader.h"
#include "quant/storedfp8weights.h"
#include "io/jsonfile.h"
#include "io/safetensorswriter.h"
#include "quant/quantizedexpertbank.h"
#include "quant/quantizedlinear.h"
#include "runtime/checkpointweights.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace moescope {

namespace {
    std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

    DType storedType(at::ScalarType t)
    {
        switch (t) {
        case at::kChar:
            return DType::I8;
        case at::kByte:
            return DType::U8;
        case at::kHalf:
            return DType::F16;
        case at::kBFloat16:
            return DType::BF16;
        case at::kFloat:
            return DType::F32;
        case at::kFloat8_e4m3fn:
            return DType::F8E4M3;
        default:
            throw UnsupportedError(std::string("cannot store tensors of type ") + c10::toString(t));
        }
    }

    void addTensor(SafetensorsWriter& writer, const std::string& name, const at::Tensor& t)
    {
        const auto cpu = t.to(at::kCPU).contiguous();
        std::vector<std::byte> bytes(cpu.nbytes());
        std::memcpy(bytes.data(), cpu.data_ptr(), bytes.size());
        writer.addOwned(name, storedType(cpu.scalar_type()), cpu.sizes().vec(), std::move(bytes));
    }
} // namespace

nlohmann::json moescopeQuantizationConfig(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir / "config.json", ec))
        return nullptr;
    const auto config = readJsonFile(dir / "config.json");
    if (!config.is_object() || !config.contains("quantization_config"))
        return nullptr;
    const auto& q = config["quantization_config"];
    if (!q.is_object() || q.value("quant_method", std::string()) != kQuantMethod)
        return nullptr;
    const auto version = q.value("format_version", 0);
    if (version != kQuantFormatVersion)
        throw UnsupportedError((dir / "config.json").string() + ": MoEScope quantization format version "
            + std::to_string(version) + " is not supported (this build reads version "
            + std::to_string(kQuantFormatVersion) + ")");
    return q;
}

std::string quantizationLabel(const std::filesystem::path& dir)
{
    if (const auto q = moescopeQuantizationConfig(dir); !q.is_null())
        return q.value("scheme", std::string("mixed"));
    std::error_code ec;
    if (!std::filesystem::exists(dir / "config.json", ec))
        return "none";
    if (const auto block = storedFp8BlockSize(dir))
        return QuantScheme { QuantFormat::Fp8, *block, false }.name() + " (stored)";
    const auto q = ConfigReader::fromFile(dir / "config.json").child("quantization_config");
    if (const auto method = q.optString("quant_method"))
        return *method + " (stored, dequantized on load)";
    return "none";
}

std::vector<std::string> addQuantizedTensors(SafetensorsWriter& writer, const std::string& module,
    const QuantizedTensor& q)
{
    if (q.scheme.isFull())
        throw InvalidArgumentError(module + ": full-precision matrices are stored as '.weight'");
    std::vector<std::string> names;
    auto add = [&](const std::string& suffix, const at::Tensor& t) {
        if (!t.defined())
            return;
        addTensor(writer, module + suffix, t);
        names.push_back(module + suffix);
    };
    add(".qweight", q.data);
    add(".scales", q.scales);
    add(".zeros", q.zeros);
    add(".input_scale", q.inputScale.defined() ? q.inputScale.to(at::kFloat) : q.inputScale);
    writer.setMetadata("quant." + module, q.scheme.name());
    return names;
}

QuantizedCheckpointWeights::QuantizedCheckpointWeights(CheckpointWeights& inner)
    : m_inner(inner)
{
}

bool QuantizedCheckpointWeights::isQuantized(const std::string& module) const
{
    return m_inner.checkpoint().contains(module + ".qweight");
}

bool QuantizedCheckpointWeights::has(const std::string& name) const
{
    if (m_inner.has(name))
        return true;
    return name.ends_with(".weight") && isQuantized(name.substr(0, name.size() - 7));
}

at::Tensor QuantizedCheckpointWeights::load(const std::string& name, at::IntArrayRef shape, bool keepFloat32)
{
    return m_inner.load(name, shape, keepFloat32);
}

void QuantizedCheckpointWeights::loadInto(const std::string& name, at::Tensor dst) { m_inner.loadInto(name, dst); }

at::TensorOptions QuantizedCheckpointWeights::options() const { return m_inner.options(); }

QuantizedTensor QuantizedCheckpointWeights::readMatrix(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    QuantizedTensor q;
    q.rows = rows;
    q.cols = cols;
    if (!isQuantized(module)) {
        q.data = m_inner.load(module + ".weight", { rows, cols }); // [O, I] in the compute dtype
        return q;
    }
    const auto& ckpt = m_inner.checkpoint();
    const auto* ref = ckpt.find(module + ".qweight");
    const auto file = ref->file->path().string();
    const auto& meta = ref->file->metadata();
    const auto it = meta.find("quant." + module);
    if (it == meta.end())
        throw FormatError(file + ": quantized tensor '" + module + ".qweight' has no 'quant." + module
            + "' scheme entry in the header metadata");
    try {
        q.scheme = QuantScheme::parse(it->second);
    } catch (const InvalidArgumentError& e) {
        throw FormatError(file + ": 'quant." + module + "': " + e.what());
    }
    auto expect = [&](const std::string& name, DType dtype, std::vector<std::int64_t> shape) {
        const auto* r = ckpt.find(name);
        if (!r)
            throw FormatError(file + ": " + q.scheme.name() + " matrix '" + module + "' lacks tensor '" + name + "'");
        if (r->info->dtype != dtype)
            throw FormatError(r->file->path().string() + ": tensor '" + name + "' is "
                + std::string(dtypeName(r->info->dtype)) + ", the " + q.scheme.name() + " format stores "
                + std::string(dtypeName(dtype)));
        return m_inner.loadStored(name, shape); // ShapeError naming the tensor on a wrong shape
    };
    const auto qw = module + ".qweight", sc = module + ".scales";
    switch (q.scheme.format) {
    case QuantFormat::None:
        throw FormatError(file + ": 'quant." + module + "' says 'none' for a .qweight tensor");
    case QuantFormat::BF16:
        q.data = expect(qw, DType::BF16, { rows, cols });
        break;
    case QuantFormat::Int8:
        q.data = expect(qw, DType::I8, { rows, cols });
        q.scales = expect(sc, DType::F32, { rows });
        break;
    case QuantFormat::Int4: {
        const auto groups = ceilDiv(cols, q.scheme.groupSize);
        q.data = expect(qw, DType::U8, { rows, ceilDiv(cols, 2) });
        q.scales = expect(sc, DType::F16, { rows, groups });
        if (q.scheme.asymmetric)
            q.zeros = expect(module + ".zeros", DType::U8, { rows, groups });
        break;
    }
    case QuantFormat::Fp8: {
        const auto b = q.scheme.groupSize;
        q.data = expect(qw, DType::F8E4M3, { rows, cols });
        q.scales = b > 0 ? expect(sc, DType::F32, { ceilDiv(rows, b), ceilDiv(cols, b) }) : expect(sc, DType::F32, { rows });
        break;
    }
    }
    if (ckpt.contains(module + ".input_scale"))
        q.inputScale = expect(module + ".input_scale", DType::F32, { cols });
    return q;
}

Linear QuantizedCheckpointWeights::loadLinear(const std::string& module, std::int64_t out, std::int64_t in, bool bias)
{
    if (!isQuantized(module))
        return m_inner.loadLinear(module, out, in, bias);
    auto q = readMatrix(module, out, in);
    at::Tensor b = bias ? m_inner.load(module + ".bias", { out }) : at::Tensor(); // [out]
    return makeQuantizedLinear(std::move(q), std::move(b), options().dtype().toScalarType());
}

Linear QuantizedCheckpointWeights::loadEmbedding(const std::string& module, std::int64_t rows, std::int64_t cols)
{
    if (!isQuantized(module))
        return m_inner.loadEmbedding(module, rows, cols);
    return makeQuantizedLinear(readMatrix(module, rows, cols), {}, options().dtype().toScalarType());
}

std::unique_ptr<ExpertBank> QuantizedCheckpointWeights::loadExperts(const std::string& mlpPrefix,
    const TensorNaming& naming, std::int64_t experts, std::int64_t hidden, std::int64_t intermediate)
{
    bool any = false;
    for (std::int64_t e = 0; e < experts && !any; ++e)
        any = isQuantized(mlpPrefix + "experts." + std::to_string(e) + "." + naming.gateProj);
    if (!any)
        return m_inner.loadExperts(mlpPrefix, naming, experts, hidden, intermediate);
    std::vector<QuantizedExpert> bank;
    for (std::int64_t e = 0; e < experts; ++e) {
        const auto p = mlpPrefix + "experts." + std::to_string(e) + ".";
        QuantizedExpert x;
        x.gate = readMatrix(p + naming.gateProj, intermediate, hidden);
        x.up = readMatrix(p + naming.upProj, intermediate, hidden);
        x.down = readMatrix(p + naming.downProj, hidden, intermediate);
        if (x.up.scheme != x.gate.scheme || x.down.scheme != x.gate.scheme)
            throw FormatError(m_inner.checkpoint().folder().string() + ": the projections of expert '" + p
                + "' are stored in different schemes (" + x.gate.scheme.name() + ", " + x.up.scheme.name() + ", "
                + x.down.scheme.name() + ")");
        bank.push_back(std::move(x));
    }
    return QuantizedExpertBank::fromExperts(std::move(bank), options().dtype().toScalarType());
}

} // namespace moescope
