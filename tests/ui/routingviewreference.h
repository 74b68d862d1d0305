#pragma once
// The hand-made routing of tst_routingviews, kept as the independent reference the panel's views are checked
// against (the routing written into the trace, in plain arrays), and small readers for the exported files.

#include "eval/routingtrace.h"
#include "routingviewdata.h"

#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <string>
#include <vector>

namespace moescope::test {

inline constexpr int kExperts = 12; // more than the 9 palette colours: colours are reused by expert id
inline constexpr int kK = 2;
inline const std::vector<int> kLayers = { 1, 3 };

// The routing written into the trace, kept here as the independent reference: token t, slot s chooses
// experts[t][s] with weights[t][s] (in the router's order; the top-1 is not always listed first).
struct Reference {
    std::vector<std::string> pages;
    std::vector<TextSpan> spans;
    std::vector<std::array<std::array<int, kK>, 2>> experts;
    std::vector<std::array<std::array<float, kK>, 2>> weights;

    int top1(std::size_t t, int s) const
    {
        const auto& w = weights[t][std::size_t(s)];
        return experts[t][std::size_t(s)][w[1] > w[0] ? 1 : 0];
    }
};

inline Reference makeReference()
{
    static const char* kWords[] = { "Revenue", "grew", "in", "fiscal", "2025", "while", "operating", "costs", "fell",
        "and", "the", "company", "repaid", "debt" };
    Reference r;
    std::size_t base = 0;
    std::size_t t = 0;
    for (int p = 0; p < 3; ++p) {
        std::string page;
        // Page 1 is long (80 lines) so that it scrolls; pages 0 and 2 are short.
        const int lines = p == 1 ? 80 : 3;
        for (int l = 0; l < lines; ++l)
            for (int w = 0; w < 7; ++w, ++t) {
                const std::string piece = (page.empty() ? "" : w == 0 ? "\n" : " ") + std::string(kWords[(t * 5) % 14]);
                r.spans.push_back(
                    { std::uint32_t(base + page.size()), std::uint32_t(base + page.size() + piece.size()) });
                page += piece;
                std::array<std::array<int, kK>, 2> e {};
                std::array<std::array<float, kK>, 2> wt {};
                for (int s = 0; s < 2; ++s) {
                    e[std::size_t(s)] = { int((t * 5 + std::size_t(s) * 3) % kExperts),
                        int((t * 5 + std::size_t(s) * 3 + 1 + t % 4) % kExperts) };
                    // Every third token lists its top-1 second.
                    wt[std::size_t(s)] = t % 3 == 0 ? std::array<float, kK> { 0.25f, 0.75f }
                                                    : std::array<float, kK> { 0.625f, 0.375f };
                }
                r.experts.push_back(e);
                r.weights.push_back(wt);
            }
        r.pages.push_back(page);
        base += page.size() + 1;
    }
    return r;
}

inline RoutingViewData makeView(const Reference& r)
{
    std::vector<std::int32_t> ids(r.spans.size());
    for (std::size_t t = 0; t < ids.size(); ++t)
        ids[t] = std::int32_t(100 + (t * 5) % 14);
    RoutingTrace trace(kLayers, kK, kExperts, ids, r.spans);
    trace.info().modelName = "hand-made";
    for (int s = 0; s < 2; ++s)
        for (std::size_t t = 0; t < r.spans.size(); ++t) {
            const std::int32_t e[kK] = { r.experts[t][std::size_t(s)][0], r.experts[t][std::size_t(s)][1] };
            trace.setRouting(s, t, 1, e, r.weights[t][std::size_t(s)].data());
        }
    return test::makeRoutingView(
        test::makeDocument(r.pages, 1), std::make_shared<const RoutingTrace>(std::move(trace)), 1);
}

inline bool isPng(const QString& f)
{
    QFile file(f);
    return file.open(QIODevice::ReadOnly) && file.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8);
}

// A complete PDF file: the header and the end-of-file marker.
inline bool isPdf(const QString& f)
{
    QFile file(f);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = file.readAll();
    return bytes.startsWith("%PDF-") && bytes.trimmed().endsWith("%%EOF");
}

// RFC 4180 rows (quoted fields may hold commas, quotes and line breaks).
inline QList<QStringList> csvRows(const QString& f)
{
    QFile file(f);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"')
            quoted = true;
        else if (c == ',')
            row << field, field.clear();
        else if (c == '\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
        } else
            field += c;
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field);
    return rows;
}

} // namespace moescope::test
