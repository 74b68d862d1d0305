#include <cstdint>
#include "tokenizer/bytelevel.h"

#include "tokenizer/unicode/unicode.h"

#include <array>

namespace moescope::tok {

namespace {

struct Tables {
    std::array<char32_t, 256> byteToChar {};
    std::array<std::int16_t, 512> charToByte {}; // every alphabet character is < 512
    std::array<std::string, 256> byteToUtf8 {};
    Tables()
    {
        charToByte.fill(-1);
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            byteToChar[b] = printable ? char32_t(b) : next++;
            charToByte[byteToChar[b]] = static_cast<std::int16_t>(b);
            byteToUtf8[b] = toUtf8(byteToChar[b]);
        }
    }
};

const Tables& tables()
{
    static const Tables t;
    return t;
}

} // namespace

char32_t byteLevelChar(std::uint8_t b)
{
    return tables().byteToChar[b];
}

std::optional<std::uint8_t> byteLevelByte(char32_t c)
{
    if (c >= 512 || tables().charToByte[c] < 0)
        return std::nullopt;
    return static_cast<std::uint8_t>(tables().charToByte[c]);
}

std::string toByteLevel(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char b : bytes)
        out += tables().byteToUtf8[static_cast<std::uint8_t>(b)];
    return out;
}

std::optional<std::string> fromByteLevel(std::string_view text)
{
    if (findInvalidUtf8(text) != std::string_view::npos)
        return std::nullopt;
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto b = byteLevelByte(decodeUtf8(text, pos));
        if (!b)
            return std::nullopt;
        out.push_back(static_cast<char>(*b));
    }
    return out;
}

} // namespace moescope::tok
