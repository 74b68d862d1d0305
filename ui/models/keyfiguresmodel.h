#pragma once
// Key figures of a report as a pivot table: one row per figure (revenue, net income, diluted EPS, total assets,
// total liabilities, operating cash flow), one column per fiscal year, newest first. Every cell cites the page the
// value is printed on (PageRole), so a click jumps there. Plain data in, no I/O.

#include "docs/financialfigures.h"

#include <QAbstractTableModel>

#include <vector>

namespace moescope {

class KeyFiguresModel : public QAbstractTableModel {
    Q_OBJECT

public:
    explicit KeyFiguresModel(QObject* parent = nullptr);

    void setFigures(const FinancialFigures& figures);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString displayName(const std::string& name);
    static QString formatValue(const KeyFigure& figure);

private:
    const KeyFigure* cell(const QModelIndex& index) const;

    std::vector<std::string> m_names; // rows
    std::vector<int> m_years; // columns after the first, newest first
    std::vector<KeyFigure> m_figures;
};

} // namespace moescope
