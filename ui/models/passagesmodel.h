#pragma once
// The passages of a document the model found most surprising: mean surprisal (nats/token), page (1-based in the
// display, 0-based in PageRole), section and text. Sorted most surprising first. Plain data in, no I/O.

#include "services/workbenchtypes.h"

#include <QAbstractTableModel>

namespace moescope {

class PassagesModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { SurprisalColumn, PageColumn, SectionColumn, TextColumn, ColumnCount };

    explicit PassagesModel(QObject* parent = nullptr);

    void setPerplexity(const PerplexityDataPtr& data);
    void clear() { setPerplexity(nullptr); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    PerplexityDataPtr m_data;
};

} // namespace moescope
