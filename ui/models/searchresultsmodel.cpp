#include "ui/models/searchresultsmodel.h"

#include "ui/models/itemroles.h"

namespace moescope {

SearchResultsModel::SearchResultsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

void SearchResultsModel::setHits(const std::vector<SearchHit>& hits, const QHash<QString, QString>& sectionTitles)
{
    beginResetModel();
    m_hits = hits;
    m_titles = sectionTitles;
    endResetModel();
}

void SearchResultsModel::clear()
{
    setHits({});
}

const SearchHit* SearchResultsModel::hit(int row) const
{
    return row >= 0 && row < int(m_hits.size()) ? &m_hits[std::size_t(row)] : nullptr;
}

int SearchResultsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QString SearchResultsModel::snippetHtml(const std::string& snippet)
{
    QString escaped = QString::fromStdString(snippet).toHtmlEscaped();
    escaped.replace(QStringLiteral("&lt;b&gt;"), QStringLiteral("<b>"));
    escaped.replace(QStringLiteral("&lt;/b&gt;"), QStringLiteral("</b>"));
    return escaped;
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const
{
    const SearchHit* h = index.isValid() ? hit(index.row()) : nullptr;
    if (!h)
        return {};
    const QString section = QString::fromStdString(h->section);
    const QString heading = section.isEmpty()
        ? tr("Page %1").arg(h->page + 1)
        : tr("Page %1 · Item %2 %3").arg(h->page + 1).arg(section, m_titles.value(section)).trimmed();
    switch (role) {
    case Qt::DisplayRole:
        return heading;
    case HeadingRole:
        return heading;
    case SnippetRole:
        return snippetHtml(h->snippet);
    case Qt::ToolTipRole: {
        QString plain = QString::fromStdString(h->snippet);
        plain.remove(QStringLiteral("<b>")).remove(QStringLiteral("</b>"));
        return tr("%1 (score %2)\n%3").arg(heading).arg(h->score, 0, 'g', 3).arg(plain);
    }
    case PageRole:
        return h->page;
    case DocumentIdRole:
        return QVariant::fromValue<qint64>(h->documentId);
    case TermsRole: {
        QStringList terms;
        for (const auto& t : h->terms)
            terms << QString::fromStdString(t);
        return terms;
    }
    case SortRole:
        return h->score;
    default:
        return {};
    }
}

} // namespace moescope
