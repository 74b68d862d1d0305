#include "ui/routingtokenview.h"

#include "ui/routingtextsheets.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextLayout>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
constexpr int kMargin = 8;
constexpr int kLineGap = 2; // between lines, so that the tinted rows stay apart

// The UTF-16 unit of the sheet at or after a byte offset.
int unitOf(const std::vector<std::size_t>& byteOf, std::size_t byte)
{
    return int(std::lower_bound(byteOf.begin(), byteOf.end(), byte) - byteOf.begin());
}
} // namespace

RoutingTokenView::RoutingTokenView(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setObjectName("routingTokenView");
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFocusPolicy(Qt::StrongFocus);
}

RoutingTokenView::~RoutingTokenView() = default;

void RoutingTokenView::setRouting(DocumentDataPtr document, std::shared_ptr<const RoutingQueries> queries)
{
    m_document = std::move(document);
    m_queries = std::move(queries);
    m_slot = 0;
    buildSheets();
    m_sheet = -1;
    if (!m_sheets.empty())
        showSheet(0, false, false);
    else {
        m_paragraphs.clear();
        m_tokens.clear();
        m_text.clear();
        verticalScrollBar()->setRange(0, 0);
    }
    invalidateColors();
}

void RoutingTokenView::setLayer(int layer)
{
    if (!m_queries)
        return;
    const int slot = m_queries->trace().slotOf(layer);
    if (slot < 0 || slot == m_slot)
        return;
    m_slot = slot;
    invalidateColors();
}

int RoutingTokenView::layer() const
{
    return m_queries ? m_queries->trace().layerAt(m_slot) : -1;
}

void RoutingTokenView::setColoring(RoutingTokenColoring coloring)
{
    if (coloring == m_coloring)
        return;
    m_coloring = coloring;
    invalidateColors();
}

void RoutingTokenView::invalidateColors()
{
    m_colors.assign(m_tokens.size(), 0);
    m_colorsComputed = 0;
    viewport()->update();
}

int RoutingTokenView::currentPage() const
{
    return m_sheet >= 0 ? m_sheets[std::size_t(m_sheet)].page : -1;
}

void RoutingTokenView::buildSheets()
{
    m_sheets.clear();
    if (m_document && m_queries)
        m_sheets = splitIntoSheets(*m_document, m_queries->trace().offsets(), kSheetBytes);
}

void RoutingTokenView::showSheet(int index, bool atEnd, bool notify)
{
    index = std::clamp(index, 0, int(m_sheets.size()) - 1);
    const int oldPage = currentPage();
    if (index != m_sheet) {
        m_sheet = index;
        const Sheet& s = m_sheets[std::size_t(index)];
        const std::size_t base = m_document->pageOffsets[std::size_t(s.page)];
        decodeSheetText(
            m_document->pages[std::size_t(s.page)].text, s.begin - base, s.end - base, base, m_text, m_byteOfUnit);
        m_tokens.clear();
        m_tokens.reserve(s.tokenEnd - s.tokenBegin);
        const auto offsets = m_queries->trace().offsets();
        const int size = int(m_text.size());
        for (std::size_t t = s.tokenBegin; t < s.tokenEnd; ++t) {
            const int a = std::min(size, unitOf(m_byteOfUnit, offsets[t].begin));
            m_tokens.push_back({ a, std::clamp(unitOf(m_byteOfUnit, offsets[t].end), a, size) });
        }
        m_layoutWidth = -1;
        layoutSheet();
        invalidateColors();
    }
    verticalScrollBar()->setValue(atEnd ? verticalScrollBar()->maximum() : 0);
    viewport()->update();
    if (notify && currentPage() != oldPage)
        emit pageChanged(currentPage());
}

