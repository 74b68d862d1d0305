#include "eval/routingreport.h"

#include "eval/routingqueries.h"
#include "io/jsonfile.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace moescope {

namespace {
nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string num(double v)
{
    if (!std::isfinite(v))
        return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

nlohmann::json modelJson(const RoutingTraceInfo& i)
{
    return { { "path", i.modelPath }, { "name", i.modelName }, { "type", i.modelType }, { "device", i.device },
        { "dtype", i.dtype }, { "quantization", i.quantization }, { "window", i.window }, { "stride", i.stride },
        { "source", i.source }, { "created_at", i.createdAt } };
}

std::string entropyKindText(RouterEntropyKind kind)
{
    if (kind == RouterEntropyKind::Softmax)
        return "softmax of the router logits over all experts";
    if (kind == RouterEntropyKind::NormalizedSigmoid)
        return "sigmoid scores of the router logits normalised to sum 1";
    return "not captured";
}

class CsvFile {
public:
    CsvFile(const std::filesystem::path& dir, const std::string& name, std::vector<std::filesystem::path>& written)
        : m_path(dir / name)
        , m_written(written)
    {
    }
    void row(std::initializer_list<std::string> fields)
    {
        bool first = true;
        for (const auto& f : fields) {
            if (!first)
                m_text += ',';
            m_text += csvField(f);
            first = false;
        }
        m_text += '\n';
    }
    void finish()
    {
        writeTextFileAtomic(m_path, m_text);
        m_written.push_back(m_path);
    }

private:
    std::filesystem::path m_path;
    std::vector<std::filesystem::path>& m_written;
    std::string m_text;
};

std::string tokenTextOf(const TokenTextFunction& f, std::int32_t id)
{
    return f ? f(id) : std::string();
}
} // namespace

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

nlohmann::json routingAggregatesJson(const RoutingAggregates& a, const RoutingTraceInfo& info)
{
    nlohmann::json layers = nlohmann::json::array();
    for (int s = 0; s < a.layerCount(); ++s) {
        const LayerRouting& l = a.layer(s);
        const LoadBalance b = a.balance(s);
        nlohmann::json mass = nlohmann::json::array();
        for (const double m : l.weightMass)
            mass.push_back(number(m));
        layers.push_back({ { "layer", a.layerAt(s) }, { "tokens", l.tokens }, { "counts", l.counts },
            { "weight_mass", std::move(mass) }, { "top1_counts", l.top1Counts },
            { "entropy", number(a.meanTopkEntropy(s)) }, { "router_entropy", number(a.meanRouterEntropy(s)) },
            { "load_entropy", number(a.loadEntropy(s)) }, { "cv", number(b.cv) },
            { "max_over_mean", number(b.maxOverMean) }, { "balancedness", number(b.balancedness) },
            { "persistence", number(a.persistence(s)) }, { "persistence_chance", number(a.persistenceChance(s)) } });
    }
    nlohmann::json sections = nlohmann::json::array();
    for (std::size_t i = 0; i < a.sections().size(); ++i) {
        const auto& sec = a.sections()[i];
        nlohmann::json jsd = nlohmann::json::array();
        for (int s = 0; s < a.layerCount(); ++s)
            jsd.push_back(number(a.sectionSpecialisation(s)[i]));
        sections.push_back({ { "key", sec.key }, { "title", sec.title }, { "tokens", sec.tokens() },
            { "token_range", { sec.tokenBegin, sec.tokenEnd } }, { "pages", { sec.pageStart, sec.pageEnd } },
            { "specialisation", std::move(jsd) } });
    }
    nlohmann::json pages = nlohmann::json::array();
    for (const auto& p : a.pages())
        pages.push_back({ { "page", p.pageStart }, { "tokens", p.tokens() } });
    return { { "tokens", a.tokens() }, { "model", modelJson(info) }, { "k", a.k() }, { "experts", a.numExperts() },
        { "moe_layers", a.moeLayers() }, { "entropy_unit", "bits" },
        { "definitions",
            { { "counts", "tokens that chose the expert among their top-k (each token counts once per chosen expert)" },
                { "entropy",
                    "mean over tokens of the entropy of the applied top-k weights renormalised to sum 1 (0 to log2 "
                    "k)" },
                { "router_entropy",
                    "mean over tokens of the entropy of the full router distribution: "
                        + entropyKindText(a.routerEntropyKind()) },
                { "load_entropy", "entropy of the layer's expert counts (0 to log2 experts)" },
                { "cv", "coefficient of variation of the expert counts (population standard deviation / mean)" },
                { "max_over_mean", "largest expert count over the mean count" },
                { "balancedness", "mean expert count over the largest (SGLang's balancedness; 1 = even)" },
                { "persistence", "share of consecutive token pairs whose top-1 expert (largest weight) is the same" },
                { "persistence_chance",
                    "the same share expected if top-1 choices were independent (sum of squared top-1 shares)" },
                { "specialisation",
                    "Jensen-Shannon divergence (bits, 0 to 1) of the section's expert distribution against the whole "
                    "document's, per MoE layer" } } },
        { "layers", std::move(layers) }, { "sections", std::move(sections) }, { "pages", std::move(pages) } };
}

nlohmann::json routingDriftJson(
    const RoutingDrift& d, const RoutingTraceInfo& a, const RoutingTraceInfo& b, const TokenTextFunction& tokenText)
{
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : d.layers)
        layers.push_back({ { "layer", l.layer }, { "changed_share", l.changedShare }, { "mean_jaccard", l.meanJaccard },
            { "top1_changed_share", l.top1ChangedShare } });
    nlohmann::json tokens = nlohmann::json::array();
    for (const auto& t : d.mostChanged)
        tokens.push_back({ { "token", t.token }, { "token_id", t.tokenId },
            { "text", tokenTextOf(tokenText, t.tokenId) }, { "offsets", { t.span.begin, t.span.end } },
            { "layers_changed", t.layersChanged }, { "mean_jaccard", t.meanJaccard } });
    return { { "tokens", d.tokens }, { "a", modelJson(a) }, { "b", modelJson(b) }, { "changed_share", d.changedShare },
        { "mean_jaccard", d.meanJaccard },
        { "definitions",
            { { "changed_share", "share of tokens whose top-k expert set differs between the runs" },
                { "mean_jaccard", "mean over tokens of |A ∩ B| / |A ∪ B| of the two top-k sets" },
                { "top1_changed_share", "share of tokens whose largest-weight expert differs" } } },
        { "layers", std::move(layers) }, { "most_changed", std::move(tokens) } };
}

