#include "ui/searchpanel.h"

#include "services/sessioncontroller.h"
#include "ui/models/itemroles.h"
#include "ui/models/searchresultsmodel.h"
#include "ui/snippetdelegate.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QToolButton>
#include <QVBoxLayout>

namespace moescope {

SearchPanel::SearchPanel(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new SearchResultsModel(this))
    , m_query(new QComboBox)
    , m_go(new QToolButton)
    , m_status(new QLabel)
    , m_view(new QListView)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* row = new QHBoxLayout;
    m_query->setEditable(true);
    m_query->setInsertPolicy(QComboBox::NoInsert);
    m_query->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_query->setMinimumContentsLength(12);
    m_query->lineEdit()->setPlaceholderText(tr("Search the report (Ctrl+F)…"));
    m_query->lineEdit()->setClearButtonEnabled(true);
    m_go->setIcon(QIcon(":/icons/search.svg"));
    m_go->setToolTip(tr("Search"));
    row->addWidget(m_query, 1);
    row->addWidget(m_go);
    layout->addLayout(row);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_view->setModel(m_model);
    m_view->setItemDelegate(
        new SnippetDelegate(m_view, SearchResultsModel::HeadingRole, SearchResultsModel::SnippetRole));
    m_view->setResizeMode(QListView::Adjust);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setWordWrap(true);
    m_view->setAlternatingRowColors(true);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setCursor(Qt::PointingHandCursor);
    layout->addWidget(m_view, 1);

    connect(m_query->lineEdit(), &QLineEdit::returnPressed, this, [this] { search(m_query->currentText()); });
    connect(m_query, qOverload<int>(&QComboBox::activated), this, [this](int i) { search(m_query->itemText(i)); });
    connect(m_go, &QToolButton::clicked, this, [this] { search(m_query->currentText()); });
    auto open = [this](const QModelIndex& index) {
        if (!index.isValid())
            return;
        emit citationRequested(index.data(DocumentIdRole).toLongLong(), index.data(PageRole).toInt(),
            index.data(TermsRole).toStringList());
    };
    connect(m_view, &QListView::clicked, this, open);
    connect(m_view, &QListView::activated, this, open);
    connect(m_session, &SessionController::searchFinished, this, &SearchPanel::showResults);
    connect(m_session, &SessionController::historyChanged, this, &SearchPanel::updateHistory);
    connect(m_session, &SessionController::documentCleared, this, &SearchPanel::clearResults);
    clearResults();
}

void SearchPanel::focusSearch()
{
    m_query->setFocus(Qt::ShortcutFocusReason);
    m_query->lineEdit()->selectAll();
}

void SearchPanel::search(const QString& query)
{
    const QString q = query.simplified();
    if (q.isEmpty())
        return;
    if (!m_session->hasSession() || m_session->documents().empty()) {
        m_status->setText(tr("Open a report first."));
        return;
    }
    m_status->setText(tr("Searching…"));
    m_session->search(q);
}

void SearchPanel::clearResults()
{
    m_model->clear();
    m_status->setText(tr("Words, phrases or a question; results cite their pages."));
}

void SearchPanel::showResults(const SearchResults& results)
{
    QHash<QString, QString> titles;
    if (const auto doc = m_session->currentDocument())
        for (const auto& s : doc->structure.sections)
            titles.insert(QString::fromStdString(s.item), QString::fromStdString(s.title));
    m_model->setHits(results.hits, titles);
    m_status->setText(results.hits.empty()
            ? tr("No page matches “%1”.").arg(results.query)
            : tr("%n page(s) for “%1” (%2 ms). Click a result to open the page.", "", int(results.hits.size()))
                  .arg(results.query)
                  .arg(results.milliseconds, 0, 'f', 0));
    if (m_query->currentText() != results.query)
        m_query->setEditText(results.query);
}

void SearchPanel::updateHistory()
{
    const QString current = m_query->currentText();
    const QSignalBlocker block(m_query);
    m_query->clear();
    m_query->addItems(m_session->searchHistory().mid(0, 30));
    m_query->setEditText(current);
}

} // namespace moescope