void RoutingTokenView::layoutSheet()
{
    const int width = std::max(80, viewport()->width() - 2 * kMargin);
    if (width == m_layoutWidth)
        return;
    m_layoutWidth = width;
    m_paragraphs.clear();
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    double y = kMargin;
    int start = 0;
    while (start <= m_text.size()) {
        int end = int(m_text.indexOf(QChar('\n'), start));
        if (end < 0)
            end = int(m_text.size());
        Paragraph p;
        p.start = start;
        p.length = end - start;
        p.layout = std::make_unique<QTextLayout>(m_text.mid(start, p.length), font());
        p.layout->setTextOption(option);
        p.layout->setCacheEnabled(true);
        p.layout->beginLayout();
        double h = 0;
        for (QTextLine line = p.layout->createLine(); line.isValid(); line = p.layout->createLine()) {
            line.setLineWidth(width);
            line.setPosition(QPointF(0, h));
            h += line.height() + kLineGap;
        }
        p.layout->endLayout();
        p.y = y;
        p.height = h;
        y += h;
        m_paragraphs.push_back(std::move(p));
        start = end + 1;
    }
    m_height = y + kMargin;
    verticalScrollBar()->setRange(0, std::max(0, int(std::ceil(m_height)) - viewport()->height()));
    verticalScrollBar()->setPageStep(std::max(1, viewport()->height() - fontMetrics().height()));
    verticalScrollBar()->setSingleStep(fontMetrics().height());
}

int RoutingTokenView::paragraphAt(double y) const
{
    const auto it = std::upper_bound(
        m_paragraphs.begin(), m_paragraphs.end(), y, [](double v, const Paragraph& p) { return v < p.y; });
    return std::max(0, int(it - m_paragraphs.begin()) - 1);
}

int RoutingTokenView::paragraphOf(int position) const
{
    const auto it = std::upper_bound(
        m_paragraphs.begin(), m_paragraphs.end(), position, [](int v, const Paragraph& p) { return v < p.start; });
    return std::max(0, int(it - m_paragraphs.begin()) - 1);
}

std::size_t RoutingTokenView::firstTokenAtOrAfter(int position) const
{
    // The first token ending after position (tokens are in order and do not overlap).
    return std::size_t(std::upper_bound(m_tokens.begin(), m_tokens.end(), position, [](int v, const TokenPos& t) {
        return v < t.end;
    }) - m_tokens.begin());
}

QRgb RoutingTokenView::cachedColor(std::size_t i) const
{
    if (m_colors[i] == 0) {
        const auto s = summarizeTokenChoice(m_queries->trace(), m_slot, m_sheets[std::size_t(m_sheet)].tokenBegin + i);
        const QColor c = m_coloring == RoutingTokenColoring::TopExpert
            ? expertColor(s.top1)
            : entropyColor(s.entropyBits, std::log2(double(m_queries->trace().k())));
        m_colors[i] = c.rgb() | 0xFF000000u; // never 0: opaque
        ++m_colorsComputed;
    }
    return m_colors[i];
}

QColor RoutingTokenView::tokenColor(std::size_t token) const
{
    if (m_sheet >= 0) {
        const Sheet& s = m_sheets[std::size_t(m_sheet)];
        if (token >= s.tokenBegin && token < s.tokenEnd)
            return QColor::fromRgb(cachedColor(token - s.tokenBegin));
    }
    if (!m_queries || token >= m_queries->trace().tokenCount())
        return {};
    const auto s = summarizeTokenChoice(m_queries->trace(), m_slot, token);
    return m_coloring == RoutingTokenColoring::TopExpert
        ? expertColor(s.top1)
        : entropyColor(s.entropyBits, std::log2(double(m_queries->trace().k())));
}

