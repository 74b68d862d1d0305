#include "ui/surprisaltextview.h"

#include "ui/surprisalcolors.h"

#include <QHelpEvent>
#include <QRegularExpression>
#include <QTextBlock>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace moescope {

SurprisalTextView::SurprisalTextView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    setFont(mono);
    setMouseTracking(true);
    setFrameShape(QFrame::NoFrame);
    document()->setDocumentMargin(16);
}

void SurprisalTextView::setPage(const QString& text, std::vector<TokenTint> tokens, const QStringList& terms)
{
    m_tokens = std::move(tokens);
    m_terms = terms;
    setPlainText(text);
    rebuildSelections();
}

void SurprisalTextView::clearPage()
{
    setPage({}, {}, {});
}

std::vector<TokenTint> SurprisalTextView::tokensOfPage(
    const DocumentData& document, const PerplexityData& run, int page)
{
    return tintsOfPage(
        document, run.tokenBegin, run.tokenEnd, [&](std::size_t i) { return -run.logProbs[i]; }, page);
}

std::vector<TokenTint> SurprisalTextView::tintsOfPage(const DocumentData& document,
    std::span<const std::uint32_t> begins, std::span<const std::uint32_t> ends,
    const std::function<float(std::size_t)>& value, int page)
{
    std::vector<TokenTint> out;
    if (page < 0 || page >= document.pageCount() || ends.size() < begins.size())
        return out;
    const std::string& text = document.pages[std::size_t(page)].text;
    const std::size_t pageBegin = document.pageOffsets[std::size_t(page)];
    const std::size_t pageEnd = pageBegin + text.size();
    auto it = std::lower_bound(begins.begin(), begins.end(), std::uint32_t(pageBegin));
    // Walk the page's tokens in order, converting byte offsets to UTF-16 positions incrementally.
    std::size_t byte = 0;
    int utf16 = 0;
    auto advanceTo = [&](std::size_t target) {
        target = std::min(target, text.size());
        if (target < byte)
            return utf16Index(text, target); // offsets are sorted: rare (overlapping byte spans)
        utf16 += utf16Index(std::string_view(text).substr(byte), target - byte);
        byte = target;
        return utf16;
    };
    for (auto i = std::size_t(it - begins.begin()); i < begins.size() && begins[i] < pageEnd; ++i) {
        const float v = value(i);
        if (std::isnan(v) || ends[i] <= begins[i])
            continue;
        const int start = advanceTo(begins[i] - pageBegin);
        const int end = utf16Index(text, std::min<std::size_t>(ends[i] - pageBegin, text.size()));
        if (end > start)
            out.push_back({ start, end - start, v });
    }
    return out;
}

void SurprisalTextView::setScale(const TokenTintScale& scale)
{
    m_scale = scale;
    rebuildSelections();
}

QColor SurprisalTextView::tintAt(int position) const
{
    const TokenTint* t = tokenAt(position);
    if (!t || t->value < m_scale.tintFrom)
        return {};
    return m_scale.color(t->value, palette().color(QPalette::Base));
}

void SurprisalTextView::rebuildSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    const QColor base = palette().color(QPalette::Base);
    for (const auto& t : m_tokens) {
        if (t.value < m_scale.tintFrom)
            continue;
        QTextEdit::ExtraSelection s;
        s.cursor = QTextCursor(document());
        s.cursor.setPosition(t.start);
        s.cursor.setPosition(t.start + t.length, QTextCursor::KeepAnchor);
        const QColor bg = m_scale.color(t.value, base);
        s.format.setBackground(bg);
        s.format.setForeground(readableTextOn(bg, palette()));
        selections << s;
    }
    m_termMatches = 0;
    const QString text = toPlainText();
    for (const auto& term : m_terms) {
        if (term.trimmed().size() < 2)
            continue;
        const auto pattern = term.size() < 5 ? QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(term))
                                             : QRegularExpression::escape(term);
        QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
        for (auto m = re.globalMatch(text); m.hasNext();) {
            const auto match = m.next();
            QTextEdit::ExtraSelection s;
            s.cursor = QTextCursor(document());
            s.cursor.setPosition(int(match.capturedStart()));
            s.cursor.setPosition(int(match.capturedEnd()), QTextCursor::KeepAnchor);
            s.format.setFontUnderline(true);
            s.format.setUnderlineStyle(QTextCharFormat::SingleUnderline);
            s.format.setUnderlineColor(palette().color(QPalette::Highlight));
            s.format.setFontWeight(QFont::Bold);
            selections << s;
            ++m_termMatches;
        }
    }
    setExtraSelections(selections);
}

const TokenTint* SurprisalTextView::tokenAt(int position) const
{
    auto it = std::upper_bound(
        m_tokens.begin(), m_tokens.end(), position, [](int pos, const TokenTint& t) { return pos < t.start; });
    if (it == m_tokens.begin())
        return nullptr;
    --it;
    return position < it->start + it->length ? &*it : nullptr;
}

bool SurprisalTextView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPoint pos = viewport()->mapFromGlobal(help->globalPos());
        const int position = cursorForPosition(pos).position();
        if (const TokenTint* t = tokenAt(position)) {
            const QString token = toPlainText().mid(t->start, t->length);
            QToolTip::showText(help->globalPos(), m_scale.tooltip(token, double(t->value)), viewport());
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QPlainTextEdit::event(event);
}

void SurprisalTextView::changeEvent(QEvent* event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        rebuildSelections();
}

} // namespace moescope
