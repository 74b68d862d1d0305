#include "docs/sectiondetector.h"

#include "docs/pagefurniture.h"
#include "docs/textutil.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>

namespace moescope {

namespace {

struct ItemInfo {
    std::string_view item;
    std::string_view part;
    std::string_view title;
    std::array<std::string_view, 3> keywords; // a title must contain one of them (lower case)
};

constexpr std::array<ItemInfo, 23> kItems = { {
    { "1", "I", "Business", { "business" } },
    { "1A", "I", "Risk Factors", { "risk" } },
    { "1B", "I", "Unresolved Staff Comments", { "unresolved", "staff" } },
    { "1C", "I", "Cybersecurity", { "cyber" } },
    { "2", "I", "Properties", { "properties" } },
    { "3", "I", "Legal Proceedings", { "legal" } },
    { "4", "I", "Mine Safety Disclosures", { "mine", "submission of matters" } },
    { "5", "II", "Market for Registrant's Common Equity", { "market" } },
    { "6", "II", "[Reserved]", { "reserved", "selected" } },
    { "7", "II", "Management's Discussion and Analysis", { "management", "discussion" } },
    { "7A", "II", "Quantitative and Qualitative Disclosures About Market Risk", { "quantitative", "market risk" } },
    { "8", "II", "Financial Statements and Supplementary Data", { "financial statements" } },
    { "9", "II", "Changes in and Disagreements with Accountants", { "changes", "disagreements", "accountants" } },
    { "9A", "II", "Controls and Procedures", { "controls" } },
    { "9B", "II", "Other Information", { "other information" } },
    { "9C", "II", "Disclosure Regarding Foreign Jurisdictions that Prevent Inspections",
        { "foreign", "jurisdiction", "inspection" } },
    { "10", "III", "Directors, Executive Officers and Corporate Governance", { "directors", "governance" } },
    { "11", "III", "Executive Compensation", { "compensation" } },
    { "12", "III", "Security Ownership of Certain Beneficial Owners and Management",
        { "security ownership", "beneficial" } },
    { "13", "III", "Certain Relationships and Related Transactions", { "relationships", "related transactions" } },
    { "14", "III", "Principal Accountant Fees and Services", { "accountant", "accounting fees", "principal" } },
    { "15", "IV", "Exhibits and Financial Statement Schedules", { "exhibit" } },
    { "16", "IV", "Form 10-K Summary", { "summary" } },
} };

int rankOf(std::string_view item)
{
    for (std::size_t i = 0; i < kItems.size(); ++i)
        if (kItems[i].item == item)
            return int(i);
    return -1;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trimLeft(std::string_view s)
{
    while (!s.empty() && isBlank(s.front()))
        s.remove_prefix(1);
    return s;
}

// Strips leading separators: blanks, '.', ':', '-', '|', en and em dashes.
std::string_view stripSeparators(std::string_view s)
{
    for (;;) {
        s = trimLeft(s);
        if (!s.empty() && (s[0] == '.' || s[0] == ':' || s[0] == '-' || s[0] == '|'))
            s.remove_prefix(1);
        else if (s.starts_with("\xE2\x80\x94") || s.starts_with("\xE2\x80\x93"))
            s.remove_prefix(3);
        else
            return s;
    }
}

bool startsWithWord(std::string_view s, std::string_view word)
{
    if (s.size() < word.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != word[i])
            return false;
    return s.size() == word.size() || !std::isalpha(static_cast<unsigned char>(s[word.size()]));
}

struct ItemHeading {
    int rank = -1;
    std::string title;
    bool endsWithNumber = false;
};

// "Item 1A. Risk Factors", "ITEM 7 Management's ...", "Item 7. - Management's ...", "Item 9C" (title on next line).
bool parseItemHeading(std::string_view line, ItemHeading& out)
{
    std::string_view s = trimLeft(line);
    if (!startsWithWord(s, "item"))
        return false;
    s = trimLeft(s.substr(4));
    std::size_t digits = 0;
    while (digits < s.size() && digits < 3 && std::isdigit(static_cast<unsigned char>(s[digits])))
        ++digits;
    if (digits == 0 || digits > 2)
        return false;
    std::string item(s.substr(0, digits));
    s.remove_prefix(digits);
    if (!s.empty() && std::strchr("ABCabc", s[0])
        && (s.size() == 1 || !std::isalpha(static_cast<unsigned char>(s[1])))) {
        item += char(std::toupper(static_cast<unsigned char>(s[0])));
        s.remove_prefix(1);
    }
    // What follows the number must be a separator or the end: "Item 1, Business" and "Item 8 of ..." are references.
    if (!s.empty() && !isBlank(s[0]) && !std::strchr(".:-|", s[0]) && !s.starts_with("\xE2\x80"))
        return false;
    out.rank = rankOf(item);
    if (out.rank < 0)
        return false;
    std::string title = collapseWhitespace(stripSeparators(s));
    // A trailing page number marks a table-of-contents entry.
    std::size_t end = title.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(title[end - 1])))
        --end;
    if (end < title.size() && (end == 0 || title[end - 1] == ' ')) {
        out.endsWithNumber = true;
        title.resize(end);
        while (!title.empty() && title.back() == ' ')
            title.pop_back();
    }
    while (!title.empty() && (title.back() == '.' || title.back() == ' '))
        title.pop_back();
    if (!title.empty() && std::islower(static_cast<unsigned char>(title[0])))
        return false; // "Item 8 of this Annual Report", "Item 7 above"
    if (title.size() > 240)
        return false;
    out.title = title;
    return true;
}

bool titleMatches(int rank, const std::string& title)
{
    const std::string lower = toLowerAscii(title);
    for (auto k : kItems[std::size_t(rank)].keywords)
        if (!k.empty() && lower.find(k) != std::string::npos)
            return true;
    return false;
}

// "PART I", "Part II — Other Information"; not "Part I, Item 1A, ...".
bool parsePartHeading(std::string_view line, std::string& part)
{
    std::string_view s = trimLeft(line);
    if (!startsWithWord(s, "part"))
        return false;
    s = trimLeft(s.substr(4));
    for (std::string_view roman : { "iv", "iii", "ii", "i" }) {
        if (!startsWithWord(s, roman))
            continue;
        std::string_view rest = trimLeft(s.substr(roman.size()));
        if (!rest.empty() && (rest[0] == ',' || std::isalnum(static_cast<unsigned char>(rest[0]))))
            return false;
        if (collapseWhitespace(line).size() > 80)
            return false;
        part = std::string(roman);
        for (auto& c : part)
            c = char(std::toupper(static_cast<unsigned char>(c)));
        return true;
    }
    return false;
}

struct Candidate {
    int rank;
    std::string title;
    int page;
    std::size_t offset;
    double weight = 1;
};

struct PartCandidate {
    std::string part;
    int page;
    std::size_t offset;
};

} // namespace

