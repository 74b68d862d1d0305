#include <cstdint>
#include "tokenizer/alignedtext.h"

#include "tokenizer/unicode/unicode.h"

namespace moescope::tok {

AlignedText AlignedText::fromOriginal(std::string_view s, std::size_t base, bool track)
{
    AlignedText t;
    t.text.assign(s);
    t.track = track;
    if (track) {
        t.align.resize(s.size());
        std::size_t i = 0;
        while (i < s.size()) {
            const std::size_t len = utf8SequenceLength(static_cast<unsigned char>(s[i]));
            const TextSpan span { static_cast<std::uint32_t>(base + i), static_cast<std::uint32_t>(base + i + len) };
            for (std::size_t k = 0; k < len && i + k < s.size(); ++k)
                t.align[i + k] = span;
            i += len;
        }
    }
    return t;
}

void AlignedText::appendSlice(const AlignedText& src, std::size_t from, std::size_t to)
{
    text.append(src.text, from, to - from);
    if (track)
        align.insert(align.end(), src.align.begin() + static_cast<std::ptrdiff_t>(from),
            src.align.begin() + static_cast<std::ptrdiff_t>(to));
}

void AlignedText::appendTransformed(const AlignedText& src, std::size_t from, std::size_t to,
    std::span<const CharChange> changes, std::size_t initialRemoved)
{
    if (!track) {
        for (const auto& c : changes)
            appendUtf8(text, c.c);
        return;
    }
    const std::string_view old(src.text);
    std::size_t offset = from; // next old byte to be consumed
    auto skipChar = [&] {
        if (offset < to)
            offset += utf8SequenceLength(static_cast<unsigned char>(old[offset]));
    };
    for (std::size_t k = 0; k < initialRemoved; ++k)
        skipChar();
    for (const auto& c : changes) {
        TextSpan span;
        if (c.change > 0)
            span = offset >= 1 ? src.align[offset - 1] : TextSpan {};
        else
            span = offset < src.align.size() ? src.align[offset] : (offset >= 1 ? src.align[offset - 1] : TextSpan {});
        if (c.change <= 0) {
            skipChar();
            for (int r = 0; r < -c.change; ++r)
                skipChar();
        }
        const std::size_t before = text.size();
        appendUtf8(text, c.c);
        align.insert(align.end(), text.size() - before, span);
    }
}

TextSpan AlignedText::originalSpan(std::size_t from, std::size_t to) const
{
    if (!track || from >= to || to > align.size())
        return {};
    return { align[from].begin, align[to - 1].end };
}

} // namespace moescope::tok
