#pragma once
// Search hits: page (1-based in the display), 10-K section and the snippet with the matched words marked. PageRole,
// DocumentIdRole and TermsRole tell a view where to jump and what to highlight; SnippetRole gives the snippet as
// HTML (matches in <b>), escaped apart from those marks. Plain data in, no I/O.

#include "store/searchengine.h"

#include <QAbstractListModel>
#include <QStringList>

#include <vector>

namespace moescope {

class SearchResultsModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role { SnippetRole = Qt::UserRole + 100, HeadingRole };

    explicit SearchResultsModel(QObject* parent = nullptr);

    // sectionTitles: item -> title for the documents' sections (for the heading line).
    void setHits(const std::vector<SearchHit>& hits, const QHash<QString, QString>& sectionTitles = {});
    void clear();
    const SearchHit* hit(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // Escapes text for HTML but keeps the search engine's <b> and </b> marks.
    static QString snippetHtml(const std::string& snippet);

private:
    std::vector<SearchHit> m_hits;
    QHash<QString, QString> m_titles;
};

} // namespace moescope
