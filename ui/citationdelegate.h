#pragma once
// Paints a cell's value followed by its page citation ("p. 54", in the palette's link colour), for tables whose rows
// or cells cite a page (PageRole >= 0). The pointing-hand cursor and click handling belong to the view.

#include <QStyledItemDelegate>

namespace moescope {

class CitationDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit CitationDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    static QString citation(int page); // "p. 54" for 0-based page 53
};

} // namespace moescope
