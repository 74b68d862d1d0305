#include "ui/citationdelegate.h"

#include "ui/models/itemroles.h"

#include <QApplication>
#include <QPainter>

namespace moescope {

CitationDelegate::CitationDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{
}

QString CitationDelegate::citation(int page)
{
    return tr("p. %1").arg(page + 1);
}

void CitationDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QVariant pageValue = index.data(PageRole);
    const int page = pageValue.isValid() ? pageValue.toInt() : -1;
    if (page < 0) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString value = opt.text;
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QRect r = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(2, 0, -4, 0);
    QFont small = opt.font;
    small.setPointSizeF(opt.font.pointSizeF() * 0.85);
    const QString cite = citation(page);
    const int citeWidth = QFontMetrics(small).horizontalAdvance(cite);
    const bool selected = opt.state & QStyle::State_Selected;
    const auto group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;

    painter->save();
    painter->setFont(small);
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Link));
    painter->drawText(
        QRect(r.right() - citeWidth, r.top(), citeWidth, r.height()), Qt::AlignRight | Qt::AlignVCenter, cite);
    painter->setFont(opt.font);
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    const QRect valueRect = r.adjusted(0, 0, -(citeWidth + 8), 0);
    painter->drawText(valueRect, Qt::AlignRight | Qt::AlignVCenter,
        QFontMetrics(opt.font).elidedText(value, Qt::ElideLeft, valueRect.width()));
    painter->restore();
}

QSize CitationDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const QVariant pageValue = index.data(PageRole);
    if (pageValue.isValid() && pageValue.toInt() >= 0)
        size.rwidth() += option.fontMetrics.horizontalAdvance(citation(pageValue.toInt())) + 16;
    return size;
}

} // namespace moescope
