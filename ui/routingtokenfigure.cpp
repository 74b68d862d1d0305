#include "ui/routingtokenfigure.h"

#include "core/error.h"
#include "eval/routingreport.h"
#include "io/jsonfile.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace moescope {

namespace {
constexpr double kWidth = 960, kMargin = 32, kFontSize = 12, kLineHeight = 18;

ChartColor toChart(const QColor& c)
{
    return { std::uint8_t(c.red()), std::uint8_t(c.green()), std::uint8_t(c.blue()), 255 };
}

// The bytes of the joined text [begin, end) when they lie on one page, else empty.
std::string_view textOf(const DocumentData& d, std::size_t begin, std::size_t end)
{
    if (d.pages.empty() || d.pageOffsets.size() != d.pages.size() || end <= begin)
        return {};
    const int page = d.pageAt(begin);
    const std::string& text = d.pages[std::size_t(page)].text;
    const std::size_t base = d.pageOffsets[std::size_t(page)];
    const std::size_t b = std::min(text.size(), begin - base), e = std::min(text.size(), end - base);
    return std::string_view(text).substr(b, e > b ? e - b : 0);
}

// Length of the UTF-8 character starting at s[i].
std::size_t charLength(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return std::min(n, s.size() - i);
}

struct Piece {
    std::string text;
    bool token = false;
    ChartColor fill;
    std::string tooltip;
};

// Lays pieces out as wrapped lines from (x0, y0 = first baseline); returns the scene items and the lines used.
struct Body {
    std::vector<ChartItem> items;
    int lines = 0;
    bool truncated = false;
    std::size_t lastToken = 0; // pieces drawn up to this token (exclusive), when truncated
};

class Layout {
public:
    Layout(const ChartTheme& theme, int maxLines)
        : m_theme(theme)
        , m_maxLines(maxLines)
    {
    }
    bool full() const { return m_body.lines >= m_maxLines; }
    void newline()
    {
        ++m_body.lines;
        m_x = 0;
    }
    // Adds text that holds no newline; false once the line budget is spent.
    bool add(std::string_view text, const Piece& p)
    {
        std::size_t i = 0;
        while (i < text.size()) {
            if (full())
                return false;
            // The longest prefix that fits on the line (all of it when it fits; a whole piece moves to the next line
            // rather than being split, unless it is wider than a line).
            std::size_t n = text.size() - i;
            double w = chartTextWidth(text.substr(i, n), kFontSize);
            if (m_x + w > kUsable) {
                if (m_x > 0 && w <= kUsable) {
                    newline();
                    continue;
                }
                n = 0;
                w = 0;
                while (i + n < text.size()) {
                    const std::size_t c = charLength(text, i + n);
                    const double cw = chartTextWidth(text.substr(i, n + c), kFontSize);
                    if (m_x + cw > kUsable && n > 0)
                        break;
                    n += c;
                    w = cw;
                }
            }
            const std::string part(text.substr(i, n));
            const double y = m_body.lines * kLineHeight;
            if (p.token) {
                ChartRect r = chartRect(m_x, y, w, kLineHeight - 2, p.fill, p.tooltip);
                m_body.items.push_back(r);
            }
            const QColor fill(p.fill.r, p.fill.g, p.fill.b);
            m_body.items.push_back(chartText({ m_x, y + kLineHeight - 6 }, sanitizeChartText(part), kFontSize,
                p.token ? toChart(tokenTextColor(fill)) : m_theme.text));
            m_x += w;
            i += n;
            if (i < text.size())
                newline();
        }
        return true;
    }
    Body take() { return std::move(m_body); }

    static constexpr double kUsable = kWidth - 2 * kMargin;

private:
    const ChartTheme& m_theme;
    int m_maxLines;
    Body m_body;
    double m_x = 0;
};
} // namespace

