#pragma once
// The text of one page with every token tinted by a per-token value on a TokenTintScale: surprisal under the loaded
// model by default (tooltips give the token, its surprisal in nats and its probability), or any other measure (the
// Quantization panel's damage overlay), and the words of a search hit outlined. Read-only. Tints are redone when the
// palette changes, so light and dark themes both read well.

#include "services/workbenchtypes.h"
#include "ui/tokentintscale.h"

#include <QPlainTextEdit>

#include <functional>
#include <span>
#include <vector>

namespace moescope {

struct TokenTint {
    int start = 0; // UTF-16 position in the page text
    int length = 0;
    float value = 0; // in the scale's unit (surprisal: nats)
};

class SurprisalTextView : public QPlainTextEdit {
    Q_OBJECT

public:
    explicit SurprisalTextView(QWidget* parent = nullptr);

    void setScale(const TokenTintScale& scale);
    const TokenTintScale& scale() const { return m_scale; }
    void setPage(const QString& text, std::vector<TokenTint> tokens, const QStringList& terms = {});
    void clearPage();
    const std::vector<TokenTint>& tokens() const { return m_tokens; }
    int termMatches() const { return m_termMatches; }

    // The scored tokens of a page, positioned in the page's text (UTF-16), from the run's byte offsets.
    static std::vector<TokenTint> tokensOfPage(const DocumentData& document, const PerplexityData& run, int page);
    // The same for any run: begin/end are byte offsets in the joined text (sorted by begin), value(i) the i-th
    // token's value (NaN: left out).
    static std::vector<TokenTint> tintsOfPage(const DocumentData& document, std::span<const std::uint32_t> begin,
        std::span<const std::uint32_t> end, const std::function<float(std::size_t)>& value, int page);
    // The tint drawn for a UTF-16 position of the page (invalid where nothing is tinted): what the user sees.
    QColor tintAt(int position) const;

protected:
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuildSelections();
    const TokenTint* tokenAt(int position) const;

    TokenTintScale m_scale = TokenTintScale::surprisal();
    std::vector<TokenTint> m_tokens;
    QStringList m_terms;
    int m_termMatches = 0;
};

} // namespace moescope
