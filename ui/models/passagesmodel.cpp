#include "ui/models/passagesmodel.h"

#include "ui/models/itemroles.h"

#include <QGuiApplication>
#include <QPalette>

#include <cmath>

namespace moescope {

PassagesModel::PassagesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void PassagesModel::setPerplexity(const PerplexityDataPtr& data)
{
    beginResetModel();
    m_data = data;
    endResetModel();
}

int PassagesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_data ? 0 : int(m_data->passages.size());
}

int PassagesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PassagesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_data || index.row() >= int(m_data->passages.size()))
        return {};
    const auto& p = m_data->passages[std::size_t(index.row())];
    const QString text = QString::fromStdString(m_data->passageTexts.at(std::size_t(index.row())));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SurprisalColumn:
            return QString::number(p.meanSurprisal, 'f', 2);
        case PageColumn:
            return tr("p. %1").arg(p.page + 1);
        case SectionColumn:
            return p.section.empty() ? QString() : tr("Item %1").arg(QString::fromStdString(p.section));
        case TextColumn:
            return text;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("Mean surprisal %1 nats/token (perplexity %2) on page %3\n\n%4")
            .arg(p.meanSurprisal, 0, 'f', 2)
            .arg(std::exp(p.meanSurprisal), 0, 'f', 1)
            .arg(p.page + 1)
            .arg(text);
    case Qt::ForegroundRole: // the page is a citation: clicking the row opens it
        if (index.column() == PageColumn)
            return QGuiApplication::palette().color(QPalette::Link);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SurprisalColumn || index.column() == PageColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case PageRole:
        return p.page;
    case DocumentIdRole:
        return QVariant::fromValue<qint64>(m_data->documentId);
    case SurprisalRole:
    case SortRole:
        return p.meanSurprisal;
    default:
        return {};
    }
}

QVariant PassagesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == SurprisalColumn)
        return tr("Mean surprisal of the passage's tokens, in nats per token (higher: the model found it less "
                  "predictable)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SurprisalColumn:
        return tr("Nats/token");
    case PageColumn:
        return tr("Page");
    case SectionColumn:
        return tr("Section");
    case TextColumn:
        return tr("Passage");
    }
    return {};
}

} // namespace moescope
