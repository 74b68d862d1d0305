#include "quant/checkpointquantizer.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "io/safetensorscheckpoint.h"
#include "io/safetensorswriter.h"
#include "quant/moduleplan.h"
#include "quant/quantizedcheckpoint.h"
#include "quant/quantizer.h"
#include "quant/quantizingweights.h"
#include "runtime/checkpointweights.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <c10/core/InferenceMode.h>

#include <array>
#include <chrono>
#include <tuple>
#include <cstring>
#include <set>

namespace moescope {

namespace fs = std::filesystem;

namespace {
    // Shards of the output: tensors accumulate in a writer until it passes the size limit.
    class ShardSink {
    public:
        ShardSink(fs::path folder, std::uint64_t limit)
            : m_folder(std::move(folder))
            , m_limit(limit)
        {
        }

        SafetensorsWriter& writer() { return m_writer; }
        void added(const std::string& name, std::uint64_t bytes)
        {
            m_names.push_back(name);
            m_bytes += bytes;
            m_total += bytes;
        }
        void flushIfFull()
        {
            if (m_bytes >= m_limit)
                flush();
        }
        void flush()
        {
            if (m_names.empty())
                return;
            const auto file = "shard-" + std::to_string(m_shards.size() + 1) + ".safetensors";
            m_writer.write(m_folder / file);
            m_shards.push_back({ file, std::move(m_names) });
            m_writer = SafetensorsWriter();
            m_names.clear();
            m_bytes = 0;
        }
        // Renames shards to the hub's names and writes the index when there are several.
        void finish()
        {
            flush();
            if (m_shards.size() == 1) {
                fs::rename(m_folder / m_shards[0].first, m_folder / "model.safetensors");
                return;
            }
            nlohmann::json map = nlohmann::json::object();
            const auto n = m_shards.size();
            for (std::size_t i = 0; i < n; ++i) {
                char name[64];
                std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, n);
                fs::rename(m_folder / m_shards[i].first, m_folder / name);
                for (const auto& t : m_shards[i].second)
                    map[t] = name;
            }
            const nlohmann::json index = { { "metadata", { { "total_size", m_total } } }, { "weight_map", map } };
            writeTextFileAtomic(m_folder / "model.safetensors.index.json", index.dump(2));
        }
        int shards() const { return static_cast<int>(m_shards.size()); }

    private:
        fs::path m_folder;
        std::uint64_t m_limit;
        SafetensorsWriter m_writer;
        std::vector<std::string> m_names;
        std::uint64_t m_bytes = 0;
        std::uint64_t m_total = 0;
        std::vector<std::pair<std::string, std::vector<std::string>>> m_shards;
    };

    bool isAuxiliaryFile(const std::string& name)
    {
        static const std::set<std::string> kNames = { "generation_config.json", "special_tokens_map.json",
            "vocab.json", "merges.txt", "added_tokens.json", "chat_template.jinja", "chat_template.json" };
        return kNames.count(name) || name.rfind("tokenizer", 0) == 0;
    }

    std::vector<std::byte> bytesOf(const at::Tensor& t)
    {
        const auto c = t.to(at::kCPU).contiguous();
        std::vector<std::byte> out(c.nbytes());
        std::memcpy(out.data(), c.data_ptr(), out.size());
        return out;
    }

    class Streamer {
    public:
        Streamer(const SafetensorsCheckpoint& ckpt, CheckpointWeights& source, const ModelSpec& spec,
            const CheckpointQuantizeOptions& options, ShardSink& sink, CheckpointQuantizeReport& report)
            : m_ckpt(ckpt)
            , m_source(source)
            , m_spec(spec)
            , m_options(options)
            , m_sink(sink)
            , m_report(report)
        {
        }

        // A tensor exactly as stored (with its FP8 block scales), referencing the mapping.
        void copy(const std::string& name)
        {
            const auto& ref = m_source.find(name, m_ckpt.get(name).info->shape); // marks it used
            m_sink.writer().add(name, ref.info->dtype, ref.info->shape, ref.data());
            m_sink.added(name, ref.info->byteSize());
            m_written.insert(name);
            ++m_report.tensorsCopied;
            if (ref.info->dtype == DType::F8E4M3 && m_ckpt.contains(name + "_scale_inv") && !m_written.count(name + "_scale_inv"))
                copy(name + "_scale_inv");
        }

