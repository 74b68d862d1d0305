#include <cstdint>
#include "tokenizer/unicode/unicodenormalization.h"

#include "tokenizer/unicode/unicode.h"

#include <vector>

namespace moescope::tok {

namespace {

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kTCount = 28, kNCount = 21 * 28, kSCount = 19 * 21 * 28;

bool composes(NormalizationForm f)
{
    return f == NormalizationForm::Nfc || f == NormalizationForm::Nfkc;
}
bool compat(NormalizationForm f)
{
    return f == NormalizationForm::Nfkc || f == NormalizationForm::Nfkd;
}

bool isInert(char32_t cp, NormalizationForm f)
{
    if (cp < 0x80)
        return true;
    switch (f) {
    case NormalizationForm::Nfc:
        return isNfcInert(cp);
    case NormalizationForm::Nfkc:
        return isNfkcInert(cp);
    case NormalizationForm::Nfd:
        return combiningClass(cp) == 0 && !(cp >= kSBase && cp < kSBase + kSCount)
            && canonicalDecomposition(cp).empty();
    case NormalizationForm::Nfkd:
        return combiningClass(cp) == 0 && !(cp >= kSBase && cp < kSBase + kSCount)
            && compatibilityDecomposition(cp).empty();
    }
    return false;
}

struct Decomposed {
    char32_t c;
    int change;
    std::uint8_t ccc;
};

void decompose(char32_t cp, bool compatibility, std::vector<Decomposed>& out)
{
    const std::size_t first = out.size();
    auto push = [&](char32_t c) { out.push_back({ c, out.size() == first ? 0 : 1, combiningClass(c) }); };
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        push(kLBase + s / kNCount);
        push(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount)
            push(kTBase + s % kTCount);
        return;
    }
    const auto d = compatibility ? compatibilityDecomposition(cp) : canonicalDecomposition(cp);
    if (d.empty()) {
        push(cp);
        return;
    }
    for (auto c : d)
        push(c);
}

void canonicalOrder(std::vector<Decomposed>& v)
{
    // Stable insertion sort of each run of non-starters by combining class.
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i].ccc == 0)
            continue;
        std::size_t j = i;
        while (j > 0 && v[j - 1].ccc > v[j].ccc) {
            std::swap(v[j - 1], v[j]);
            --j;
        }
    }
}

void compose(std::vector<Decomposed>& v)
{
    if (v.empty())
        return;
    std::vector<Decomposed> out;
    out.reserve(v.size());
    std::ptrdiff_t starter = -1;
    int lastCcc = -1; // -1: nothing emitted since the starter
    for (const auto& d : v) {
        if (starter >= 0 && (lastCcc == -1 || lastCcc < d.ccc)) {
            if (const char32_t composite = composePair(out[starter].c, d.c)) {
                out[starter].c = composite;
                out[starter].change += d.change - 1;
                continue;
            }
        }
        if (d.ccc == 0) {
            starter = static_cast<std::ptrdiff_t>(out.size());
            lastCcc = -1;
        } else {
            lastCcc = d.ccc;
        }
        out.push_back(d);
    }
    v.swap(out);
}

void normalizeRegion(const AlignedText& src, std::size_t from, std::size_t to, NormalizationForm form, AlignedText& out)
{
    std::vector<Decomposed> chars;
    std::size_t pos = from;
    const std::string_view s(src.text);
    while (pos < to)
        decompose(decodeUtf8(s, pos), compat(form), chars);
    canonicalOrder(chars);
    if (composes(form))
        compose(chars);
    std::vector<CharChange> changes;
    changes.reserve(chars.size());
    for (const auto& d : chars)
        changes.push_back({ d.c, d.change });
    out.appendTransformed(src, from, to, changes, 0);
}

} // namespace

bool normalizeUnicode(AlignedText& t, NormalizationForm form)
{
    const std::string_view s(t.text);
    const std::size_t n = s.size();
    std::size_t i = 0;
    std::size_t lastInert = 0; // start of the last inert character seen
    std::size_t copied = 0;
    AlignedText out;
    bool changed = false;
    while (i < n) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            lastInert = i++;
            continue;
        }
        std::size_t next = i;
        const char32_t cp = decodeUtf8(s, next);
        if (isInert(cp, form)) {
            lastInert = i;
            i = next;
            continue;
        }
        // A stretch that may change: from the last inert character (a starter something may compose with) up to the
        // next inert character.
        const std::size_t regionStart = std::max(lastInert, copied);
        std::size_t regionEnd = next;
        while (regionEnd < n) {
            std::size_t after = regionEnd;
            const char32_t c = decodeUtf8(s, after);
            if (isInert(c, form))
                break;
            regionEnd = after;
        }
        if (!changed) {
            out.track = t.track;
            out.text.reserve(n + 16);
            if (t.track)
                out.align.reserve(n + 16);
            changed = true;
        }
        out.appendSlice(t, copied, regionStart);
        normalizeRegion(t, regionStart, regionEnd, form, out);
        copied = regionEnd;
        i = regionEnd;
        lastInert = regionEnd;
    }
    if (!changed)
        return false;
    out.appendSlice(t, copied, n);
    if (out.text == t.text && !t.track)
        return false;
    t = std::move(out);
    return true;
}

std::string normalizedString(std::string_view text, NormalizationForm form)
{
    AlignedText t = AlignedText::fromOriginal(text, 0, false);
    normalizeUnicode(t, form);
    return std::move(t.text);
}

} // namespace moescope::tok
