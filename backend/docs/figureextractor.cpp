#include "docs/figureextractor.h"

#include "docs/pagefurniture.h"
#include "docs/tablerow.h"
#include "docs/textutil.h"

#include <array>
#include <functional>
#include <optional>
#include <regex>

namespace moescope {

namespace {

constexpr int kTitleLines = 10; // a statement's title is among the first body lines of its page
constexpr int kNoMatch = 0;

bool has(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}
bool startsWith(const std::string& s, std::string_view p)
{
    return s.rfind(p, 0) == 0;
}

std::optional<StatementKind> statementTitle(std::string_view line)
{
    static const std::regex income(
        R"(^(consolidated |combined )?(statements? of (consolidated )?(income|operations|earnings)( \(loss\))?|income statements?)( \(continued\))?$)");
    static const std::regex balance(
        R"(^(consolidated |combined )?(balance sheets?|statements? of (consolidated )?financial (position|condition))( \(continued\))?$)");
    static const std::regex cash(
        R"(^(consolidated |combined )?statements? of (consolidated )?cash flows?( \(continued\))?$)");
    if (line.size() > 120)
        return std::nullopt;
    const std::string n = normalizeLabel(line);
    if (std::regex_match(n, income))
        return StatementKind::Income;
    if (std::regex_match(n, balance))
        return StatementKind::BalanceSheet;
    if (std::regex_match(n, cash))
        return StatementKind::CashFlow;
    return std::nullopt;
}

std::string unitOf(const std::vector<TextLine>& lines)
{
    for (std::size_t i = 0; i < lines.size() && i < 15; ++i) {
        const std::string l = toLowerAscii(lines[i].text);
        if (has(l, "in billions") || has(l, "(billions"))
            return "billions";
        if (has(l, "millions"))
            return "millions";
        if (has(l, "thousands"))
            return "thousands";
    }
    return {};
}

// Priority of a row label for a figure: 1 is best, kNoMatch when the row is not that figure. context is the label
// of the last row without values above it (a sub-heading such as "Net income per common share").
using Rule = std::function<int(const std::string& label, const std::string& context)>;

int revenuePriority(const std::string& l, const std::string&)
{
    static const std::array<std::string_view, 6> total = { "total revenues", "total revenue", "total net revenues",
        "total net revenue", "total net sales", "total sales" };
    static const std::array<std::string_view, 8> net = { "net sales", "net revenues", "net revenue", "revenues, net",
        "sales, net", "net sales and revenues", "net operating revenues", "total revenues and other income" };
    static const std::array<std::string_view, 4> plain = { "revenues", "revenue", "sales", "sales to customers" };
    for (auto t : total)
        if (l == t)
            return 1;
    for (auto t : net)
        if (l == t)
            return 2;
    for (auto t : plain)
        if (l == t)
            return 3;
    return kNoMatch;
}

int netIncomePriority(const std::string& l, const std::string&)
{
    if (has(l, "per share") || has(l, "per common share") || has(l, "per ordinary share") || has(l, "noncontrolling")
        || has(l, "non-controlling") || has(l, "minority") || has(l, "before") || has(l, "continuing")
        || has(l, "discontinued") || has(l, "comprehensive"))
        return kNoMatch;
    const bool netPrefix = startsWith(l, "net income") || startsWith(l, "net earnings") || startsWith(l, "net loss")
        || startsWith(l, "net (loss)") || startsWith(l, "net (income)");
    if (!netPrefix)
        return kNoMatch;
    if (has(l, "attributable to") || has(l, "applicable to"))
        return has(l, "common") ? 2 : 1;
    static const std::array<std::string_view, 9> plain
        = { "net income", "net earnings", "net loss", "net income (loss)", "net (loss) income", "net (loss)/income",
              "net income/(loss)", "net loss (income)", "net (loss) earnings" };
    for (auto t : plain)
        if (l == t)
            return 3;
    return kNoMatch;
}

int dilutedEpsPriority(const std::string& l, const std::string& context)
{
    if (!has(l, "diluted") || has(l, "weighted") || has(l, "average") || has(l, "shares outstanding")
        || has(l, "number of") || has(l, "continuing") || has(l, "discontinued") || has(l, "dividend"))
        return kNoMatch;
    if (has(l, "per share") || has(l, "per common share") || has(l, "per ordinary share") || has(l, "earnings")
        || has(l, "loss") || has(l, "income"))
        return 1;
    // "Diluted" under a sub-heading such as "Net Income Attributable to PepsiCo per Common Share".
    if ((has(context, "per share") || has(context, "per common share") || has(context, "earnings per"))
        && !has(context, "weighted") && !has(context, "shares outstanding"))
        return 2;
    return kNoMatch;
}

int totalAssetsPriority(const std::string& l, const std::string&)
{
    return l == "total assets" ? 1 : kNoMatch;
}

int totalLiabilitiesPriority(const std::string& l, const std::string&)
{
    return l == "total liabilities" ? 1 : kNoMatch;
}

int liabilitiesAndEquityPriority(const std::string& l, const std::string&)
{
    static const std::regex r(
        R"(^total liabilities,? (and|&) ((share|stock)holders'? |shareowners'? )?(equity|deficit|equity \(deficit\)|\(deficit\) equity)$)");
    return std::regex_match(l, r) ? 1 : kNoMatch;
}

int totalEquityPriority(const std::string& l, const std::string&)
{
    if (l == "total equity" || l == "total equity (deficit)" || l == "total (deficit) equity" || l == "total deficit")
        return 1;
    static const std::regex r(R"(^total ((share|stock)holders'? |shareowners'? )(equity|deficit|equity \(deficit\))$)");
    return std::regex_match(l, r) ? 2 : kNoMatch;
}

int operatingCashPriority(const std::string& l, const std::string&)
{
    if (!has(l, "operating activities") || has(l, "investing") || has(l, "financing") || has(l, "adjustments")
        || has(l, "reconcile") || has(l, "discontinued"))
        return kNoMatch;
    if (!(startsWith(l, "net cash") || startsWith(l, "cash provided") || startsWith(l, "cash generated")
            || startsWith(l, "cash flows provided") || startsWith(l, "cash flow provided") || startsWith(l, "cash from")
            || startsWith(l, "cash (used")))
        return kNoMatch;
    return has(l, "continuing") ? 2 : 1;
}

struct Match {
    std::string label;
    std::vector<double> values;
    std::vector<int> years;
    int page = -1;
    int priority = 1 << 20;
};

class StatementReader {
public:
    StatementReader(const Document& doc, const PageFurniture& furniture)
        : m_doc(doc)
        , m_furniture(furniture)
    {
    }

