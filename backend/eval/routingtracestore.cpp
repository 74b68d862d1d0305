#include "eval/routingtracestore.h"

#include "core/cancellation.h"
#include "core/error.h"
#include "store/sessionstore.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace moescope {

namespace {
constexpr int kFormatVersion = 1;
constexpr std::size_t kScalars = 6;

nlohmann::json segmentsJson(const std::vector<RoutingSegment>& sections)
{
    auto out = nlohmann::json::array();
    for (const auto& s : sections)
        out.push_back({ { "key", s.key }, { "title", s.title }, { "tokens", { s.tokenBegin, s.tokenEnd } },
            { "pages", { s.pageStart, s.pageEnd } } });
    return out;
}

nlohmann::json paramsJson(const RoutingTrace& trace, const RoutingAggregates& aggregates)
{
    const RoutingTraceInfo& i = trace.info();
    nlohmann::json pages = nlohmann::json::array();
    for (const auto& p : aggregates.pages())
        pages.push_back({ p.tokenBegin, p.tokenEnd });
    return { { "format", kFormatVersion }, { "layers", trace.moeLayers() }, { "k", trace.k() },
        { "experts", trace.numExperts() }, { "tokens", trace.tokenCount() },
        { "router_entropy",
            routerEntropyKindName(trace.hasRouterEntropy() ? i.routerEntropyKind : RouterEntropyKind::None) },
        { "model", { { "path", i.modelPath }, { "name", i.modelName }, { "type", i.modelType } } },
        { "device", i.device }, { "dtype", i.dtype }, { "quantization", i.quantization }, { "window", i.window },
        { "stride", i.stride }, { "source", i.source }, { "created_at", i.createdAt },
        { "sections", segmentsJson(aggregates.sections()) }, { "pages", std::move(pages) } };
}

// NaN-free mean of a per-layer figure (JSON has no NaN).
template <typename F> nlohmann::json meanOverLayers(const RoutingAggregates& a, F figure)
{
    double sum = 0;
    int n = 0;
    for (int s = 0; s < a.layerCount(); ++s) {
        const double v = figure(s);
        if (std::isfinite(v)) {
            sum += v;
            ++n;
        }
    }
    return n ? nlohmann::json(sum / n) : nlohmann::json(nullptr);
}

nlohmann::json summaryJson(const RoutingTrace& trace, const RoutingAggregates& a)
{
    return { { "tokens", trace.tokenCount() }, { "layers", trace.layerCount() }, { "k", trace.k() },
        { "experts", trace.numExperts() },
        { "mean_topk_entropy", meanOverLayers(a, [&](int s) { return a.meanTopkEntropy(s); }) },
        { "mean_router_entropy", meanOverLayers(a, [&](int s) { return a.meanRouterEntropy(s); }) },
        { "mean_balancedness", meanOverLayers(a, [&](int s) { return a.balance(s).balancedness; }) },
        { "mean_cv", meanOverLayers(a, [&](int s) { return a.balance(s).cv; }) },
        { "mean_persistence", meanOverLayers(a, [&](int s) { return a.persistence(s); }) } };
}

// Per-section and per-page specialisation averaged over layers, for listings without loading parts.
std::vector<RunValue> segmentValues(
    const RoutingAggregates& a, const std::vector<RoutingSegment>& segments, bool sections)
{
    std::vector<double> sum(segments.size(), 0.0);
    std::vector<int> n(segments.size(), 0);
    for (int s = 0; s < a.layerCount(); ++s) {
        const auto jsd = sections ? a.sectionSpecialisation(s) : a.pageSpecialisation(s);
        for (std::size_t i = 0; i < jsd.size(); ++i)
            if (std::isfinite(jsd[i])) {
                sum[i] += jsd[i];
                ++n[i];
            }
    }
    std::vector<RunValue> out;
    for (std::size_t i = 0; i < segments.size(); ++i)
        out.push_back({ segments[i].key, n[i] ? sum[i] / n[i] : 0.0, std::int64_t(segments[i].tokens()) });
    return out;
}

template <typename T>
void saveLayered(SessionStore& store, std::int64_t run, const std::string& name, BlobType type,
    const RoutingAggregates& a, std::size_t perLayer, const std::vector<T> LayerRouting::*member,
    std::vector<std::int64_t> shape)
{
    std::vector<T> all;
    all.reserve(perLayer * std::size_t(a.layerCount()));
    for (int s = 0; s < a.layerCount(); ++s) {
        const auto& v = a.layer(s).*member;
        all.insert(all.end(), v.begin(), v.end());
    }
    store.saveArray<T>(run, name, type, all, std::move(shape));
}

// Counts are below 2^31 (traces hold fewer tokens), so i32 parts hold them exactly.
template <typename F>
void saveLayeredAs32(SessionStore& store, std::int64_t run, const std::string& name, const RoutingAggregates& a,
    F perSlot, std::vector<std::int64_t> shape)
{
    std::vector<std::int32_t> all;
    for (int s = 0; s < a.layerCount(); ++s)
        for (const auto v : perSlot(s))
            all.push_back(std::int32_t(v));
    store.saveArray<std::int32_t>(run, name, BlobType::I32, all, std::move(shape));
}

void saveParts(SessionStore& store, std::int64_t run, const RoutingTrace& trace, const RoutingAggregates& a)
{
    const auto n = std::int64_t(trace.tokenCount()), k = std::int64_t(trace.k());
    const auto layers = std::int64_t(trace.layerCount()), e = std::int64_t(trace.numExperts());
    store.saveArray<std::int32_t>(run, "token_ids", BlobType::I32, trace.tokenIds());
    std::vector<std::int32_t> offsets;
    offsets.reserve(trace.tokenCount() * 2);
    for (const auto& s : trace.offsets()) {
        if (s.end > std::uint32_t(std::numeric_limits<std::int32_t>::max()))
            throw UnsupportedError("routing trace: byte offsets beyond 2 GB of text");
        offsets.push_back(std::int32_t(s.begin));
        offsets.push_back(std::int32_t(s.end));
    }
    store.saveArray<std::int32_t>(run, "token_offsets", BlobType::I32, offsets, { n, 2 });
    for (int s = 0; s < trace.layerCount(); ++s) {
        const std::string prefix = "layer." + std::to_string(trace.layerAt(s)) + ".";
        if (trace.wideIds())
            store.saveArray<std::uint16_t>(run, prefix + "ids", BlobType::U16, trace.ids16(s), { n, k });
        else
            store.saveArray<std::uint8_t>(run, prefix + "ids", BlobType::U8, trace.ids8(s), { n, k });
        store.saveArray<std::uint16_t>(run, prefix + "weights", BlobType::F16, trace.weightsHalf(s), { n, k });
        if (trace.hasRouterEntropy())
            store.saveArray<std::uint16_t>(
                run, prefix + "router_entropy", BlobType::F16, trace.routerEntropyHalf(s), { n });
    }
    const auto perLayer = std::size_t(e);
    saveLayered(store, run, "agg.counts", BlobType::I64, a, perLayer, &LayerRouting::counts, { layers, e });
    saveLayered(store, run, "agg.top1_counts", BlobType::I64, a, perLayer, &LayerRouting::top1Counts, { layers, e });
    saveLayered(store, run, "agg.weight_mass", BlobType::F64, a, perLayer, &LayerRouting::weightMass, { layers, e });
    if (a.hasCoactivation())
        saveLayeredAs32(store, run, "agg.coactivation", a, [&](int s) { return a.coactivation(s); }, { layers, e, e });
    saveLayeredAs32(store, run, "agg.section_counts", a, [&](int s) { return a.layer(s).sectionCounts; },
        { layers, std::int64_t(a.sections().size()), e });
    saveLayeredAs32(store, run, "agg.page_counts", a, [&](int s) { return a.layer(s).pageCounts; },
        { layers, std::int64_t(a.pages().size()), e });
    std::vector<double> scalars;
    for (int s = 0; s < a.layerCount(); ++s) {
        const auto& l = a.layer(s);
        scalars.insert(scalars.end(),
            { double(l.tokens), l.topkEntropySum, l.routerEntropySum, double(l.routerEntropyTokens),
                double(l.persistencePairs), double(l.persistenceSame) });
    }
    store.saveArray<double>(run, "agg.scalars", BlobType::F64, scalars, { layers, std::int64_t(kScalars) });
}

// Reading, with every field and part checked.
class RunReader {
public:
    RunReader(SessionStore& store, std::int64_t runId)
        : m_store(store)
        , m_runId(runId)
    {
        const auto run = store.run(runId);
        if (!run)
            throw InvalidArgumentError("the session has no analysis run " + std::to_string(runId));
        if (run->kind != kRoutingRunKind)
            throw InvalidArgumentError(
                "analysis run " + std::to_string(runId) + " is a " + run->kind + " run, not a routing trace");
        m_run = *run;
        if (m_run.status != "complete" && m_run.status != "cancelled")
            throw FormatError(where() + " is not complete (status '" + m_run.status + "')");
        m_params = nlohmann::json::parse(m_run.paramsJson, nullptr, false);
        if (!m_params.is_object())
            throw FormatError(where() + ": its parameters are not a JSON object");
        for (auto& b : store.blobs(runId))
            m_parts.emplace(b.name, std::move(b));
    }

