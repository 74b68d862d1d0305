#include "ui/models/sessionlistmodel.h"

#include "ui/models/itemroles.h"
#include "ui/uiformat.h"

#include <QColor>
#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QLocale>

namespace moescope {

SessionListModel::SessionListModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SessionListModel::setSessions(std::vector<SessionInfo> sessions)
{
    beginResetModel();
    m_sessions = std::move(sessions);
    endResetModel();
}

void SessionListModel::setCurrentPath(const QString& path)
{
    m_current = path;
    if (!m_sessions.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), { Qt::FontRole });
}

const SessionInfo* SessionListModel::session(int row) const
{
    return row >= 0 && row < int(m_sessions.size()) ? &m_sessions[std::size_t(row)] : nullptr;
}

int SessionListModel::rowOf(const QString& path) const
{
    for (std::size_t i = 0; i < m_sessions.size(); ++i)
        if (QString::fromStdString(m_sessions[i].path.string()) == path)
            return int(i);
    return -1;
}

int SessionListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_sessions.size());
}

int SessionListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionListModel::data(const QModelIndex& index, int role) const
{
    const SessionInfo* s = index.isValid() ? session(index.row()) : nullptr;
    if (!s)
        return {};
    const QString path = QString::fromStdString(s->path.string());
    const bool broken = !s->error.empty();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return s->name.empty() ? QFileInfo(path).completeBaseName() : QString::fromStdString(s->name);
        case DocumentsColumn:
            return broken ? QString() : QString::number(s->documentCount);
        case ModifiedColumn: {
            const auto t = QDateTime::fromString(QString::fromStdString(s->modifiedAt), Qt::ISODate);
            return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
        }
        case SizeColumn:
            return formatBytes(qint64(s->fileSize));
        }
        return {};
    case Qt::ToolTipRole:
        return broken ? tr("%1\nCannot be opened: %2").arg(path, QString::fromStdString(s->error)) : path;
    case Qt::FontRole:
        if (path == m_current) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        return broken ? QVariant::fromValue(QColor(Qt::gray)) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == DocumentsColumn || index.column() == SizeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case PathRole:
        return path;
    case ErrorRole:
        return QString::fromStdString(s->error);
    case SortRole:
        switch (index.column()) {
        case DocumentsColumn:
            return qint64(s->documentCount);
        case SizeColumn:
            return quint64(s->fileSize);
        case ModifiedColumn:
            return QString::fromStdString(s->modifiedAt);
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        return {};
    }
}

QVariant SessionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Session");
    case DocumentsColumn:
        return tr("Docs");
    case ModifiedColumn:
        return tr("Modified");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

} // namespace moescope
