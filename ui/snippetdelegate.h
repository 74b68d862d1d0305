#pragma once
// Paints a search hit in two parts: a heading line ("Page 45 · Item 7 Management's Discussion", link colour) and the
// snippet with the matched words in bold, word-wrapped to the view's width (at most four lines).

#include <QStyledItemDelegate>

class QAbstractItemView;
class QTextDocument;

namespace moescope {

class SnippetDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    // headingRole/snippetRole: the model's roles for the heading text and the snippet HTML.
    SnippetDelegate(QAbstractItemView* view, int headingRole, int snippetRole);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    void layoutSnippet(QTextDocument& doc, const QStyleOptionViewItem& option, const QModelIndex& index) const;
    int textWidth() const;

    QAbstractItemView* m_view;
    int m_headingRole;
    int m_snippetRole;
    static constexpr int kPadding = 6;
    static constexpr int kMaxLines = 4;
};

} // namespace moescope