void RoutingTokenView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    painter.fillRect(viewport()->rect(), palette().color(QPalette::Base));
    if (m_sheets.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect().adjusted(kMargin, kMargin, -kMargin, -kMargin),
            Qt::AlignCenter | Qt::TextWordWrap,
            m_queries ? tr("The text of the traced document is not open: open the document to see its tokens.")
                      : tr("No routing trace."));
        return;
    }
    // Backgrounds first, token by token; then the text of each visible paragraph drawn once per text colour, clipped
    // to the tokens wanting it (black on light fills, white on dark ones, the palette's colour elsewhere). Far cheaper
    // than one QTextLayout selection per token, which redraws the line each time.
    const double top = verticalScrollBar()->value();
    const double bottom = top + viewport()->height();
    const int first = paragraphAt(top);
    int last = first;
    QRegion light, dark;
    for (; last < int(m_paragraphs.size()) && m_paragraphs[std::size_t(last)].y < bottom; ++last) {
        const Paragraph& p = m_paragraphs[std::size_t(last)];
        // Only the tokens of the paragraph's lines in the viewport (a paragraph may be a whole page without breaks).
        int from = p.length, to = 0;
        for (int l = 0; l < p.layout->lineCount(); ++l) {
            const QTextLine line = p.layout->lineAt(l);
            if (p.y + line.y() + line.height() >= top && p.y + line.y() <= bottom) {
                from = std::min(from, line.textStart());
                to = std::max(to, line.textStart() + line.textLength());
            }
        }
        for (std::size_t t = firstTokenAtOrAfter(p.start + from);
             t < m_tokens.size() && m_tokens[t].start < p.start + to; ++t) {
            const int a = std::max(m_tokens[t].start, p.start) - p.start;
            const int b = std::min(m_tokens[t].end, p.start + p.length) - p.start;
            if (b <= a)
                continue;
            const QColor background = QColor::fromRgb(cachedColor(t));
            QRegion& region = tokenTextColor(background) == Qt::black ? light : dark;
            for (int l = p.layout->lineForTextPosition(a).lineNumber(); l >= 0 && l < p.layout->lineCount(); ++l) {
                const QTextLine line = p.layout->lineAt(l);
                if (line.textStart() >= b)
                    break;
                const double x1 = line.cursorToX(std::max(a, line.textStart()));
                const double x2 = line.cursorToX(std::min(b, line.textStart() + line.textLength()));
                const QRectF r(kMargin + x1, p.y - top + line.y(), x2 - x1, line.height());
                painter.fillRect(r, background);
                region += r.toAlignedRect();
            }
        }
    }
    const QRegion rest = QRegion(viewport()->rect()) - light - dark;
    for (const auto& [clip, color] : { std::pair { light, QColor(Qt::black) }, std::pair { dark, QColor(Qt::white) },
             std::pair { rest, palette().color(QPalette::Text) } }) {
        if (clip.isEmpty())
            continue;
        painter.setClipRegion(clip);
        painter.setPen(color);
        for (int i = first; i < last; ++i)
            m_paragraphs[std::size_t(i)].layout->draw(
                &painter, QPointF(kMargin, m_paragraphs[std::size_t(i)].y - top), {}, QRectF(viewport()->rect()));
    }
}

void RoutingTokenView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (m_sheet < 0)
        return;
    const std::size_t keep = topOffset();
    layoutSheet();
    const int unit = unitOf(m_byteOfUnit, keep);
    const Paragraph& p = m_paragraphs[std::size_t(paragraphOf(unit))];
    const QTextLine line = p.layout->lineForTextPosition(std::clamp(unit - p.start, 0, p.length));
    verticalScrollBar()->setValue(int(p.y + (line.isValid() ? line.y() : 0)) - kMargin);
}

std::size_t RoutingTokenView::topOffset() const
{
    if (m_sheet < 0 || m_paragraphs.empty())
        return 0;
    const double y = verticalScrollBar()->value() + kMargin;
    const Paragraph& p = m_paragraphs[std::size_t(paragraphAt(y))];
    int unit = p.start;
    for (int l = 0; l < p.layout->lineCount(); ++l) {
        const QTextLine line = p.layout->lineAt(l);
        if (p.y + line.y() + line.height() > y) {
            unit = p.start + line.textStart();
            break;
        }
    }
    return m_byteOfUnit[std::size_t(std::clamp(unit, 0, int(m_text.size())))];
}

