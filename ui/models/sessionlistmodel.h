#pragma once
// The sessions in the library folder: name, number of documents, last change, file size. Files that could not be
// read as sessions stay listed with the reason (tooltip, greyed). The open session is shown in bold.

#include "store/sessionlibrary.h"

#include <QAbstractTableModel>

namespace moescope {

class SessionListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { NameColumn, DocumentsColumn, ModifiedColumn, SizeColumn, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 200, ErrorRole };

    explicit SessionListModel(QObject* parent = nullptr);

    void setSessions(std::vector<SessionInfo> sessions);
    void setCurrentPath(const QString& path);
    const SessionInfo* session(int row) const;
    int rowOf(const QString& path) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<SessionInfo> m_sessions;
    QString m_current;
};

} // namespace moescope
