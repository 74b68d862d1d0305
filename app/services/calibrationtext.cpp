#include "services/calibrationtext.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <string_view>

namespace moescope {

namespace {
constexpr std::size_t kMaxFileBytes = 512u << 20; // as the CLI's --calib-text-file
// Bytes kept per wanted token before tokenizing: far above any tokenizer's average, so a 500-page report is not
// tokenized for a few thousand tokens (a text of unusually long tokens is tokenized whole instead).
constexpr std::size_t kBytesPerToken = 32;

std::string_view prefix(std::string_view text, std::int64_t maxTokens)
{
    if (maxTokens <= 0 || text.size() / kBytesPerToken <= std::size_t(maxTokens))
        return text;
    auto cut = std::size_t(maxTokens) * kBytesPerToken; // < text.size()
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 sequence
    return text.substr(0, cut);
}
} // namespace

nlohmann::json CalibrationText::describe(std::size_t tokens) const
{
    nlohmann::json j = { { "tokens", tokens } };
    if (source == Source::Document) {
        j["source"] = "document";
        j["document"] = documentName;
    } else if (source == Source::File) {
        j["source"] = "file";
        j["path"] = path;
    } else {
        j["source"] = "none";
    }
    return j;
}

std::vector<std::int32_t> calibrationIds(const Tokenizer& tokenizer, const CalibrationText& text)
{
    std::string fileText;
    std::string_view source;
    std::string where;
    switch (text.source) {
    case CalibrationText::Source::None:
        throw InvalidArgumentError("no calibration text: choose the document or a text file as calibration text");
    case CalibrationText::Source::Document:
        source = text.documentText;
        where = "the document" + (text.documentName.empty() ? std::string() : " " + text.documentName);
        break;
    case CalibrationText::Source::File:
        if (text.path.empty())
            throw InvalidArgumentError("no calibration text file chosen");
        fileText = readTextFile(text.path, kMaxFileBytes);
        source = fileText;
        where = text.path;
        break;
    }
    const auto part = prefix(source, text.maxTokens);
    auto ids = tokenizer.encode(part, true);
    if (part.size() < source.size() && ids.size() < std::size_t(text.maxTokens))
        ids = tokenizer.encode(source, true);
    if (text.maxTokens > 0 && ids.size() > std::size_t(text.maxTokens))
        ids.resize(std::size_t(text.maxTokens));
    if (ids.size() < 2)
        throw InvalidArgumentError("the calibration text (" + where + ") has fewer than two tokens");
    return ids;
}

} // namespace moescope
