#include "ui/models/sessiondocumentsmodel.h"

#include "ui/models/itemroles.h"

#include <QColor>
#include <QFont>

namespace moescope {

SessionDocumentsModel::SessionDocumentsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SessionDocumentsModel::setDocuments(
    const std::vector<StoredDocument>& documents, const std::vector<DocumentFileState>& states)
{
    beginResetModel();
    m_documents = documents;
    m_states = states;
    m_states.resize(m_documents.size(), DocumentFileState::Unchanged);
    endResetModel();
}

void SessionDocumentsModel::setCurrentDocument(qint64 id)
{
    m_current = id;
    if (!m_documents.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), { Qt::FontRole });
}

const StoredDocument* SessionDocumentsModel::document(int row) const
{
    return row >= 0 && row < int(m_documents.size()) ? &m_documents[std::size_t(row)] : nullptr;
}

DocumentFileState SessionDocumentsModel::state(int row) const
{
    return row >= 0 && row < int(m_states.size()) ? m_states[std::size_t(row)] : DocumentFileState::Unchanged;
}

int SessionDocumentsModel::rowOf(qint64 id) const
{
    for (std::size_t i = 0; i < m_documents.size(); ++i)
        if (m_documents[i].id == id)
            return int(i);
    return -1;
}

QString SessionDocumentsModel::stateText(DocumentFileState state)
{
    switch (state) {
    case DocumentFileState::Unchanged:
        return tr("OK");
    case DocumentFileState::Changed:
        return tr("Changed");
    case DocumentFileState::Missing:
        return tr("Missing");
    }
    return {};
}

int SessionDocumentsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_documents.size());
}

int SessionDocumentsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionDocumentsModel::data(const QModelIndex& index, int role) const
{
    const StoredDocument* d = index.isValid() ? document(index.row()) : nullptr;
    if (!d)
        return {};
    const auto st = state(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FileColumn:
            return QString::fromStdString(d->fileName);
        case PagesColumn:
            return d->pageCount;
        case StateColumn:
            return stateText(st);
        }
        return {};
    case Qt::ToolTipRole:
        if (st == DocumentFileState::Missing)
            return tr("%1\nThe file is no longer there. Use Relocate… to point the session at its new place.")
                .arg(QString::fromStdString(d->path));
        if (st == DocumentFileState::Changed)
            return tr("%1\nThe file's content changed since it was read into the session.")
                .arg(QString::fromStdString(d->path));
        return tr("%1\n%2, %3 pages, added %4")
            .arg(QString::fromStdString(d->path), QString::fromStdString(d->format).toUpper())
            .arg(d->pageCount)
            .arg(QString::fromStdString(d->addedAt));
    case Qt::ForegroundRole:
        if (index.column() == StateColumn && st != DocumentFileState::Unchanged)
            return QVariant::fromValue(QColor(0xd5, 0x5e, 0x00)); // vermilion: visible to colour-blind readers
        return {};
    case Qt::FontRole:
        if (d->id == m_current) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == PagesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case DocumentIdRole:
        return QVariant::fromValue<qint64>(d->id);
    default:
        return {};
    }
}

QVariant SessionDocumentsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FileColumn:
        return tr("Document");
    case PagesColumn:
        return tr("Pages");
    case StateColumn:
        return tr("File");
    }
    return {};
}

} // namespace moescope