    std::string where() const { return m_store.path().string() + ": routing run " + std::to_string(m_runId); }
    const AnalysisRun& run() const { return m_run; }

    std::int64_t integer(const char* key, std::int64_t min, std::int64_t max) const
    {
        const auto it = m_params.find(key);
        if (it == m_params.end() || !it->is_number_integer() || it->get<std::int64_t>() < min
            || it->get<std::int64_t>() > max)
            throw FormatError(where() + ": parameter '" + key + "' is missing or outside [" + std::to_string(min) + ", "
                + std::to_string(max) + "]");
        return it->get<std::int64_t>();
    }
    std::string text(const nlohmann::json& j, const char* key) const
    {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
    const nlohmann::json& params() const { return m_params; }

    std::vector<int> layers() const
    {
        const auto it = m_params.find("layers");
        std::vector<int> out;
        if (it == m_params.end() || !it->is_array() || it->empty() || it->size() > 100000)
            throw FormatError(where() + ": parameter 'layers' is missing or malformed");
        for (const auto& l : *it) {
            if (!l.is_number_integer() || l.get<std::int64_t>() < 0 || l.get<std::int64_t>() > 1000000)
                throw FormatError(where() + ": a MoE layer index is malformed");
            out.push_back(l.get<int>());
        }
        return out;
    }

    std::pair<std::size_t, std::size_t> tokenPair(const nlohmann::json& j, const std::string& what) const
    {
        if (!j.is_array() || j.size() != 2 || !j[0].is_number_unsigned() || !j[1].is_number_unsigned())
            throw FormatError(where() + ": " + what + " has a malformed token range");
        return { j[0].get<std::size_t>(), j[1].get<std::size_t>() };
    }

    // The parameter's array, an empty one when absent; FormatError when it is something else.
    const nlohmann::json& arrayParam(const char* key) const
    {
        static const nlohmann::json kEmpty = nlohmann::json::array();
        const auto it = m_params.find(key);
        if (it == m_params.end())
            return kEmpty;
        if (!it->is_array())
            throw FormatError(where() + ": parameter '" + key + "' is not an array");
        return *it;
    }

    std::vector<RoutingSegment> sections() const
    {
        std::vector<RoutingSegment> out;
        for (const auto& s : arrayParam("sections")) {
            if (!s.is_object())
                throw FormatError(where() + ": a section is not an object");
            RoutingSegment seg;
            seg.key = text(s, "key");
            seg.title = text(s, "title");
            std::tie(seg.tokenBegin, seg.tokenEnd)
                = tokenPair(s.value("tokens", nlohmann::json()), "section '" + seg.key + "'");
            const auto pages = s.value("pages", nlohmann::json());
            if (pages.is_array() && pages.size() == 2 && pages[0].is_number_integer() && pages[1].is_number_integer()) {
                seg.pageStart = pages[0].get<int>();
                seg.pageEnd = pages[1].get<int>();
            }
            out.push_back(std::move(seg));
        }
        return out;
    }

    std::vector<RoutingSegment> pages() const
    {
        std::vector<RoutingSegment> out;
        const auto& pages = arrayParam("pages");
        for (std::size_t p = 0; p < pages.size(); ++p) {
            RoutingSegment seg { std::to_string(p), "page " + std::to_string(p + 1), 0, 0, int(p), int(p) };
            std::tie(seg.tokenBegin, seg.tokenEnd) = tokenPair(pages[p], "page " + std::to_string(p));
            out.push_back(std::move(seg));
        }
        return out;
    }

    // Loads a part holding exactly `elements` values of `type`.
    template <typename T> std::vector<T> part(const std::string& name, BlobType type, std::size_t elements) const
    {
        const auto it = m_parts.find(name);
        if (it == m_parts.end())
            throw FormatError(where() + ": BLOB part '" + name + "' is missing");
        if (it->second.type != type)
            throw FormatError(where() + ": BLOB part '" + name + "' holds " + std::string(blobTypeName(it->second.type))
                + ", expected " + std::string(blobTypeName(type)));
        const std::size_t expected = elements * sizeof(T);
        if (it->second.bytes != expected)
            throw FormatError(where() + ": BLOB part '" + name + "' records " + std::to_string(it->second.bytes)
                + " bytes, expected " + std::to_string(expected));
        // Straight into the typed array (incremental BLOB I/O, one copy); data shorter than recorded is damage.
        std::vector<T> out(elements);
        try {
            if (expected)
                m_store.readBlobRange(m_runId, name, 0, std::as_writable_bytes(std::span(out)));
        } catch (const InvalidArgumentError&) {
            throw FormatError(where() + ": BLOB part '" + name + "' is truncated or damaged (expected "
                + std::to_string(expected) + " bytes)");
        }
        return out;
    }

private:
    SessionStore& m_store;
    std::int64_t m_runId;
    AnalysisRun m_run;
    nlohmann::json m_params;
    std::map<std::string, BlobInfo> m_parts;
};

struct Shape {
    std::vector<int> layers;
    int k = 0;
    int experts = 0;
    std::size_t tokens = 0;
    RouterEntropyKind entropy = RouterEntropyKind::None;
};

Shape readShape(const RunReader& r)
{
    if (r.integer("format", 1, kFormatVersion) != kFormatVersion)
        throw UnsupportedError(r.where() + ": unknown routing trace format");
    Shape s;
    s.layers = r.layers();
    s.experts = int(r.integer("experts", 1, RoutingTrace::kMaxExperts));
    s.k = int(r.integer("k", 1, std::min(s.experts, 64)));
    s.tokens = std::size_t(r.integer("tokens", 0, std::int64_t(RoutingTrace::kMaxTokens) - 1));
    const std::string kind = r.text(r.params(), "router_entropy");
    s.entropy = routerEntropyKindFromName(kind);
    return s;
}

RoutingTraceInfo readInfo(const RunReader& r, RouterEntropyKind entropy)
{
    RoutingTraceInfo i;
    const auto& p = r.params();
    const auto model = p.value("model", nlohmann::json::object());
    if (model.is_object()) {
        i.modelPath = r.text(model, "path");
        i.modelName = r.text(model, "name");
        i.modelType = r.text(model, "type");
    }
    i.device = r.text(p, "device");
    i.dtype = r.text(p, "dtype");
    i.quantization = r.text(p, "quantization");
    i.source = r.text(p, "source");
    i.createdAt = r.text(p, "created_at");
    const auto window = p.value("window", nlohmann::json());
    const auto stride = p.value("stride", nlohmann::json());
    i.window = window.is_number_integer() ? window.get<std::int64_t>() : 0;
    i.stride = stride.is_number_integer() ? stride.get<std::int64_t>() : 0;
    i.routerEntropyKind = entropy;
    return i;
}
} // namespace

std::int64_t saveRoutingRun(SessionStore& store, const RoutingTrace& trace, const RoutingAggregates& aggregates,
    std::optional<std::int64_t> documentId, bool cancelled)
{
    if (aggregates.moeLayers() != trace.moeLayers() || aggregates.k() != trace.k()
        || aggregates.numExperts() != trace.numExperts())
        throw InvalidArgumentError("routing run: the aggregates do not belong to the trace");
    const std::string model = trace.info().modelName.empty() ? trace.info().modelPath : trace.info().modelName;
    const std::int64_t run
        = store.createRun(std::string(kRoutingRunKind), documentId, model, paramsJson(trace, aggregates).dump());
    try {
        saveParts(store, run, trace, aggregates);
        if (!aggregates.sections().empty())
            store.saveRunValues(run, "section", segmentValues(aggregates, aggregates.sections(), true));
        if (!aggregates.pages().empty())
            store.saveRunValues(run, "page", segmentValues(aggregates, aggregates.pages(), false));
        store.updateRun(run, cancelled ? "cancelled" : "complete", summaryJson(trace, aggregates).dump());
    } catch (...) {
        try {
            store.removeRun(run);
        } catch (const Error&) {
            // The original failure is the one to report.
        }
        throw;
    }
    return run;
}

StoredRoutingRun loadRoutingSummary(SessionStore& store, std::int64_t runId)
{
    const RunReader r(store, runId);
    const Shape shape = readShape(r);
    StoredRoutingRun out;
    out.run = r.run();
    out.moeLayers = shape.layers;
    out.k = shape.k;
    out.numExperts = shape.experts;
    out.tokens = shape.tokens;
    out.routerEntropy = shape.entropy != RouterEntropyKind::None;
    out.info = readInfo(r, shape.entropy);
    try {
        out.aggregates = RoutingAggregates(
            shape.layers, shape.k, shape.experts, shape.tokens, r.sections(), r.pages(), shape.entropy);
    } catch (const InvalidArgumentError& e) {
        throw FormatError(r.where() + ": " + e.what());
    }
    RoutingAggregates& a = out.aggregates;
    const std::size_t layers = shape.layers.size(), e = std::size_t(shape.experts);
    const auto counts = r.part<std::int64_t>("agg.counts", BlobType::I64, layers * e);
    const auto top1 = r.part<std::int64_t>("agg.top1_counts", BlobType::I64, layers * e);
    const auto mass = r.part<double>("agg.weight_mass", BlobType::F64, layers * e);
    const auto scalars = r.part<double>("agg.scalars", BlobType::F64, layers * kScalars);
    std::vector<std::int32_t> coactivation;
    if (a.hasCoactivation())
        coactivation = r.part<std::int32_t>("agg.coactivation", BlobType::I32, layers * e * e);
    const std::size_t sections = a.sections().size(), pages = a.pages().size();
    const auto sectionCounts = r.part<std::int32_t>("agg.section_counts", BlobType::I32, layers * sections * e);
    const auto pageCounts = r.part<std::int32_t>("agg.page_counts", BlobType::I32, layers * pages * e);
    const auto unsignedCopy
        = [&](const std::vector<std::int32_t>& from, std::size_t at, std::vector<std::uint32_t>& to, const char* part) {
              for (std::size_t i = 0; i < to.size(); ++i) {
                  if (from[at + i] < 0)
                      throw FormatError(r.where() + ": BLOB part '" + part + "' holds a negative count");
                  to[i] = std::uint32_t(from[at + i]);
              }
          };
    for (std::size_t s = 0; s < layers; ++s) {
        LayerRouting& l = a.layer(int(s));
        std::copy_n(counts.begin() + std::ptrdiff_t(s * e), e, l.counts.begin());
        std::copy_n(top1.begin() + std::ptrdiff_t(s * e), e, l.top1Counts.begin());
        std::copy_n(mass.begin() + std::ptrdiff_t(s * e), e, l.weightMass.begin());
        if (a.hasCoactivation()) {
            // Stored symmetric with the counts on the diagonal; kept as its upper triangle.
            const std::int32_t* m = coactivation.data() + s * e * e;
            for (std::size_t x = 0; x < e; ++x) {
                if (m[x * e + x] != l.counts[x])
                    throw FormatError(r.where() + ": BLOB part 'agg.coactivation' disagrees with 'agg.counts'");
                for (std::size_t y = x + 1; y < e; ++y) {
                    if (m[x * e + y] < 0 || m[x * e + y] != m[y * e + x])
                        throw FormatError(r.where() + ": BLOB part 'agg.coactivation' is not a symmetric count matrix");
                    l.pairCounts[x * e + y] = std::uint32_t(m[x * e + y]);
                }
            }
        }
        unsignedCopy(sectionCounts, s * sections * e, l.sectionCounts, "agg.section_counts");
        unsignedCopy(pageCounts, s * pages * e, l.pageCounts, "agg.page_counts");
        const double* v = scalars.data() + s * kScalars;
        for (std::size_t i = 0; i < kScalars; ++i)
            if (!std::isfinite(v[i]) || v[i] < 0)
                throw FormatError(r.where() + ": BLOB part 'agg.scalars' holds a negative or non-finite value");
        l.tokens = std::int64_t(v[0]);
        l.topkEntropySum = v[1];
        l.routerEntropySum = v[2];
        l.routerEntropyTokens = std::int64_t(v[3]);
        l.persistencePairs = std::int64_t(v[4]);
        l.persistenceSame = std::int64_t(v[5]);
        for (std::size_t x = 0; x < e; ++x)
            if (l.counts[x] < 0 || l.top1Counts[x] < 0 || !(l.weightMass[x] >= 0))
                throw FormatError(r.where() + ": negative or non-finite aggregate for layer "
                    + std::to_string(shape.layers[s]) + ", expert " + std::to_string(x));
    }
    return out;
}

RoutingTrace loadRoutingTrace(SessionStore& store, std::int64_t runId, std::stop_token stop)
{
    const RunReader r(store, runId);
    const Shape shape = readShape(r);
    const std::size_t n = shape.tokens, k = std::size_t(shape.k);
    auto ids = r.part<std::int32_t>("token_ids", BlobType::I32, n);
    const auto rawOffsets = r.part<std::int32_t>("token_offsets", BlobType::I32, n * 2);
    std::vector<TextSpan> offsets(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (rawOffsets[2 * i] < 0 || rawOffsets[2 * i + 1] < rawOffsets[2 * i])
            throw FormatError(r.where() + ": token " + std::to_string(i) + " has a malformed byte span");
        offsets[i] = { std::uint32_t(rawOffsets[2 * i]), std::uint32_t(rawOffsets[2 * i + 1]) };
    }
    for (std::size_t i = 0; i < n; ++i)
        if (ids[i] < 0)
            throw FormatError(r.where() + ": token " + std::to_string(i) + " has a negative id");
    const bool entropy = shape.entropy != RouterEntropyKind::None;
    RoutingTrace trace;
    try {
        trace = RoutingTrace::shell(shape.layers, shape.k, shape.experts, std::move(ids), std::move(offsets), entropy);
    } catch (const InvalidArgumentError& e) {
        throw FormatError(r.where() + ": " + e.what());
    }
    trace.info() = readInfo(r, shape.entropy);
    for (int s = 0; s < trace.layerCount(); ++s) {
        throwIfStopRequested(stop);
        const std::string prefix = "layer." + std::to_string(trace.layerAt(s)) + ".";
        RoutingTrace::LayerArrays arrays;
        if (trace.wideIds())
            arrays.ids16 = r.part<std::uint16_t>(prefix + "ids", BlobType::U16, n * k);
        else
            arrays.ids8 = r.part<std::uint8_t>(prefix + "ids", BlobType::U8, n * k);
        arrays.weights = r.part<std::uint16_t>(prefix + "weights", BlobType::F16, n * k);
        if (entropy)
            arrays.routerEntropy = r.part<std::uint16_t>(prefix + "router_entropy", BlobType::F16, n);
        try {
            trace.adoptLayer(s, std::move(arrays));
        } catch (const FormatError& e) {
            throw FormatError(r.where() + ": " + e.what());
        }
    }
    return trace;
}

} // namespace moescope
