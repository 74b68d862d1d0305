#pragma once
// Item-data roles shared by the workbench's item models and the views that follow citations.

#include <Qt>

namespace moescope {

enum ItemRole {
    PageRole = Qt::UserRole + 1, // int: 0-based page a row cites (jump target), -1 when none
    DocumentIdRole, // qint64: the session document the row belongs to
    TermsRole, // QStringList: words to highlight on the page
    SortRole, // a sortable value (numbers as numbers)
    SurprisalRole, // double: nats per token
};

} // namespace moescope
