#include "ui/snippetdelegate.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace moescope {

SnippetDelegate::SnippetDelegate(QAbstractItemView* view, int headingRole, int snippetRole)
    : QStyledItemDelegate(view)
    , m_view(view)
    , m_headingRole(headingRole)
    , m_snippetRole(snippetRole)
{
}

int SnippetDelegate::textWidth() const
{
    return std::max(120, m_view->viewport()->width() - 2 * kPadding - 4);
}

void SnippetDelegate::layoutSnippet(
    QTextDocument& doc, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    doc.setDefaultFont(option.font);
    doc.setDocumentMargin(0);
    doc.setTextWidth(textWidth());
    doc.setHtml(index.data(m_snippetRole).toString());
}

void SnippetDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QRect r = opt.rect.adjusted(kPadding, kPadding, -kPadding, -kPadding);
    QFont headingFont = opt.font;
    headingFont.setBold(true);
    const QFontMetrics hfm(headingFont);

    painter->save();
    painter->setFont(headingFont);
    painter->setPen(opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Link));
    painter->drawText(QRect(r.left(), r.top(), r.width(), hfm.height()), Qt::AlignLeft | Qt::AlignVCenter,
        hfm.elidedText(index.data(m_headingRole).toString(), Qt::ElideRight, r.width()));

    QTextDocument doc;
    layoutSnippet(doc, opt, index);
    const int maxHeight = QFontMetrics(opt.font).lineSpacing() * kMaxLines;
    painter->translate(r.left(), r.top() + hfm.height() + 2);
    QAbstractTextDocumentLayout::PaintContext ctx;
    ctx.palette = opt.palette;
    ctx.palette.setColor(QPalette::Text, opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    ctx.clip = QRectF(0, 0, r.width(), maxHeight);
    painter->setClipRect(ctx.clip);
    doc.documentLayout()->draw(painter, ctx);
    painter->restore();
}

QSize SnippetDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    QTextDocument doc;
    layoutSnippet(doc, opt, index);
    QFont headingFont = opt.font;
    headingFont.setBold(true);
    const int maxHeight = QFontMetrics(opt.font).lineSpacing() * kMaxLines;
    const int height = QFontMetrics(headingFont).height() + 2 + std::min(int(doc.size().height()), maxHeight);
    return { textWidth() + 2 * kPadding, height + 2 * kPadding };
}

} // namespace moescope
