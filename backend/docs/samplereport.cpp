// Truth file schema ("moescope.sample_report_truth/1"); page numbers are 0-based physical page indices, the printed
// page label of index i is i + 1 (the cover, index 0, shows none):
// {
//   "schema": "moescope.sample_report_truth/1", "seed": 1, "page_count": 131,
//   "company": { "name", "ticker", "exchange", "fiscal_year_end": "2025-12-31", "segments": [...] },
//   "fiscal_years": [2023, 2024, 2025],
//   "units": { "money": "USD millions", "per_share": "USD per share" },
//   "sections": [ { "part": "I", "item": "1A", "title": "Risk Factors", "heading": "Item 1A. Risk Factors",
//                   "page_start": 12, "page_end": 27 } ],     // page_start: the page of the heading in the body
//                                                              // (not the table of contents); page_end: the last
//                                                              // page holding the Item's content (inclusive; may
//                                                              // equal the next Item's page_start)
//   "parts": [ { "part": "I", "page_start": 4, "page_end": 33 } ],
//   "key_figures": [ { "name": "total_revenue", "year": 2025, "value": 4849, "unit": "USD millions",
//                      "display": "4,849", "statement": "income_statement", "page": 71 } ],
//   "statements": [ { "name": "balance_sheet", "title": "Consolidated Balance Sheets", "page": 73 } ],
//   "contents_pages": [1]
// }

#include "docs/samplereport.h"

#include "docs/flowlayout.h"
#include "docs/pdfwriter.h"
#include "docs/samplereportgenerator.h"
#include "io/jsonfile.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace moescope {

namespace {

nlohmann::ordered_json truthJson(SampleReportGenerator& gen, const LayoutResult& layout)
{
    const auto& c = gen.company();
    const auto& doc = gen.composer();
    nlohmann::ordered_json j;
    j["schema"] = "moescope.sample_report_truth/1";
    j["generator"] = "moescope-cli make-sample-report";
    j["seed"] = gen.seed();
    j["page_count"] = layout.pages.size();
    j["page_indexing"] = "0-based physical page indices; the printed page label of index i is i + 1; the cover "
                         "(index 0) is unnumbered";
    nlohmann::ordered_json segments = nlohmann::ordered_json::array();
    for (const auto& s : c.segments)
        segments.push_back(s.name);
    j["company"] = { { "name", c.name }, { "ticker", c.ticker }, { "exchange", c.exchange },
        { "fiscal_year_end", std::to_string(c.fiscalYear) + "-12-31" }, { "segments", segments } };
    j["fiscal_years"] = { c.fiscalYear - 2, c.fiscalYear - 1, c.fiscalYear };
    j["units"] = { { "money", "USD millions" }, { "per_share", "USD per share" } };

    nlohmann::ordered_json sections = nlohmann::ordered_json::array();
    std::map<std::string, std::pair<int, int>> parts;
    for (const auto& s : doc.sections()) {
        sections.push_back({ { "part", s.part }, { "item", s.item }, { "title", s.title },
            { "heading", "Item " + s.item + ". " + s.title }, { "page_start", s.pageStart },
            { "page_end", s.pageEnd } });
        auto [it, inserted] = parts.try_emplace(s.part, s.pageStart, s.pageEnd);
        it->second.second = std::max(it->second.second, s.pageEnd);
    }
    j["sections"] = sections;
    nlohmann::ordered_json partList = nlohmann::ordered_json::array();
    for (const char* numeral : { "I", "II", "III", "IV" }) {
        const auto it = parts.find(numeral);
        const auto anchor = layout.anchors.find(std::string("part-") + numeral);
        if (it == parts.end() || anchor == layout.anchors.end())
            continue;
        partList.push_back(
            { { "part", numeral }, { "page_start", anchor->second }, { "page_end", it->second.second } });
    }
    j["parts"] = partList;

    nlohmann::ordered_json figures = nlohmann::ordered_json::array();
    for (const auto& f : doc.figures())
        figures.push_back({ { "name", f.name }, { "year", f.year }, { "value", f.value }, { "unit", f.unit },
            { "display", f.display }, { "statement", f.statement }, { "page", f.page } });
    j["key_figures"] = figures;
    nlohmann::ordered_json statements = nlohmann::ordered_json::array();
    for (const auto& p : doc.namedPages())
        statements.push_back({ { "name", p.name }, { "title", p.title }, { "page", p.page } });
    j["statements"] = statements;
    // The table of contents runs from its own page to the page before the forward-looking statements.
    std::set<int> contents;
    const auto first = layout.anchors.find("contents"), next = layout.anchors.find("forward-looking");
    if (first != layout.anchors.end() && next != layout.anchors.end())
        for (int p = first->second; p < next->second; ++p)
            contents.insert(p);
    j["contents_pages"] = contents;
    return j;
}

} // namespace

std::filesystem::path defaultTruthPath(const std::filesystem::path& pdfPath)
{
    std::filesystem::path p = pdfPath;
    p.replace_extension(".truth.json");
    return p;
}

SampleReport makeSampleReport(const SampleReportOptions& options)
{
    SampleReportGenerator gen(options.seed, options.fiscalYear);
    gen.compose();
    const auto& company = gen.company();
    const std::string header = company.name + " | " + std::to_string(company.fiscalYear) + " Form 10-K";

    FlowLayout flow;
    const PageGeometry g = flow.geometry();
    flow.setDecorator([&](PdfPage& page, int index, int) {
        if (index == 0)
            return; // the cover carries no running header or page number
        page.textUtf8(g.marginLeft, g.height - 44, PdfFont::Helvetica, 8, header);
        page.line(g.marginLeft, g.height - 49, g.width - g.marginRight, g.height - 49, 0.4);
        const std::string label = std::to_string(index + 1);
        page.textUtf8((g.width - pdfTextWidth(PdfFont::TimesRoman, 9, label)) / 2, 38, PdfFont::TimesRoman, 9, label);
    });
    const LayoutResult layout = gen.composer().layout(flow);

    PdfDocumentInfo info;
    info.title = company.name + " Annual Report on Form 10-K for the fiscal year ended December 31, "
        + std::to_string(company.fiscalYear);
    info.author = company.name;
    info.subject = "Form 10-K";
    info.keywords = "10-K; annual report; " + company.ticker + "; sample report";
    info.creator = "MoEScope make-sample-report (seed " + std::to_string(options.seed) + ")";
    info.creationDate = "D:" + std::to_string(company.fiscalYear + 1) + "0224160000-05'00'";
    PdfWriter writer(info, { .compress = options.compress });
    for (const auto& page : layout.pages)
        writer.addPage(page);

    SampleReport report;
    report.pdf = writer.toBytes();
    report.truth = truthJson(gen, layout);
    report.pageCount = static_cast<int>(layout.pages.size());
    report.companyName = company.name;
    spdlog::debug("sample report: seed {}, {} pages, {} bytes, {} layout passes", options.seed, report.pageCount,
        report.pdf.size(), layout.passes);
    return report;
}

SampleReport writeSampleReport(
    const SampleReportOptions& options, const std::filesystem::path& pdfPath, const std::filesystem::path& truthPath)
{
    SampleReport report = makeSampleReport(options);
    writeTextFileAtomic(pdfPath, report.pdf);
    writeTextFileAtomic(truthPath, report.truth.dump(2) + "\n");
    return report;
}

} // namespace moescope