        void writeMatrix(const std::string& module, const at::Tensor& w, const QuantScheme& scheme,
            const std::string& fallback, bool embedding)
        {
            const auto* stats = m_options.stats.get();
            const auto options = embedding ? embeddingOptions(m_options.policy, stats, module)
                                           : quantizeOptionsFor(m_options.policy, stats, module, fallback);
            const auto q = quantizeWeight(w, scheme, options, module + ".weight").to(at::kCPU);
            const auto names = addQuantizedTensors(m_sink.writer(), module, q);
            for (std::size_t k = 0; k < names.size(); ++k) // bytes counted once, with the first
                m_sink.added(names[k], k == 0 ? static_cast<std::uint64_t>(q.bytes()) : 0);
            ++m_report.matricesQuantized;
        }

        void linear(const PlannedWeight& w, bool embedding)
        {
            const auto scheme = m_options.policy.schemeFor(w.name, w.where);
            if (scheme.isFull()) {
                copy(w.name + ".weight");
            } else {
                writeMatrix(
                    w.name, m_source.load(w.name + ".weight", w.shape, /*keepFloat32=*/true), scheme, {}, embedding);
            }
            if (w.bias)
                copy(w.name + ".bias");
        }

        void experts(const PlannedWeight& w)
        {
            const auto e = w.shape[0], h = w.shape[1], i = w.shape[2];
            const auto& naming = m_spec.naming;
            at::Tensor gateUp, down; // fused layouts: the whole bank in float32
            DType fusedType = DType::F32;
            if (w.fusedExperts) {
                gateUp = m_source.load(w.name + "experts.gate_up_proj", { e, 2 * i, h }, true);
                down = m_source.load(w.name + "experts.down_proj", { e, h, i }, true);
                fusedType = m_ckpt.get(w.name + "experts.gate_up_proj").info->dtype;
            }
            for (std::int64_t x = 0; x < e; ++x) {
                const auto scheme = m_options.policy.schemeForExpert(w.where.layer, static_cast<int>(x));
                const auto p = w.name + "experts." + std::to_string(x) + ".";
                const std::array<std::tuple<std::string, std::int64_t, std::int64_t, at::Tensor>, 3> projections = {
                    std::tuple { naming.gateProj, i, h, gateUp.defined() ? gateUp[x].narrow(0, 0, i) : at::Tensor() },
                    std::tuple { naming.upProj, i, h, gateUp.defined() ? gateUp[x].narrow(0, i, i) : at::Tensor() },
                    std::tuple { naming.downProj, h, i, down.defined() ? down[x] : at::Tensor() },
                };
                for (const auto& [proj, rows, cols, fusedPart] : projections) {
                    const auto module = p + proj;
                    if (scheme.isFull() && !fusedPart.defined()) {
                        copy(module + ".weight");
                    } else if (scheme.isFull()) { // split out of the fused tensor, in its dtype
                        const auto t = fusedPart.to(toScalarType(fusedType));
                        m_sink.writer().addOwned(module + ".weight", fusedType, { rows, cols }, bytesOf(t));
                        m_sink.added(module + ".weight", t.nbytes());
                        ++m_report.tensorsCopied;
                    } else {
                        const auto matrix = fusedPart.defined() ? fusedPart
                                                                : m_source.load(module + ".weight", { rows, cols }, true);
                        const auto fallback = proj == naming.downProj ? std::string() : w.name + "experts";
                        writeMatrix(module, matrix, scheme, fallback, false);
                    }
                }
            }
        }

        void run(const ModulePlan& plan, std::stop_token stop, const ProgressCallback& progress)
        {
            const auto total = static_cast<std::int64_t>(plan.weights.size());
            for (std::int64_t n = 0; n < total; ++n) {
                throwIfStopRequested(stop);
                const auto& w = plan.weights[static_cast<std::size_t>(n)];
                switch (w.kind) {
                case PlannedWeight::Kind::Tensor:
                    copy(w.name);
                    break;
                case PlannedWeight::Kind::Linear:
                case PlannedWeight::Kind::Embedding:
                    linear(w, w.kind == PlannedWeight::Kind::Embedding);
                    break;
                case PlannedWeight::Kind::Experts:
                    experts(w);
                    break;
                }
                m_sink.flushIfFull();
                if (progress)
                    progress(n + 1, total);
            }
        }

