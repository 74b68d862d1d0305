#include "quant/quantpolicy.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "nn/modelspec.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>

namespace moescope {

namespace {
    constexpr std::array kKinds = { ModuleKind::Attention, ModuleKind::SharedExperts, ModuleKind::RoutedExperts,
        ModuleKind::DenseMlp, ModuleKind::Embeddings, ModuleKind::LmHead };

    constexpr std::size_t kMaxPolicyBytes = 16u << 20;

    std::optional<int> parseIndex(std::string_view text)
    {
        int v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || v < 0)
            return std::nullopt;
        return v;
    }

    // "model.layers.12.xxx" -> 12
    int layerOf(const std::string& module)
    {
        static const std::string prefix = "model.layers.";
        if (module.rfind(prefix, 0) != 0)
            return -1;
        const auto dot = module.find('.', prefix.size());
        return parseIndex(std::string_view(module).substr(prefix.size(), dot - prefix.size())).value_or(-1);
    }

    QuantScheme schemeField(const nlohmann::json& v, const std::string& source, const std::string& key)
    {
        if (!v.is_string())
            throw FormatError(source + ": '" + key + "' must be a scheme name string");
        try {
            return QuantScheme::parse(v.get<std::string>());
        } catch (const InvalidArgumentError& e) {
            throw FormatError(source + ": '" + key + "': " + e.what());
        }
    }
} // namespace

std::string_view moduleKindKey(ModuleKind kind)
{
    switch (kind) {
    case ModuleKind::Attention:
        return "attention";
    case ModuleKind::SharedExperts:
        return "shared_experts";
    case ModuleKind::RoutedExperts:
        return "routed_experts";
    case ModuleKind::DenseMlp:
        return "dense_mlp";
    case ModuleKind::Embeddings:
        return "embeddings";
    case ModuleKind::LmHead:
        return "lm_head";
    case ModuleKind::Other:
        return "other";
    }
    return "other";
}

ModuleLocation locateModule(const std::string& module, const TensorNaming& naming)
{
    ModuleLocation where;
    if (module == "lm_head") {
        where.kind = ModuleKind::LmHead;
        return where;
    }
    if (module == "model.embed_tokens") {
        where.kind = ModuleKind::Embeddings;
        return where;
    }
    where.layer = layerOf(module);
    const auto experts = module.find(".experts.");
    if (experts != std::string::npos) {
        where.kind = ModuleKind::RoutedExperts;
        const auto begin = experts + 9;
        const auto end = module.find('.', begin);
        where.expert = parseIndex(std::string_view(module).substr(begin, end - begin)).value_or(-1);
        return where;
    }
    if (module.find("." + naming.sharedModule + ".") != std::string::npos)
        where.kind = ModuleKind::SharedExperts;
    else if (module.find(".self_attn.") != std::string::npos)
        where.kind = ModuleKind::Attention;
    else if (module.find(".mlp.") != std::string::npos || module.find("." + naming.mlpModule + ".") != std::string::npos)
        where.kind = ModuleKind::DenseMlp;
    return where;
}

QuantPolicy QuantPolicy::uniform(const QuantScheme& scheme)
{
    QuantPolicy p;
    p.defaultScheme = scheme;
    return p;
}

QuantPolicy QuantPolicy::fromSpec(const std::string& spec)
{
    if (spec.rfind("mixed:", 0) == 0) {
        if (spec.size() == 6)
            throw InvalidArgumentError("'mixed:' needs a policy file, e.g. mixed:policy.json");
        return fromFile(spec.substr(6));
    }
    QuantPolicy p;
    const auto plus = spec.find('+');
    const std::string base = spec.substr(0, plus);
    for (auto begin = plus; begin != std::string::npos;) {
        const auto next = spec.find('+', begin + 1);
        const auto option = spec.substr(begin + 1, next == std::string::npos ? std::string::npos : next - begin - 1);
        if (option == "minmax")
            p.rangeSearch = false;
        else if (option == "awq")
            p.activationAware = true;
        else if (option == "gptq")
            p.errorCompensation = true;
        else
            throw InvalidArgumentError(
                "unknown quantization option '+" + option + "' in '" + spec + "' (expected +minmax, +awq or +gptq)");
        begin = next;
    }
    p.defaultScheme = QuantScheme::parse(base);
    p.name = spec;
    return p;
}

QuantPolicy QuantPolicy::fromFile(const std::filesystem::path& path)
{
    auto p = fromJson(readJsonFile(path, kMaxPolicyBytes), path.string());
    if (p.name.empty())
        p.name = path.stem().string();
    return p;
}

