#pragma once
// The text of one page with every token tinted by its surprisal under the loaded model (colour map in
// surprisalcolors.h; tooltips give the token, its surprisal in nats and its probability), and the words of a search
// hit outlined. Read-only. Tints are redone when the palette changes, so light and dark themes both read well.

#include "services/workbenchtypes.h"

#include <QPlainTextEdit>

#include <vector>

namespace moescope {

struct TokenTint {
    int start = 0; // UTF-16 position in the page text
    int length = 0;
    float surprisal = 0; // nats
};

class SurprisalTextView : public QPlainTextEdit {
    Q_OBJECT

public:
    explicit SurprisalTextView(QWidget* parent = nullptr);

    void setPage(const QString& text, std::vector<TokenTint> tokens, const QStringList& terms = {});
    void clearPage();
    const std::vector<TokenTint>& tokens() const { return m_tokens; }
    int termMatches() const { return m_termMatches; }

    // The scored tokens of a page, positioned in the page's text (UTF-16), from the run's byte offsets.
    static std::vector<TokenTint> tokensOfPage(const DocumentData& document, const PerplexityData& run, int page);

protected:
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuildSelections();
    const TokenTint* tokenAt(int position) const;

    std::vector<TokenTint> m_tokens;
    QStringList m_terms;
    int m_termMatches = 0;
};

} // namespace moescope
