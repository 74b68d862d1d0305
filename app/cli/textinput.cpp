#include "textinput.h"

#include "core/error.h"
#include "io/jsonfile.h"
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace moescope::cli {

namespace {
    constexpr std::size_t kMaxTextBytes = 512u << 20;

    std::vector<std::int32_t> parseIds(const std::string& text, const std::string& file)
    {
        std::vector<std::int32_t> ids;
        const auto first = text.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && text[first] == '[') {
            const auto j = parseJson(text, file);
            for (const auto& v : j) {
                if (!v.is_number_integer())
                    throw FormatError(file + ": expected a JSON list of token ids");
                ids.push_back(v.get<std::int32_t>());
            }
            return ids;
        }
        std::string normalized = text;
        for (auto& c : normalized)
            if (c == ',')
                c = ' ';
        std::istringstream in(normalized);
        std::string word;
        while (in >> word) {
            std::size_t pos = 0;
            long long v = 0;
            try {
                v = std::stoll(word, &pos);
            } catch (const std::exception&) {
                pos = 0;
            }
            if (pos != word.size() || v < 0 || v > INT32_MAX)
                throw FormatError(file + ": '" + word + "' is not a token id");
            ids.push_back(static_cast<std::int32_t>(v));
        }
        return ids;
    }
} // namespace

std::optional<std::vector<std::int32_t>> readTokenInput(Args& args, const std::string& modelDir,
    const std::string& textOption, const std::string& idsOption, const std::string& tokenizerOption)
{
    const auto textFile = args.option(textOption);
    const auto idsFile = args.option(idsOption);
    const auto tokenizer = args.option(tokenizerOption);
    if (textFile && idsFile)
        throw InvalidArgumentError(textOption + " and " + idsOption + " exclude each other");
    if (idsFile)
        return parseIds(readTextFile(*idsFile, kMaxTextBytes), *idsFile);
    if (!textFile)
        return std::nullopt;
    const auto text = readTextFile(*textFile, kMaxTextBytes);
    return Tokenizer::fromFile(tokenizer.value_or(modelDir)).encode(text, true);
}

} // namespace moescope::cli