ChartScene routingTokenChart(const RoutingTrace& trace, const DocumentData& document, const RoutingTokenFigureSpec& s)
{
    if (s.tokenBegin > s.tokenEnd || s.tokenEnd > trace.tokenCount() || s.slot < 0 || s.slot >= trace.layerCount())
        throw InvalidArgumentError("token figure: tokens [" + std::to_string(s.tokenBegin) + ", "
            + std::to_string(s.tokenEnd) + ") or slot " + std::to_string(s.slot) + " outside the trace");
    const auto offsets = trace.offsets();
    const double maxBits = std::log2(double(trace.k()));
    Layout layout(s.theme, s.maxLines);
    std::size_t t = s.tokenBegin, drawnTo = s.tokenBegin;
    std::size_t cursor = t < s.tokenEnd ? offsets[t].begin : 0;
    auto addText = [&](std::string_view text, const Piece& p) {
        std::size_t a = 0;
        while (true) {
            const std::size_t nl = text.find('\n', a);
            if (!layout.add(text.substr(a, nl == std::string_view::npos ? std::string_view::npos : nl - a), p))
                return false;
            if (nl == std::string_view::npos)
                return true;
            layout.newline();
            a = nl + 1;
        }
    };
    for (; t < s.tokenEnd && !layout.full(); ++t) {
        const TextSpan span = offsets[t];
        if (span.begin > cursor && !addText(textOf(document, cursor, span.begin), {}))
            break;
        const auto c = summarizeTokenChoice(trace, s.slot, t);
        Piece p;
        p.token = true;
        p.fill = s.coloring == RoutingTokenColoring::TopExpert ? expertChartColor(c.top1)
                                                               : toChart(entropyColor(c.entropyBits, maxBits));
        std::ostringstream tip;
        tip << "token " << t << ": top-1 expert " << c.top1 << " (weight " << formatNumber(c.top1Weight, 3)
            << "), top-k entropy " << formatNumber(c.entropyBits, 2) << " bits";
        p.tooltip = tip.str();
        if (!addText(textOf(document, span.begin, span.end), p))
            break;
        cursor = std::max<std::size_t>(cursor, span.end);
        drawnTo = t + 1;
    }
    Body body = layout.take();

    const int layer = trace.layerAt(s.slot);
    const int page
        = document.pages.empty() || s.tokenBegin >= s.tokenEnd ? 0 : document.pageAt(offsets[s.tokenBegin].begin);
    const std::string title = (s.coloring == RoutingTokenColoring::TopExpert ? "Tokens by top-1 expert, layer "
                                                                             : "Tokens by routing entropy, layer ")
        + std::to_string(layer) + ", page " + std::to_string(page + 1);
    const std::string subtitle = s.modelName + ", tokens " + std::to_string(s.tokenBegin) + " to "
        + std::to_string(drawnTo == s.tokenBegin ? s.tokenBegin : drawnTo - 1) + " of "
        + std::to_string(trace.tokenCount()) + " (top-" + std::to_string(trace.k()) + " of "
        + std::to_string(trace.numExperts()) + " experts); "
        + (s.coloring == RoutingTokenColoring::TopExpert
                ? "background: the expert with the largest routing weight (colours repeat every 9 experts, see legend)"
                : "background: entropy of the token's top-k routing weights renormalised to 1, in bits (0: one "
                  "expert takes all, log2 k: equal weights)");

    auto header = [&](ChartScene& scene) {
        double y = addTitleBlock(scene, s.theme, kMargin, title, subtitle, kWidth - 2 * kMargin) + 4;
        if (s.coloring == RoutingTokenColoring::TopExpert) {
            std::vector<LegendEntry> entries;
            for (int i = 0; i < std::min(trace.numExperts(), kExpertPaletteSize); ++i)
                entries.push_back({ "expert" + std::string(trace.numExperts() > kExpertPaletteSize ? "s " : " ")
                        + expertsOfPaletteEntry(i, trace.numExperts()),
                    expertChartColor(i) });
            y = addLegend(scene, s.theme, kMargin, y, kWidth - 2 * kMargin, entries);
        } else {
            scene.add(chartText({ kMargin, y + 12 }, "top-k weight entropy (bits)", 12, s.theme.text));
            const double x0 = kMargin + chartTextWidth("top-k weight entropy (bits)", 12) + 12, w = 240;
            for (int i = 0; i < 60; ++i)
                scene.add(chartRect(
                    x0 + w * i / 60, y + 2, w / 60 + 0.5, 12, toChart(entropyColor(maxBits * i / 59.0, maxBits))));
            scene.add(chartText({ x0, y + 28 }, "0", 11, s.theme.mutedText, TextAnchor::Middle));
            scene.add(chartText(
                { x0 + w, y + 28 }, formatNumber(maxBits, 2) + " = log2 k", 11, s.theme.mutedText, TextAnchor::Middle));
            y += 34;
        }
        return y + 10;
    };
    ChartScene probe(kWidth, 100, s.theme.background, title);
    const double top = header(probe);
    ChartScene scene(
        kWidth, top + std::max(1, body.lines + 1) * kLineHeight + kMargin, s.theme.background, title, subtitle);
    header(scene);
    for (auto& item : body.items) {
        std::visit(
            [&](auto& i) {
                using T = std::decay_t<decltype(i)>;
                if constexpr (std::is_same_v<T, ChartRect>) {
                    i.x += kMargin;
                    i.y += top;
                } else if constexpr (std::is_same_v<T, ChartText>) {
                    i.at.x += kMargin;
                    i.at.y += top;
                }
            },
            item);
        scene.add(std::move(item));
    }
    return scene;
}

void writeRoutingTokenCsv(const RoutingTrace& trace, const DocumentData& document, int slot, std::size_t tokenBegin,
    std::size_t tokenEnd, const std::filesystem::path& file)
{
    if (tokenBegin > tokenEnd || tokenEnd > trace.tokenCount() || slot < 0 || slot >= trace.layerCount())
        throw InvalidArgumentError("token table: tokens or slot outside the trace");
    std::string out = "token,token_id,page,byte_begin,byte_end,text,layer,top1_expert,top1_weight,topk_entropy_bits,"
                      "experts,weights\n";
    const auto offsets = trace.offsets();
    for (std::size_t t = tokenBegin; t < tokenEnd; ++t) {
        const auto c = summarizeTokenChoice(trace, slot, t);
        std::string experts, weights;
        for (int j = 0; j < trace.k(); ++j) {
            experts += (j ? " " : "") + std::to_string(trace.expert(slot, t, j));
            weights += (j ? " " : "") + formatNumber(trace.weight(slot, t, j), 4);
        }
        const int page = document.pages.empty() ? -1 : document.pageAt(offsets[t].begin);
        out += std::to_string(t) + ',' + std::to_string(trace.tokenIds()[t]) + ',' + std::to_string(page + 1) + ','
            + std::to_string(offsets[t].begin) + ',' + std::to_string(offsets[t].end) + ','
            + csvField(std::string(textOf(document, offsets[t].begin, offsets[t].end))) + ','
            + std::to_string(trace.layerAt(slot)) + ',' + std::to_string(c.top1) + ',' + formatNumber(c.top1Weight, 4)
            + ',' + formatNumber(c.entropyBits, 4) + ',' + experts + ',' + weights + '\n';
    }
    writeTextFileAtomic(file, out);
}

} // namespace moescope
