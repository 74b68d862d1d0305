#pragma once
// The project's own sample annual report: a deterministic Form 10-K of a fictional company (US Letter PDF of
// 120+ pages) and its ground truth (Item page ranges, key figures with their pages) for testing ingestion.
// Pure function of the options: the same seed gives the same bytes. Any thread; takes about a second.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace moescope {

struct SampleReportOptions {
    std::uint64_t seed = 1;
    int fiscalYear = 2025;
    bool compress = true; // Flate-compressed content streams
};

struct SampleReport {
    std::string pdf; // the file's bytes
    nlohmann::ordered_json
        truth; // see docs/samplereport.cpp for the schema ("schema": "moescope.sample_report_truth/1")
    int pageCount = 0;
    std::string companyName;
};

// Composes, lays out and writes the report. Throws InvalidArgumentError for a fiscal year outside 2000-2100.
SampleReport makeSampleReport(const SampleReportOptions& options = {});

// "dir/report.pdf" -> "dir/report.truth.json" (the extension, if any, is replaced).
std::filesystem::path defaultTruthPath(const std::filesystem::path& pdfPath);

// makeSampleReport, then writes the PDF and the truth JSON (2-space indented) atomically; throws IoError naming the
// file that could not be written.
SampleReport writeSampleReport(
    const SampleReportOptions& options, const std::filesystem::path& pdfPath, const std::filesystem::path& truthPath);

} // namespace moescope
