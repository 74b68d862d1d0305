#include "ui/models/structuremodel.h"

#include "ui/models/itemroles.h"

#include <QFont>

namespace moescope {

StructureModel::StructureModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void StructureModel::clear()
{
    setStructure({}, 0);
}

void StructureModel::setStructure(const DocumentStructure& structure, int pageCount)
{
    beginResetModel();
    m_nodes.clear();
    m_top.clear();
    auto addNode = [this](Node n) {
        const int id = int(m_nodes.size());
        auto& siblings = n.parent < 0 ? m_top : m_nodes[std::size_t(n.parent)].children;
        n.row = int(siblings.size());
        siblings.push_back(id);
        m_nodes.push_back(std::move(n));
        return id;
    };
    std::vector<int> partNodes;
    for (const auto& p : structure.parts)
        partNodes.push_back(addNode({ -1, 0, true, tr("Part %1").arg(QString::fromStdString(p.part)), {}, p.pageStart,
            std::min(p.pageEnd, std::max(p.pageStart, pageCount - 1)), {} }));
    for (const auto& s : structure.sections) {
        int parent = -1;
        for (std::size_t i = 0; i < structure.parts.size(); ++i)
            if (structure.parts[i].part == s.part)
                parent = partNodes[i];
        addNode({ parent, 0, false, tr("Item %1").arg(QString::fromStdString(s.item)), QString::fromStdString(s.title),
            s.pageStart, s.pageEnd, {} });
    }
    endResetModel();
}

const StructureModel::Node* StructureModel::node(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() == 0 || index.internalId() > m_nodes.size())
        return nullptr;
    return &m_nodes[index.internalId() - 1];
}

QModelIndex StructureModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    const auto& siblings = parent.isValid() ? node(parent)->children : m_top;
    if (parent.isValid() && parent.column() != 0)
        return {};
    if (row >= int(siblings.size()))
        return {};
    return createIndex(row, column, quintptr(siblings[std::size_t(row)] + 1));
}

QModelIndex StructureModel::parent(const QModelIndex& child) const
{
    const Node* n = node(child);
    if (!n || n->parent < 0)
        return {};
    return createIndex(m_nodes[std::size_t(n->parent)].row, 0, quintptr(n->parent + 1));
}

int StructureModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_top.size());
    if (parent.column() != 0)
        return 0;
    const Node* n = node(parent);
    return n ? int(n->children.size()) : 0;
}

int StructureModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant StructureModel::data(const QModelIndex& index, int role) const
{
    const Node* n = node(index);
    if (!n)
        return {};
    const QString pages = n->pageStart == n->pageEnd
        ? QString::number(n->pageStart + 1)
        : QStringLiteral("%1–%2").arg(n->pageStart + 1).arg(n->pageEnd + 1);
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == PagesColumn)
            return pages;
        return n->title.isEmpty() ? n->label : n->label + QStringLiteral("  ") + n->title;
    case Qt::ToolTipRole:
        return tr("%1 %2\nPages %3 (click to go to page %4)").arg(n->label, n->title, pages).arg(n->pageStart + 1);
    case Qt::TextAlignmentRole:
        if (index.column() == PagesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::FontRole:
        if (n->isPart) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case PageRole:
        return n->pageStart;
    case SortRole:
        return n->pageStart;
    default:
        return {};
    }
}

QVariant StructureModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == TitleColumn ? tr("Section") : tr("Pages");
}

QModelIndex StructureModel::indexForPage(int page) const
{
    QModelIndex best;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        const auto& n = m_nodes[i];
        if (n.isPart || page < n.pageStart || page > n.pageEnd)
            continue;
        best = createIndex(n.row, 0, quintptr(i + 1));
    }
    return best;
}

} // namespace moescope
