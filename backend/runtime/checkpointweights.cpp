#include <cstdint>
#include "runtime/checkpointweights.h"

#include "core/error.h"
#include "io/configreader.h"

#include <sstream>

namespace moescope {

at::ScalarType toScalarType(DType dtype)
{
    switch (dtype) {
    case DType::F64:
        return at::kDouble;
    case DType::F32:
        return at::kFloat;
    case DType::F16:
        return at::kHalf;
    case DType::BF16:
        return at::kBFloat16;
    case DType::F8E4M3:
        return at::kFloat8_e4m3fn;
    case DType::F8E5M2:
        return at::kFloat8_e5m2;
    case DType::I64:
        return at::kLong;
    case DType::I32:
        return at::kInt;
    case DType::I16:
        return at::kShort;
    case DType::I8:
        return at::kChar;
    case DType::U8:
        return at::kByte;
    case DType::Bool:
        return at::kBool;
    default:
        throw UnsupportedError("tensor dtype " + std::string(dtypeName(dtype)) + " is not supported for weights");
    }
}

std::optional<std::pair<int, int>> fp8BlockSizeOf(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::exists(dir / "config.json", ec))
        return std::nullopt;
    const auto q = ConfigReader::fromFile(dir / "config.json").child("quantization_config");
    const auto block = q.getIntList("weight_block_size");
    if (block.size() == 2 && block[0] > 0 && block[1] > 0)
        return std::pair { static_cast<int>(block[0]), static_cast<int>(block[1]) };
    return std::nullopt;
}

at::Tensor viewTensor(const TensorRef& ref)
{
    const auto bytes = ref.data();
    return at::from_blob(const_cast<std::byte*>(bytes.data()), ref.info->shape,
        at::TensorOptions().dtype(toScalarType(ref.info->dtype)));
}

namespace {
    std::string shapeText(at::IntArrayRef shape)
    {
        std::ostringstream s;
        s << "[";
        for (std::size_t i = 0; i < shape.size(); ++i)
            s << (i ? ", " : "") << shape[i];
        s << "]";
        return s.str();
    }
} // namespace

CheckpointWeights::CheckpointWeights(const SafetensorsCheckpoint& checkpoint, at::Device device, at::ScalarType dtype,
    std::pair<int, int> fp8BlockSize)
    : m_checkpoint(checkpoint)
    , m_device(device)
    , m_dtype(dtype)
    , m_fp8Block(fp8BlockSize)
{
}

const TensorRef& CheckpointWeights::find(const std::string& name, at::IntArrayRef expectedShape)
{
    const auto* ref = m_checkpoint.find(name);
    if (!ref)
        throw FormatError(m_checkpoint.folder().string() + ": checkpoint lacks tensor '" + name
            + "' that config.json requires");
    if (at::IntArrayRef(ref->info->shape) != expectedShape)
        throw ShapeError(ref->file->path().string() + ": tensor '" + name + "' has shape "
            + shapeText(ref->info->shape) + ", config.json implies " + shapeText(expectedShape));
    m_used.insert(name);
    return *ref;
}

at::Tensor CheckpointWeights::loadStored(const std::string& name, at::IntArrayRef expectedShape)
{
    return viewTensor(find(name, expectedShape)).to(m_device, /*non_blocking=*/false, /*copy=*/true);
}

at::Tensor CheckpointWeights::fetch(const std::string& name, at::IntArrayRef expectedShape)
{
    const auto* ref = &find(name, expectedShape);
    auto t = viewTensor(*ref); // [shape] on the CPU, viewing the mapping
    if (ref->info->dtype == DType::F8E4M3) {
        // DeepSeek-V3 FP8: weight [O, I] with float32 scales [ceil(O/bo), ceil(I/bi)] per bo x bi block.
        const auto scaleName = name + "_scale_inv";
        const auto* scaleRef = m_checkpoint.find(scaleName);
        if (!scaleRef)
            throw UnsupportedError(ref->file->path().string() + ": FP8 tensor '" + name + "' has no '" + scaleName
                + "' block scales");
        m_used.insert(scaleName);
        if (expectedShape.size() != 2)
            throw ShapeError(ref->file->path().string() + ": FP8 tensor '" + name + "' is not a matrix");
        const auto [bo, bi] = m_fp8Block;
        const auto rows = expectedShape[0], cols = expectedShape[1];
        const std::vector<std::int64_t> scaleShape { (rows + bo - 1) / bo, (cols + bi - 1) / bi };
        if (at::IntArrayRef(scaleRef->info->shape) != at::IntArrayRef(scaleShape))
            throw ShapeError(scaleRef->file->path().string() + ": tensor '" + scaleName + "' has shape "
                + shapeText(scaleRef->info->shape) + ", expected " + shapeText(scaleShape) + " for "
                + std::to_string(bo) + "x" + std::to_string(bi) + " blocks");
        const auto scale = viewTensor(*scaleRef).to(m_device, at::kFloat); // [O/bo, I/bi]
        const auto expanded = scale.repeat_interleave(bo, 0).narrow(0, 0, rows).repeat_interleave(bi, 1).narrow(1, 0,
            cols); // [O, I]
        t = t.to(m_device).to(at::kFloat) * expanded; // [O, I]
    }
    return t;
}

at::Tensor CheckpointWeights::load(const std::string& name, at::IntArrayRef expectedShape, bool keepFloat32)
{
    // copy=true: never hand out a tensor that aliases the read-only mapping.
    return fetch(name, expectedShape).to(m_device, keepFloat32 ? at::kFloat : m_dtype, false, /*copy=*/true);
}

void CheckpointWeights::loadInto(const std::string& name, at::Tensor dst)
{
    dst.copy_(fetch(name, dst.sizes())); // converts dtype and device in one copy
}

std::vector<std::string> CheckpointWeights::unusedTensors() const
{
    std::vector<std::string> out;
    for (const auto& n : m_checkpoint.names())
        if (!m_used.count(n))
            out.push_back(n);
    return out;
}

} // namespace moescope