std::vector<std::filesystem::path> writeRoutingCsv(const RoutingAggregates& a, const RoutingQueries* queries,
    const TokenTextFunction& tokenText, const std::filesystem::path& dir, const RoutingCsvOptions& options)
{
    std::vector<std::filesystem::path> written;
    const auto e = std::size_t(a.numExperts());
    {
        CsvFile f(dir, "layer_summary.csv", written);
        f.row({ "layer", "tokens", "entropy_topk_bits", "router_entropy_bits", "load_entropy_bits", "cv",
            "max_over_mean", "balancedness", "persistence", "persistence_chance" });
        for (int s = 0; s < a.layerCount(); ++s) {
            const auto b = a.balance(s);
            f.row({ std::to_string(a.layerAt(s)), std::to_string(a.layer(s).tokens), num(a.meanTopkEntropy(s)),
                num(a.meanRouterEntropy(s)), num(a.loadEntropy(s)), num(b.cv), num(b.maxOverMean), num(b.balancedness),
                num(a.persistence(s)), num(a.persistenceChance(s)) });
        }
        f.finish();
    }
    {
        CsvFile f(dir, "expert_counts.csv", written);
        f.row({ "layer", "expert", "count", "share", "weight_mass", "weight_share", "top1_count" });
        for (int s = 0; s < a.layerCount(); ++s) {
            const auto share = a.share(s), weightShare = a.weightShare(s);
            const auto& l = a.layer(s);
            for (std::size_t x = 0; x < e; ++x)
                f.row({ std::to_string(a.layerAt(s)), std::to_string(x), std::to_string(l.counts[x]), num(share[x]),
                    num(l.weightMass[x]), num(weightShare[x]), std::to_string(l.top1Counts[x]) });
        }
        f.finish();
    }
    if (a.hasCoactivation()) {
        CsvFile f(dir, "coactivation.csv", written);
        f.row({ "layer", "expert_a", "expert_b", "tokens" }); // pairs a < b with a non-zero count
        for (int s = 0; s < a.layerCount(); ++s)
            for (std::size_t x = 0; x < e; ++x)
                for (std::size_t y = x + 1; y < e; ++y)
                    if (const auto c = a.layer(s).pairCounts[x * e + y])
                        f.row(
                            { std::to_string(a.layerAt(s)), std::to_string(x), std::to_string(y), std::to_string(c) });
        f.finish();
    }
    if (!a.sections().empty()) {
        CsvFile counts(dir, "section_counts.csv", written);
        counts.row({ "layer", "section", "title", "expert", "count" });
        CsvFile spec(dir, "section_specialisation.csv", written);
        spec.row({ "section", "title", "tokens", "page_start", "page_end", "layer", "jsd_bits" });
        for (int s = 0; s < a.layerCount(); ++s) {
            const auto jsd = a.sectionSpecialisation(s);
            for (std::size_t i = 0; i < a.sections().size(); ++i) {
                const auto& sec = a.sections()[i];
                spec.row({ sec.key, sec.title, std::to_string(sec.tokens()), std::to_string(sec.pageStart),
                    std::to_string(sec.pageEnd), std::to_string(a.layerAt(s)), num(jsd[i]) });
                for (std::size_t x = 0; x < e; ++x)
                    if (const auto c = a.layer(s).sectionCounts[i * e + x])
                        counts.row(
                            { std::to_string(a.layerAt(s)), sec.key, sec.title, std::to_string(x), std::to_string(c) });
            }
        }
        counts.finish();
        spec.finish();
    }
    if (!a.pages().empty()) {
        CsvFile f(dir, "page_counts.csv", written);
        f.row({ "layer", "page", "expert", "count" }); // 0-based pages; zero counts left out
        for (int s = 0; s < a.layerCount(); ++s)
            for (std::size_t p = 0; p < a.pages().size(); ++p)
                for (std::size_t x = 0; x < e; ++x)
                    if (const auto c = a.layer(s).pageCounts[p * e + x])
                        f.row({ std::to_string(a.layerAt(s)), std::to_string(a.pages()[p].pageStart), std::to_string(x),
                            std::to_string(c) });
        f.finish();
    }
    if (queries && options.topTokens > 0) {
        CsvFile f(dir, "top_tokens.csv", written);
        f.row({ "layer", "expert", "order", "rank", "token_id", "text", "count", "token_total", "share", "lift" });
        for (int s = 0; s < a.layerCount(); ++s)
            for (std::size_t x = 0; x < e; ++x) {
                const auto top = queries->topTokens(a.layerAt(s), int(x), { options.topTokens, options.minLiftCount });
                for (const auto* list : { &top.byCount, &top.byLift })
                    for (std::size_t r = 0; r < list->size(); ++r) {
                        const auto& c = (*list)[r];
                        f.row(
                            { std::to_string(a.layerAt(s)), std::to_string(x), list == &top.byCount ? "count" : "lift",
                                std::to_string(r + 1), std::to_string(c.tokenId), tokenTextOf(tokenText, c.tokenId),
                                std::to_string(c.count), std::to_string(c.total), num(c.share), num(c.lift) });
                    }
            }
        f.finish();
    }
    return written;
}

std::vector<std::filesystem::path> writeDriftCsv(
    const RoutingDrift& d, const TokenTextFunction& tokenText, const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> written;
    CsvFile layers(dir, "drift_layers.csv", written);
    layers.row({ "layer", "changed_share", "mean_jaccard", "top1_changed_share" });
    for (const auto& l : d.layers)
        layers.row({ std::to_string(l.layer), num(l.changedShare), num(l.meanJaccard), num(l.top1ChangedShare) });
    layers.finish();
    CsvFile tokens(dir, "drift_tokens.csv", written);
    tokens.row({ "rank", "token", "token_id", "text", "byte_begin", "byte_end", "layers_changed", "mean_jaccard" });
    for (std::size_t r = 0; r < d.mostChanged.size(); ++r) {
        const auto& t = d.mostChanged[r];
        tokens.row({ std::to_string(r + 1), std::to_string(t.token), std::to_string(t.tokenId),
            tokenTextOf(tokenText, t.tokenId), std::to_string(t.span.begin), std::to_string(t.span.end),
            std::to_string(t.layersChanged), num(t.meanJaccard) });
    }
    tokens.finish();
    return written;
}

} // namespace moescope