const std::vector<std::string_view>& SectionDetector::itemOrder()
{
    static const std::vector<std::string_view> order = [] {
        std::vector<std::string_view> v;
        for (const auto& i : kItems)
            v.push_back(i.item);
        return v;
    }();
    return order;
}

std::string_view SectionDetector::partOfItem(std::string_view item)
{
    const int r = rankOf(item);
    return r < 0 ? std::string_view() : kItems[std::size_t(r)].part;
}

std::string_view SectionDetector::standardTitle(std::string_view item)
{
    const int r = rankOf(item);
    return r < 0 ? std::string_view() : kItems[std::size_t(r)].title;
}

DocumentStructure SectionDetector::detect(const Document& document) const
{
    const PageFurniture furniture(document);
    std::vector<Candidate> candidates;
    std::vector<PartCandidate> partCandidates;
    std::vector<std::size_t> firstBodyOffset(std::size_t(document.pageCount()), std::string::npos);
    std::vector<std::size_t> signatures; // offsets of "SIGNATURES" headings (end of the items)
    for (int page = 0; page < document.pageCount(); ++page) {
        const std::vector<TextLine> lines = furniture.bodyLines(page);
        if (!lines.empty())
            firstBodyOffset[std::size_t(page)] = lines.front().offset;
        for (const auto& l : lines) {
            const std::string t = toLowerAscii(collapseWhitespace(l.text));
            if (t == "signatures" || t == "signature")
                signatures.push_back(l.offset);
        }
        std::vector<Candidate> onPage;
        std::vector<PartCandidate> partsOnPage;
        int numbered = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            std::string part;
            if (parsePartHeading(lines[i].text, part)) {
                partsOnPage.push_back({ part, page, lines[i].offset });
                continue;
            }
            ItemHeading h;
            if (!parseItemHeading(lines[i].text, h))
                continue;
            if (h.title.empty() && i + 1 < lines.size()) {
                // Title on the next line ("ITEM 7." / "MANAGEMENT'S DISCUSSION ...").
                ItemHeading next;
                std::string nextPart;
                if (!parseItemHeading(lines[i + 1].text, next) && !parsePartHeading(lines[i + 1].text, nextPart)) {
                    h.title = collapseWhitespace(lines[i + 1].text);
                    if (h.title.size() > 240)
                        h.title.clear();
                }
            }
            if (!titleMatches(h.rank, h.title))
                continue;
            numbered += h.endsWithNumber;
            if (h.endsWithNumber)
                continue; // a table-of-contents entry
            onPage.push_back({ h.rank, h.title, page, lines[i].offset });
        }
        // A table of contents lists many items with page numbers; body headings on such a page are dropped too.
        const bool tocPage = numbered >= 3 && numbered * 2 >= numbered + int(onPage.size());
        if (tocPage)
            continue;
        // Many headings on one page are weaker evidence each (a table of contents without page numbers).
        for (auto& c : onPage) {
            c.weight = 1.0 / std::sqrt(double(onPage.size()));
            candidates.push_back(std::move(c));
        }
        partCandidates.insert(partCandidates.end(), partsOnPage.begin(), partsOnPage.end());
    }

    // Heaviest chain of headings in strictly increasing item order.
    const std::size_t n = candidates.size();
    std::vector<double> best(n);
    std::vector<int> prev(n, -1);
    int bestEnd = -1;
    for (std::size_t i = 0; i < n; ++i) {
        best[i] = candidates[i].weight;
        for (std::size_t j = 0; j < i; ++j)
            if (candidates[j].rank < candidates[i].rank && best[j] + candidates[i].weight > best[i] + 1e-9) {
                best[i] = best[j] + candidates[i].weight;
                prev[i] = int(j);
            }
        if (bestEnd < 0 || best[i] > best[std::size_t(bestEnd)] + 1e-9)
            bestEnd = int(i);
    }
    std::vector<const Candidate*> chain;
    for (int i = bestEnd; i >= 0; i = prev[std::size_t(i)])
        chain.push_back(&candidates[std::size_t(i)]);
    std::reverse(chain.begin(), chain.end());

    DocumentStructure out;
    for (const Candidate* c : chain) {
        Section s;
        s.item = std::string(kItems[std::size_t(c->rank)].item);
        s.part = std::string(kItems[std::size_t(c->rank)].part);
        s.title = c->title.empty() ? std::string(kItems[std::size_t(c->rank)].title) : c->title;
        s.pageStart = c->page;
        s.offset = c->offset;
        out.sections.push_back(std::move(s));
    }

    // Parts: the last "PART X" heading before the part's first item (and after the previous part's items).
    std::size_t floorOffset = 0;
    for (std::string_view part : { "I", "II", "III", "IV" }) {
        auto first = std::find_if(out.sections.begin(), out.sections.end(), [&](auto& s) { return s.part == part; });
        if (first == out.sections.end())
            continue;
        PartRange range { std::string(part), first->pageStart, first->pageStart, first->offset };
        for (const auto& pc : partCandidates)
            if (pc.part == part && pc.offset <= first->offset && pc.offset >= floorOffset) {
                range.pageStart = pc.page;
                range.offset = pc.offset;
            }
        for (const auto& s : out.sections)
            if (s.part == part)
                floorOffset = s.offset;
        out.parts.push_back(std::move(range));
    }

    // A range ends where the next heading (item, part or the signatures) starts: on that page, or on the page
    // before when the heading opens its page.
    std::vector<std::size_t> boundaries;
    for (const auto& s : out.sections)
        boundaries.push_back(s.offset);
    for (const auto& p : out.parts)
        boundaries.push_back(p.offset);
    if (!out.sections.empty())
        for (std::size_t sig : signatures)
            if (sig > out.sections.back().offset) {
                boundaries.push_back(sig);
                break;
            }
    std::sort(boundaries.begin(), boundaries.end());
    const int lastPage = std::max(0, document.pageCount() - 1);
    auto endBefore = [&](std::size_t offset, int startPage) {
        auto it = std::upper_bound(boundaries.begin(), boundaries.end(), offset);
        if (it == boundaries.end())
            return lastPage;
        const int page = document.pageAt(*it);
        const bool opens = firstBodyOffset[std::size_t(page)] == *it;
        return std::max(startPage, opens ? page - 1 : page);
    };
    for (auto& s : out.sections)
        s.pageEnd = endBefore(s.offset, s.pageStart);
    for (auto& p : out.parts) {
        p.pageEnd = p.pageStart;
        for (const auto& s : out.sections)
            if (s.part == p.part)
                p.pageEnd = std::max(p.pageEnd, s.pageEnd);
    }
    return out;
}

} // namespace moescope
