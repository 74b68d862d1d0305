#pragma once
// The pages of the document being viewed, for the page list: "Page N", its 10-K section and a thumbnail. Thumbnails
// are not made here: the first time a view asks for one, the model emits thumbnailNeeded(page) (queued, once per
// page) and shows it when setThumbnail() delivers it.

#include "services/workbenchtypes.h"

#include <QAbstractListModel>
#include <QImage>
#include <QPixmap>

#include <unordered_map>
#include <unordered_set>

namespace moescope {

class PageListModel : public QAbstractListModel {
    Q_OBJECT

public:
    explicit PageListModel(QObject* parent = nullptr);

    void setDocument(const DocumentDataPtr& document);
    void setThumbnailSize(QSize size) { m_thumbnailSize = size; }
    QSize thumbnailSize() const { return m_thumbnailSize; }
    void setThumbnail(int page, const QImage& image);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

signals:
    void thumbnailNeeded(int page);

private:
    DocumentDataPtr m_document;
    QHash<QString, QString> m_titles; // item -> section title
    QSize m_thumbnailSize { 96, 124 };
    std::unordered_map<int, QPixmap> m_thumbnails;
    mutable std::unordered_set<int> m_requested;
};

} // namespace moescope