std::optional<std::size_t> RoutingTokenView::tokenAt(const QPoint& pos) const
{
    if (m_sheet < 0 || m_paragraphs.empty())
        return std::nullopt;
    const double y = pos.y() + verticalScrollBar()->value();
    const Paragraph& p = m_paragraphs[std::size_t(paragraphAt(y))];
    for (int l = 0; l < p.layout->lineCount(); ++l) {
        const QTextLine line = p.layout->lineAt(l);
        if (y < p.y + line.y() || y >= p.y + line.y() + line.height())
            continue;
        const double x = pos.x() - kMargin;
        if (x < 0 || x > line.naturalTextWidth())
            return std::nullopt;
        const int unit = p.start + line.xToCursor(x, QTextLine::CursorOnCharacter);
        const std::size_t t = firstTokenAtOrAfter(unit);
        if (t < m_tokens.size() && m_tokens[t].start <= unit)
            return m_sheets[std::size_t(m_sheet)].tokenBegin + t;
        return std::nullopt;
    }
    return std::nullopt;
}

QRect RoutingTokenView::tokenRect(std::size_t token) const
{
    if (m_sheet < 0)
        return {};
    const Sheet& s = m_sheets[std::size_t(m_sheet)];
    if (token < s.tokenBegin || token >= s.tokenEnd)
        return {};
    const TokenPos& t = m_tokens[token - s.tokenBegin];
    int start = t.start; // a token's leading line breaks belong to the line before: skip them
    while (start + 1 < t.end && m_text[start] == QChar('\n'))
        ++start;
    const Paragraph& p = m_paragraphs[std::size_t(paragraphOf(start))];
    const int a = std::clamp(start - p.start, 0, p.length), b = std::clamp(t.end - p.start, a, p.length);
    const QTextLine line = p.layout->lineForTextPosition(a);
    if (!line.isValid())
        return {};
    const int lineEnd = line.textStart() + line.textLength();
    const double x1 = line.cursorToX(a), x2 = line.cursorToX(std::min(b, lineEnd));
    return QRectF(kMargin + x1, p.y + line.y() - verticalScrollBar()->value(), std::max(1.0, x2 - x1), line.height())
        .toAlignedRect();
}

QString RoutingTokenView::tooltipText(std::size_t token) const
{
    if (!m_queries || token >= m_queries->trace().tokenCount())
        return {};
    const TokenRouting r = m_queries->tokenRouting(token);
    QString text;
    if (m_document && m_document->pageCount() > 0 && m_document->pageOffsets.size() == m_document->pages.size()) {
        const std::size_t begin = r.span.begin, end = r.span.end;
        const int page = m_document->pageAt(begin);
        const std::string& pageText = m_document->pages[std::size_t(page)].text;
        const std::size_t base = m_document->pageOffsets[std::size_t(page)];
        const std::size_t b = std::min(pageText.size(), begin - std::min(begin, base));
        const std::size_t e = std::clamp(end - std::min(end, base), b, std::min(pageText.size(), b + 80));
        QString piece = QString::fromUtf8(pageText.data() + b, qsizetype(e - b));
        piece.replace(QChar('\n'), QStringLiteral("⏎")).replace(QChar('\t'), QChar(' '));
        text = tr("“%1”, page %2").arg(piece).arg(page + 1);
    }
    text += tr("\ntoken %1 of the trace, id %2\ntop-k experts (weight) per MoE layer, largest first:")
                .arg(token)
                .arg(r.tokenId);
    for (const LayerChoice& c : r.layers) {
        std::vector<int> order(c.experts.size());
        for (std::size_t j = 0; j < order.size(); ++j)
            order[j] = int(j);
        std::stable_sort(order.begin(), order.end(),
            [&](int a, int b) { return c.weights[std::size_t(a)] > c.weights[std::size_t(b)]; });
        QStringList choices;
        for (const int j : order)
            choices
                << QStringLiteral("%1 (%2)").arg(c.experts[std::size_t(j)]).arg(c.weights[std::size_t(j)], 0, 'f', 3);
        const bool shown = c.layer == layer();
        text += QStringLiteral("\n%1layer %2: %3; H %4 bits")
                    .arg(shown ? QStringLiteral("▶ ") : QString())
                    .arg(c.layer)
                    .arg(choices.join(QStringLiteral(", ")))
                    .arg(c.topkEntropy, 0, 'f', 2);
    }
    return text;
}