    private:
        const SafetensorsCheckpoint& m_ckpt;
        CheckpointWeights& m_source;
        const ModelSpec& m_spec;
        const CheckpointQuantizeOptions& m_options;
        ShardSink& m_sink;
        CheckpointQuantizeReport& m_report;
        std::set<std::string> m_written;
    };

    fs::path partialFolder(const fs::path& out)
    {
        auto name = out.filename().string();
        if (name.empty())
            name = out.parent_path().filename().string();
        return out.parent_path() / (name + ".partial");
    }
} // namespace

CheckpointQuantizeReport quantizeCheckpoint(const fs::path& source, const ModelSpec& spec, const fs::path& out,
    const CheckpointQuantizeOptions& options, std::stop_token stop, const ProgressCallback& progress)
{
    const auto started = std::chrono::steady_clock::now();
    std::error_code ec;
    if (fs::exists(out, ec) && !(fs::is_directory(out, ec) && fs::is_empty(out, ec)))
        throw InvalidArgumentError("output folder " + out.string() + " already exists and is not empty");
    if (!moescopeQuantizationConfig(source).is_null())
        throw UnsupportedError(source.string() + " is already quantized; quantize its full-precision source");
    if (options.policy.needsCalibration() && !options.stats)
        throw InvalidArgumentError("the policy asks for calibrated quantization (+awq or +gptq) but no calibration "
                                   "text was given");

    const SafetensorsCheckpoint ckpt(source);
    const auto device = at::Device(options.device == "auto" ? "cpu" : options.device);
    CheckpointWeights weights(ckpt, device, at::kFloat, fp8BlockSizeOf(source).value_or(kDefaultFp8Block));
    const auto plan = planModules(spec, [&](const std::string& n) { return ckpt.contains(n); });

    CheckpointQuantizeReport report;
    report.label = options.policy.label();
    report.sourceBytes = ckpt.totalBytes();
    report.parameters = plan.parameterCount();

    const auto partial = partialFolder(out);
    fs::remove_all(partial, ec);
    fs::create_directories(partial);
    try {
        ShardSink sink(partial, options.shardBytes);
        Streamer streamer(ckpt, weights, spec, options, sink, report);
        {
            c10::InferenceMode inference;
            streamer.run(plan, stop, progress);
        }
        sink.finish();
        report.shards = sink.shards();

        const auto unused = weights.unusedTensors();
        std::int64_t dropped = 0;
        for (const auto& n : unused) // FP8 scales of dropped tensors are not counted twice
            if (!n.ends_with("_scale_inv"))
                ++dropped;
        report.tensorsDropped = dropped;
        if (dropped)
            spdlog::info("quantize: {} tensors of {} are not used by the runtime and were left out (first: {})",
                dropped, source.string(), unused.front());

        for (const auto& entry : fs::directory_iterator(partial))
            if (entry.path().extension() == ".safetensors")
                report.outputBytes += entry.file_size();

        auto config = readJsonFile(source / "config.json");
        nlohmann::json q = { { "quant_method", kQuantMethod }, { "format_version", kQuantFormatVersion },
            { "scheme", report.label }, { "policy", options.policy.toJson() },
            { "weight_bytes", report.outputBytes }, { "source", source.filename().string() } };
        if (config.contains("quantization_config")) {
            q["source_quantization_config"] = config["quantization_config"];
            if (config["quantization_config"].is_object() && config["quantization_config"].contains("weight_block_size"))
                q["weight_block_size"] = config["quantization_config"]["weight_block_size"]; // FP8 tensors kept as stored
        }
        config["quantization_config"] = q;
        writeTextFileAtomic(partial / "config.json", config.dump(2));
        for (const auto& entry : fs::directory_iterator(source))
            if (entry.is_regular_file() && isAuxiliaryFile(entry.path().filename().string()))
                fs::copy_file(entry.path(), partial / entry.path().filename(), fs::copy_options::overwrite_existing);

        if (fs::exists(out, ec))
            fs::remove(out); // an empty folder
        fs::rename(partial, out);
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

} // namespace moescope
