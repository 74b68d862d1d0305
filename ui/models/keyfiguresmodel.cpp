#include "ui/models/keyfiguresmodel.h"

#include "ui/models/itemroles.h"

#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
const char* kOrder[]
    = { "total_revenue", "net_income", "diluted_eps", "total_assets", "total_liabilities", "operating_cash_flow" };
}

KeyFiguresModel::KeyFiguresModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void KeyFiguresModel::clear()
{
    setFigures({});
}

void KeyFiguresModel::setFigures(const FinancialFigures& figures)
{
    beginResetModel();
    m_figures = figures.figures;
    m_names.clear();
    m_years.clear();
    for (const char* name : kOrder)
        if (std::any_of(m_figures.begin(), m_figures.end(), [&](const auto& f) { return f.name == name; }))
            m_names.emplace_back(name);
    for (const auto& f : m_figures) {
        if (std::find(m_names.begin(), m_names.end(), f.name) == m_names.end())
            m_names.push_back(f.name); // a figure this version does not know: still shown, after the others
        if (std::find(m_years.begin(), m_years.end(), f.year) == m_years.end())
            m_years.push_back(f.year);
    }
    std::sort(m_years.begin(), m_years.end(), std::greater<>());
    endResetModel();
}

int KeyFiguresModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

int KeyFiguresModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_names.empty() ? 0 : int(m_years.size()) + 1;
}

const KeyFigure* KeyFiguresModel::cell(const QModelIndex& index) const
{
    if (!index.isValid() || index.column() == 0 || index.row() >= int(m_names.size())
        || index.column() > int(m_years.size()))
        return nullptr;
    const auto& name = m_names[std::size_t(index.row())];
    const int year = m_years[std::size_t(index.column() - 1)];
    for (const auto& f : m_figures)
        if (f.name == name && f.year == year)
            return &f;
    return nullptr;
}

QString KeyFiguresModel::displayName(const std::string& name)
{
    static const std::pair<const char*, const char*> names[] = { { "total_revenue", "Revenue" },
        { "net_income", "Net income" }, { "diluted_eps", "Diluted EPS" }, { "total_assets", "Total assets" },
        { "total_liabilities", "Total liabilities" }, { "operating_cash_flow", "Operating cash flow" } };
    for (const auto& [key, label] : names)
        if (name == key)
            return tr(label);
    QString s = QString::fromStdString(name).replace('_', ' ');
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

QString KeyFiguresModel::formatValue(const KeyFigure& f)
{
    // As printed: whole numbers for amounts, cents for per-share values, three decimals where the statement has
    // them (Amcor prints diluted EPS as 0.705).
    const bool fractional = std::abs(f.value - std::round(f.value)) > 1e-9 || f.unit == "per share";
    const bool mills = std::abs(f.value * 100 - std::round(f.value * 100)) > 1e-6;
    return QLocale().toString(f.value, 'f', !fractional ? 0 : mills ? 3 : 2);
}

QVariant KeyFiguresModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_names.size()))
        return {};
    const auto& name = m_names[std::size_t(index.row())];
    if (index.column() == 0) {
        QString unit;
        for (const auto& f : m_figures)
            if (f.name == name && !f.unit.empty())
                unit = QString::fromStdString(f.unit);
        switch (role) {
        case Qt::DisplayRole:
            return unit.isEmpty() ? displayName(name) : tr("%1 (%2)").arg(displayName(name), unit);
        case Qt::ToolTipRole:
            return unit.isEmpty() ? displayName(name) : tr("%1, in %2").arg(displayName(name), unit);
        case PageRole:
            return -1;
        default:
            return {};
        }
    }
    const KeyFigure* f = cell(index);
    switch (role) {
    case Qt::DisplayRole:
        return f ? formatValue(*f) : QStringLiteral("—");
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case PageRole:
        return f ? f->page : -1;
    case SortRole:
        return f ? f->value : 0.0;
    case TermsRole:
        return f ? QStringList { QString::fromStdString(f->label) } : QStringList();
    case Qt::ToolTipRole:
        if (!f)
            return tr("Not found in the financial statements");
        return tr("%1 (%2): %3 %4\nAs printed: “%5” on page %6%7\nClick to open the page.")
            .arg(displayName(name))
            .arg(f->year)
            .arg(formatValue(*f), QString::fromStdString(f->unit), QString::fromStdString(f->label))
            .arg(f->page + 1)
            .arg(f->derived ? tr("\nDerived: %1").arg(QString::fromStdString(f->note)) : QString());
    default:
        return {};
    }
}

QVariant KeyFiguresModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == 0)
        return tr("Figure");
    if (section - 1 < int(m_years.size()))
        return tr("FY %1").arg(m_years[std::size_t(section - 1)]);
    return {};
}

} // namespace moescope