bool RoutingTokenView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        if (const auto token = tokenAt(help->pos()))
            QToolTip::showText(help->globalPos(), tooltipText(*token), viewport(), tokenRect(*token));
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void RoutingTokenView::scrollToOffset(qulonglong offset)
{
    if (m_sheets.empty())
        return;
    const auto it = std::upper_bound(m_sheets.begin(), m_sheets.end(), std::size_t(offset),
        [](std::size_t v, const Sheet& s) { return v < s.begin; });
    showSheet(std::max(0, int(it - m_sheets.begin()) - 1), false, true);
    const int unit = unitOf(m_byteOfUnit, std::size_t(offset));
    const Paragraph& p = m_paragraphs[std::size_t(paragraphOf(unit))];
    const QTextLine line = p.layout->lineForTextPosition(std::clamp(unit - p.start, 0, p.length));
    verticalScrollBar()->setValue(int(p.y + (line.isValid() ? line.y() : 0)) - kMargin);
}

void RoutingTokenView::followPage(int page)
{
    if (m_sheets.empty() || page == currentPage())
        return;
    const auto it
        = std::lower_bound(m_sheets.begin(), m_sheets.end(), page, [](const Sheet& s, int v) { return s.page < v; });
    if (it != m_sheets.end() && it->page == page)
        showSheet(int(it - m_sheets.begin()), false, false);
}

void RoutingTokenView::scrollByPage(int direction)
{
    if (m_sheet < 0)
        return;
    QScrollBar* bar = verticalScrollBar();
    if (direction > 0) {
        if (bar->value() < bar->maximum())
            bar->setValue(bar->value() + bar->pageStep());
        else if (m_sheet + 1 < int(m_sheets.size()))
            showSheet(m_sheet + 1, false, true);
    } else if (direction < 0) {
        if (bar->value() > 0)
            bar->setValue(bar->value() - bar->pageStep());
        else if (m_sheet > 0)
            showSheet(m_sheet - 1, true, true);
    }
}

void RoutingTokenView::wheelEvent(QWheelEvent* event)
{
    // Past a sheet's end, a full wheel notch (120) goes on to the next sheet; inside, the bar scrolls as usual.
    const int delta = event->angleDelta().y();
    QScrollBar* bar = verticalScrollBar();
    const bool atEdge = (delta < 0 && bar->value() >= bar->maximum()) || (delta > 0 && bar->value() <= 0);
    if (!atEdge || m_sheet < 0) {
        m_wheelAtEdge = 0;
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    m_wheelAtEdge += delta;
    if (std::abs(m_wheelAtEdge) >= 120) {
        scrollByPage(m_wheelAtEdge < 0 ? 1 : -1);
        m_wheelAtEdge = 0;
    }
    event->accept();
}

void RoutingTokenView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_PageDown || event->key() == Qt::Key_PageUp) {
        scrollByPage(event->key() == Qt::Key_PageDown ? 1 : -1);
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void RoutingTokenView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (const auto token = tokenAt(event->position().toPoint()))
        emit tokenActivated(qulonglong(*token));
    QAbstractScrollArea::mouseDoubleClickEvent(event);
}

void RoutingTokenView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange && m_sheet >= 0) {
        m_layoutWidth = -1;
        layoutSheet();
        viewport()->update();
    }
}

} // namespace moescope