QuantPolicy QuantPolicy::fromJson(const nlohmann::json& j, const std::string& source)
{
    if (!j.is_object())
        throw FormatError(source + ": a quantization policy must be a JSON object");
    QuantPolicy p;
    for (const auto& [key, v] : j.items()) {
        if (key == "name") {
            if (!v.is_string())
                throw FormatError(source + ": 'name' must be a string");
            p.name = v.get<std::string>();
        } else if (key == "default") {
            p.defaultScheme = schemeField(v, source, key);
        } else if (key == "range_search" || key == "activation_aware" || key == "gptq") {
            if (!v.is_boolean())
                throw FormatError(source + ": '" + key + "' must be true or false");
            auto& flag = key == "range_search" ? p.rangeSearch : p.activationAware;
            (key == "gptq" ? p.errorCompensation : flag) = v.get<bool>();
        } else if (key == "experts") {
            if (!v.is_object())
                throw FormatError(source + ": 'experts' must map layer numbers to {expert number: scheme}");
            for (const auto& [layerKey, perExpert] : v.items()) {
                const auto layer = parseIndex(layerKey);
                if (!layer || !perExpert.is_object())
                    throw FormatError(source + ": 'experts': '" + layerKey
                        + "' must be a layer number mapping to {expert number: scheme}");
                for (const auto& [expertKey, scheme] : perExpert.items()) {
                    const auto expert = parseIndex(expertKey);
                    const auto where = "experts." + layerKey + "." + expertKey;
                    if (!expert)
                        throw FormatError(source + ": '" + where + "': expert keys must be numbers");
                    p.experts[{ *layer, *expert }] = schemeField(scheme, source, where);
                }
            }
        } else if (key == "modules") {
            if (!v.is_object())
                throw FormatError(source + ": 'modules' must map module names to schemes");
            for (const auto& [module, scheme] : v.items())
                p.modules[module] = schemeField(scheme, source, "modules." + module);
        } else if (key == "calibration") {
            // Informational record of how a calibrated policy was made; not interpreted.
        } else {
            bool known = false;
            for (const auto kind : kKinds)
                if (key == moduleKindKey(kind)) {
                    p.kinds[kind] = schemeField(v, source, key);
                    known = true;
                }
            if (!known)
                throw FormatError(source + ": unknown policy key '" + key
                    + "' (expected name, default, attention, shared_experts, routed_experts, dense_mlp, embeddings,"
                      " lm_head, experts, modules, range_search, activation_aware, gptq)");
        }
    }
    return p;
}

nlohmann::json QuantPolicy::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    if (!name.empty())
        j["name"] = name;
    j["default"] = defaultScheme.name();
    for (const auto& [kind, scheme] : kinds)
        j[std::string(moduleKindKey(kind))] = scheme.name();
    if (!experts.empty()) {
        auto& e = j["experts"];
        for (const auto& [key, scheme] : experts)
            e[std::to_string(key.first)][std::to_string(key.second)] = scheme.name();
    }
    if (!modules.empty())
        for (const auto& [module, scheme] : modules)
            j["modules"][module] = scheme.name();
    j["range_search"] = rangeSearch;
    j["activation_aware"] = activationAware;
    j["gptq"] = errorCompensation;
    return j;
}

QuantScheme QuantPolicy::schemeForExpert(int layer, int expert) const
{
    if (auto it = experts.find({ layer, expert }); it != experts.end())
        return it->second;
    if (auto it = kinds.find(ModuleKind::RoutedExperts); it != kinds.end())
        return it->second;
    return defaultScheme;
}

QuantScheme QuantPolicy::schemeFor(const std::string& module, const ModuleLocation& where) const
{
    if (where.kind == ModuleKind::RoutedExperts)
        return schemeForExpert(where.layer, where.expert);
    if (auto it = modules.find(module); it != modules.end())
        return it->second;
    if (auto it = kinds.find(where.kind); it != kinds.end())
        return it->second;
    if (where.kind == ModuleKind::LmHead)
        if (auto it = kinds.find(ModuleKind::Embeddings); it != kinds.end())
            return it->second;
    return defaultScheme;
}

bool QuantPolicy::changesWeights() const
{
    if (!defaultScheme.isFull())
        return true;
    for (const auto& [k, s] : kinds)
        if (!s.isFull())
            return true;
    for (const auto& [k, s] : experts)
        if (!s.isFull())
            return true;
    for (const auto& [k, s] : modules)
        if (!s.isFull())
            return true;
    return false;
}

std::string QuantPolicy::label() const
{
    if (kinds.empty() && experts.empty() && modules.empty())
        return defaultScheme.name();
    return name.empty() ? "mixed" : "mixed:" + name;
}

} // namespace moescope
