#pragma once
// Which scheme each weight matrix of a model gets: a default, per module kind (attention, shared experts, routed
// experts, dense MLP, embeddings, LM head), per routed expert, and per exact module name, plus the quantizer's
// options (range search, activation-aware scaling, GPTQ error compensation). A small JSON file users edit (see toJson
// for the layout); router weights and norms are never matrices of a policy and stay in full precision. Plain data, no
// LibTorch.

#include "quant/quantscheme.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace moescope {

enum class ModuleKind { Attention, SharedExperts, RoutedExperts, DenseMlp, Embeddings, LmHead, Other };
std::string_view moduleKindKey(ModuleKind kind); // the policy JSON key: "attention", "shared_experts", ...

struct TensorNaming;

// Where a module (a "<name>.weight" matrix) sits: its kind and, for decoder layers, the layer and routed expert.
struct ModuleLocation {
    ModuleKind kind = ModuleKind::Other;
    int layer = -1; // -1 outside the decoder layers
    int expert = -1; // routed experts only
};
ModuleLocation locateModule(const std::string& module, const TensorNaming& naming);

class QuantPolicy {
public:
    // Every matrix in one scheme (embeddings and LM head included).
    static QuantPolicy uniform(const QuantScheme& scheme);
    // "SCHEME[+minmax][+awq][+gptq]" or "mixed:POLICY.json" (the CLI's and the GUI's variant names). "+minmax" turns
    // off range search, "+awq" turns on activation-aware scaling, "+gptq" GPTQ error compensation (both need
    // calibration text).
    static QuantPolicy fromSpec(const std::string& spec);
    // FormatError naming the source and the offending key for unknown keys, bad scheme names, bad expert keys.
    static QuantPolicy fromJson(const nlohmann::json& json, const std::string& source);
    static QuantPolicy fromFile(const std::filesystem::path& path);
    nlohmann::json toJson() const;

    QuantScheme schemeFor(const std::string& module, const ModuleLocation& where) const;
    QuantScheme schemeForExpert(int layer, int expert) const;
    // True when any matrix may end up quantized or converted (false for an all-"none" policy).
    bool changesWeights() const;
    // Short label for summaries: the uniform scheme's name, else "mixed" (with the policy's name when it has one).
    std::string label() const;

    std::string name; // free text ("mixed-budget-0.35"), informational
    QuantScheme defaultScheme;
    std::map<ModuleKind, QuantScheme> kinds;
    std::map<std::pair<int, int>, QuantScheme> experts; // (layer, expert) -> scheme
    std::map<std::string, QuantScheme> modules; // exact module name -> scheme (not for routed experts)
    bool rangeSearch = true;
    bool activationAware = false;
    bool errorCompensation = false; // GPTQ (quant/gptq.h); JSON key "gptq"

    // True when quantizing needs activation statistics of calibration text (+awq, +gptq).
    bool needsCalibration() const { return activationAware || errorCompensation; }
};

} // namespace moescope
