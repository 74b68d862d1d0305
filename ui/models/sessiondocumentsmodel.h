#pragma once
// The documents of the open session: file name, pages, format and whether the file is still where it was (a moved
// or changed file is flagged, so the user can relocate it).

#include "store/sessiontypes.h"

#include <QAbstractTableModel>

#include <vector>

namespace moescope {

class SessionDocumentsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { FileColumn, PagesColumn, StateColumn, ColumnCount };

    explicit SessionDocumentsModel(QObject* parent = nullptr);

    void setDocuments(const std::vector<StoredDocument>& documents, const std::vector<DocumentFileState>& states);
    void setCurrentDocument(qint64 id);
    const StoredDocument* document(int row) const;
    DocumentFileState state(int row) const;
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(DocumentFileState state);

private:
    std::vector<StoredDocument> m_documents;
    std::vector<DocumentFileState> m_states;
    qint64 m_current = 0;
};

} // namespace moescope
