#include "ui/models/pagelistmodel.h"

#include "ui/models/itemroles.h"

namespace moescope {

PageListModel::PageListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

void PageListModel::setDocument(const DocumentDataPtr& document)
{
    beginResetModel();
    m_document = document;
    m_thumbnails.clear();
    m_requested.clear();
    m_titles.clear();
    if (document)
        for (const auto& s : document->structure.sections)
            m_titles.insert(QString::fromStdString(s.item), QString::fromStdString(s.title));
    endResetModel();
}

void PageListModel::setThumbnail(int page, const QImage& image)
{
    if (page < 0 || page >= rowCount())
        return;
    m_thumbnails[page] = QPixmap::fromImage(image);
    const auto i = index(page);
    emit dataChanged(i, i, { Qt::DecorationRole });
}

int PageListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_document ? 0 : m_document->pageCount();
}

QVariant PageListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_document || index.row() >= m_document->pageCount())
        return {};
    const int page = index.row();
    const QString section = QString::fromStdString(m_document->pages[std::size_t(page)].section);
    switch (role) {
    case Qt::DisplayRole:
        return section.isEmpty() ? tr("Page %1").arg(page + 1) : tr("Page %1\nItem %2").arg(page + 1).arg(section);
    case Qt::ToolTipRole:
        return section.isEmpty() ? tr("Page %1").arg(page + 1)
                                 : tr("Page %1 — Item %2 %3").arg(page + 1).arg(section, m_titles.value(section));
    case Qt::DecorationRole: {
        if (const auto it = m_thumbnails.find(page); it != m_thumbnails.end())
            return it->second;
        if (m_document->renderable() && m_requested.insert(page).second)
            QMetaObject::invokeMethod(
                const_cast<PageListModel*>(this),
                [this, page] { emit const_cast<PageListModel*>(this)->thumbnailNeeded(page); }, Qt::QueuedConnection);
        return {};
    }
    case PageRole:
    case SortRole:
        return page;
    default:
        return {};
    }
}

} // namespace moescope
