#pragma once
// The 10-K structure of a document as a tree: Parts I-IV with their Items (number, title, 1-based page range).
// PageRole gives the first page of each row, so a click can jump there. Plain data in, no I/O.

#include "docs/documentstructure.h"

#include <QAbstractItemModel>

#include <vector>

namespace moescope {

class StructureModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column { TitleColumn, PagesColumn, ColumnCount };

    explicit StructureModel(QObject* parent = nullptr);

    void setStructure(const DocumentStructure& structure, int pageCount);
    void clear();

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The index of the item whose page range holds page (deepest match), for following the viewed page.
    QModelIndex indexForPage(int page) const;

private:
    struct Node {
        int parent = -1; // node index, -1 for top level
        int row = 0;
        bool isPart = false;
        QString label;
        QString title;
        int pageStart = 0;
        int pageEnd = 0;
        std::vector<int> children;
    };
    const Node* node(const QModelIndex& index) const;

    std::vector<Node> m_nodes;
    std::vector<int> m_top;
};

} // namespace moescope