    // Best row for rule on pages [first, last]; the matched row's values are mapped to the nearest year header.
    Match find(int first, int last, const Rule& rule) const
    {
        Match best;
        for (int p = first; p <= last && p < m_doc.pageCount(); ++p) {
            std::vector<int> years;
            std::string context;
            for (const auto& line : m_furniture.bodyLines(p)) {
                const std::vector<int> header = parseYearHeader(line.text);
                if (!header.empty()) {
                    years = header;
                    continue;
                }
                TableRow row = parseTableRow(line.text);
                const std::string label = normalizeLabel(row.label);
                if (row.values.empty()) {
                    if (!label.empty())
                        context = label;
                    continue;
                }
                const int prio = rule(label, context);
                if (prio == kNoMatch || prio >= best.priority || years.empty() || row.values.size() < years.size())
                    continue;
                best.priority = prio;
                best.label = collapseWhitespace(row.label);
                best.values.assign(row.values.end() - std::ptrdiff_t(years.size()), row.values.end());
                best.years = years;
                best.page = p;
            }
        }
        return best;
    }

    bool hasRow(int page, const Rule& rule) const { return find(page, page, rule).page >= 0; }

private:
    const Document& m_doc;
    const PageFurniture& m_furniture;
};

void addFigures(FinancialFigures& out, const std::string& name, const Match& m, const std::string& unit,
    bool derived = false, const std::string& note = {})
{
    if (m.page < 0)
        return;
    for (std::size_t i = 0; i < m.years.size(); ++i) {
        if (out.find(name, m.years[i]))
            continue;
        out.figures.push_back({ name, m.years[i], m.values[i], m.page, m.label, unit, derived, note });
    }
}

} // namespace

FinancialFigures FigureExtractor::extract(const Document& document) const
{
    const PageFurniture furniture(document);
    const StatementReader reader(document, furniture);
    FinancialFigures out;
    const std::array<Rule, 3> anchors = {
        Rule([](const std::string& l, const std::string& c) {
            return revenuePriority(l, c) != kNoMatch ? 1 : netIncomePriority(l, c);
        }),
        Rule(totalAssetsPriority),
        Rule(operatingCashPriority),
    };
    std::array<bool, 3> found {};
    std::vector<std::pair<int, StatementKind>> titlePages; // every statement-title page, to bound continuations
    for (int p = 0; p < document.pageCount(); ++p) {
        const std::vector<TextLine> lines = furniture.bodyLines(p);
        for (std::size_t i = 0; i < lines.size() && i < std::size_t(kTitleLines); ++i) {
            const auto kind = statementTitle(lines[i].text);
            if (!kind)
                continue;
            titlePages.emplace_back(p, *kind);
            const auto k = std::size_t(*kind);
            if (found[k] || !reader.hasRow(p, anchors[k]))
                break;
            found[k] = true;
            FinancialStatement s;
            s.kind = *kind;
            s.title = collapseWhitespace(lines[i].text);
            s.pageStart = s.pageEnd = p;
            s.unit = unitOf(lines);
            for (const auto& l : lines)
                if (auto y = parseYearHeader(l.text); !y.empty()) {
                    s.years = y;
                    break;
                }
            out.statements.push_back(std::move(s));
            break;
        }
    }
    // A statement may continue on the next page unless that page starts another statement.
    for (auto& s : out.statements) {
        const int next = s.pageStart + 1;
        const bool otherStarts = std::any_of(titlePages.begin(), titlePages.end(),
            [&](const auto& tp) { return tp.first == next && tp.second != s.kind; });
        if (next < document.pageCount() && !otherStarts)
            s.pageEnd = next;
    }

    for (const auto& s : out.statements) {
        const int first = s.pageStart, last = s.pageEnd;
        switch (s.kind) {
        case StatementKind::Income:
            addFigures(out, "total_revenue", reader.find(first, last, revenuePriority), s.unit);
            addFigures(out, "net_income", reader.find(first, last, netIncomePriority), s.unit);
            addFigures(out, "diluted_eps", reader.find(first, last, dilutedEpsPriority), "per share");
            break;
        case StatementKind::BalanceSheet: {
            addFigures(out, "total_assets", reader.find(first, last, totalAssetsPriority), s.unit);
            const Match liabilities = reader.find(first, last, totalLiabilitiesPriority);
            if (liabilities.page >= 0) {
                addFigures(out, "total_liabilities", liabilities, s.unit);
                break;
            }
            Match both = reader.find(first, last, liabilitiesAndEquityPriority);
            const Match equity = reader.find(first, last, totalEquityPriority);
            if (both.page < 0 || equity.page < 0 || both.years != equity.years)
                break;
            const std::string note
                = "no Total liabilities line: computed as '" + both.label + "' minus '" + equity.label + "'";
            for (std::size_t i = 0; i < both.values.size(); ++i)
                both.values[i] -= equity.values[i];
            both.label = both.label + " - " + equity.label;
            addFigures(out, "total_liabilities", both, s.unit, true, note);
            break;
        }
        case StatementKind::CashFlow:
            addFigures(out, "operating_cash_flow", reader.find(first, last, operatingCashPriority), s.unit);
            break;
        }
    }
    return out;
}

} // namespace moescope
