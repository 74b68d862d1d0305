#include "ui/sessionspanel.h"

#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "store/sessionlibrary.h"
#include "store/sessionstore.h"
#include "ui/models/itemroles.h"
#include "ui/models/sessiondocumentsmodel.h"
#include "ui/models/sessionlistmodel.h"

#include <QDate>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace moescope {

namespace {
std::filesystem::path toPath(const QString& s)
{
    return std::filesystem::path(s.toStdString());
}
QString fromPath(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

QTableView* makeTable(QAbstractItemModel* model)
{
    auto* view = new QTableView;
    view->setModel(model);
    view->verticalHeader()->hide();
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    return view;
}
} // namespace

SessionsPanel::SessionsPanel(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_sessions(new SessionListModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_documents(new SessionDocumentsModel(this))
    , m_jobs(new JobTracker(this, 1, JobTracker::Mode::Queue))
    , m_listJobs(new JobTracker(this, 1))
    , m_folderLabel(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* folderRow = new QHBoxLayout;
    m_folderLabel->setTextFormat(Qt::PlainText);
    m_folderLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_folderLabel->setForegroundRole(QPalette::PlaceholderText);
    auto* change = new QToolButton;
    change->setText(tr("Change…"));
    change->setToolTip(tr("Choose the folder that holds your sessions"));
    folderRow->addWidget(m_folderLabel, 1);
    folderRow->addWidget(change);
    layout->addLayout(folderRow);

    m_sorted->setSourceModel(m_sessions);
    m_sorted->setSortRole(SortRole);
    m_sessionsView = makeTable(m_sorted);
    m_sessionsView->setSortingEnabled(true);
    m_sessionsView->sortByColumn(SessionListModel::ModifiedColumn, Qt::DescendingOrder);
    layout->addWidget(m_sessionsView, 3);

    auto* buttons = new QGridLayout;
    auto* create = new QPushButton(QIcon(":/icons/session.svg"), tr("New"));
    m_open = new QPushButton(tr("Open"));
    m_rename = new QPushButton(tr("Rename…"));
    m_duplicate = new QPushButton(tr("Duplicate"));
    m_delete = new QPushButton(tr("Delete…"));
    auto* import = new QPushButton(tr("Import…"));
    m_export = new QPushButton(QIcon(":/icons/export.svg"), tr("Export…"));
    const QList<QPushButton*> all { create, m_open, m_rename, m_duplicate, m_delete, import, m_export };
    for (int i = 0; i < all.size(); ++i)
        buttons->addWidget(all[i], i / 4, i % 4);
    layout->addLayout(buttons);

    auto* docsTitle = new QLabel(tr("<b>Documents in the open session</b>"));
    layout->addSpacing(6);
    layout->addWidget(docsTitle);
    m_documentsView = makeTable(m_documents);
    layout->addWidget(m_documentsView, 2);
    auto* docButtons = new QHBoxLayout;
    m_relocate = new QPushButton(tr("Relocate…"));
    m_relocate->setToolTip(tr("Point the session at the moved file (its content must be unchanged)"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setToolTip(tr("Remove the document and its analyses from the session"));
    docButtons->addStretch();
    docButtons->addWidget(m_relocate);
    docButtons->addWidget(m_remove);
    layout->addLayout(docButtons);

    connect(change, &QToolButton::clicked, this, &SessionsPanel::chooseFolder);
    connect(create, &QPushButton::clicked, this, &SessionsPanel::newSession);
    connect(m_open, &QPushButton::clicked, this, &SessionsPanel::openSelected);
    connect(m_rename, &QPushButton::clicked, this, [this] { renameSelected(); });
    connect(m_duplicate, &QPushButton::clicked, this, &SessionsPanel::duplicateSelected);
    connect(m_delete, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(import, &QPushButton::clicked, this, [this] { importSession(); });
    connect(m_export, &QPushButton::clicked, this, [this] { exportSelected(); });
    connect(m_sessionsView, &QTableView::doubleClicked, this, &SessionsPanel::openSelected);
    connect(
        m_sessionsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SessionsPanel::updateButtons);
    connect(
        m_documentsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SessionsPanel::updateButtons);
    connect(m_documentsView, &QTableView::doubleClicked, this,
        [this](const QModelIndex& index) { m_session->selectDocument(index.data(DocumentIdRole).toLongLong()); });
    connect(m_relocate, &QPushButton::clicked, this, [this] {
        if (const auto* d = m_documents->document(m_documentsView->currentIndex().row()))
            relocateDocument(d->id);
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const auto* d = m_documents->document(m_documentsView->currentIndex().row());
        if (d
            && QMessageBox::question(this, tr("Remove document"),
                   tr("Remove %1 and its analyses from the session?").arg(QString::fromStdString(d->fileName)))
                == QMessageBox::Yes)
            m_session->removeDocument(d->id);
    });

    connect(m_session, &SessionController::sessionOpened, this, [this](const QString& path) {
        m_sessions->setCurrentPath(path);
        if (QFileInfo(path).absolutePath() == QFileInfo(m_folder).absoluteFilePath() && m_sessions->rowOf(path) < 0)
            refresh();
    });
    connect(m_session, &SessionController::sessionClosed, this, [this] { m_sessions->setCurrentPath({}); });
    connect(m_session, &SessionController::documentsChanged, this, [this] {
        m_documents->setDocuments(m_session->documents(), m_session->fileStates());
        m_documents->setCurrentDocument(m_session->currentDocumentId());
        updateButtons();
        refresh(); // document counts and dates
    });
    connect(m_session, &SessionController::documentLoaded, this,
        [this](const DocumentDataPtr& d) { m_documents->setCurrentDocument(d->info.id); });
    connect(m_jobs, &JobTracker::failed, this,
        [this](const QString& what, const QString& message) { QMessageBox::warning(this, what, message); });
    updateButtons();
}

void SessionsPanel::setFolder(const QString& folder)
{
    m_folder = folder;
    m_folderLabel->setText(QDir::toNativeSeparators(folder));
    m_folderLabel->setToolTip(QDir::toNativeSeparators(folder));
    m_session->setDefaultFolder(folder);
    refresh();
}

void SessionsPanel::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Session folder"), m_folder);
    if (dir.isEmpty())
        return;
    setFolder(dir);
    emit libraryChanged();
}

void SessionsPanel::refresh()
{
    if (m_folder.isEmpty())
        return;
    const auto folder = toPath(m_folder);
    m_listJobs->start<std::vector<SessionInfo>>(
        tr("Listing sessions"), [folder](const JobContext&) { return SessionLibrary(folder).list(); },
        [this](std::vector<SessionInfo> sessions) {
            const QString selected = selectedPath();
            m_sessions->setSessions(std::move(sessions));
            m_sessions->setCurrentPath(m_session->sessionPath());
            const int row = m_sessions->rowOf(selected.isEmpty() ? m_session->sessionPath() : selected);
            if (row >= 0)
                m_sessionsView->selectRow(m_sorted->mapFromSource(m_sessions->index(row, 0)).row());
            updateButtons();
        });
}

QString SessionsPanel::selectedPath() const
{
    const auto index = m_sessionsView->currentIndex();
    return index.isValid() ? index.data(SessionListModel::PathRole).toString() : QString();
}

QString SessionsPanel::selectedName() const
{
    const auto index = m_sessionsView->currentIndex();
    return index.isValid() ? index.siblingAtColumn(SessionListModel::NameColumn).data().toString() : QString();
}

void SessionsPanel::updateButtons()
{
    const auto index = m_sessionsView->currentIndex();
    const bool usable = index.isValid() && index.data(SessionListModel::ErrorRole).toString().isEmpty();
    for (auto* b : { m_open, m_rename, m_duplicate, m_export })
        b->setEnabled(usable);
    m_delete->setEnabled(index.isValid());
    const int row = m_documentsView->currentIndex().row();
    m_relocate->setEnabled(m_documents->document(row) && m_documents->state(row) != DocumentFileState::Unchanged);
    m_remove->setEnabled(m_documents->document(row) != nullptr);
}

void SessionsPanel::runOnLibrary(const QString& what, const QString& closeFirst, std::function<QString()> op, Then then)
{
    const bool wasCurrent = !closeFirst.isEmpty() && closeFirst == m_session->sessionPath();
    auto run = [this, what, op, then, wasCurrent] {
        m_jobs->start<QString>(
            what, [op](const JobContext&) { return op(); },
            [this, then, wasCurrent](QString result) {
                refresh();
                if (!result.isEmpty() && (then == Then::OpenResult || (then == Then::ReopenIfCurrent && wasCurrent)))
                    m_session->openSession(result);
                emit libraryChanged();
            });
    };
    if (wasCurrent)
        m_session->closeSession(run);
    else
        run();
}

void SessionsPanel::newSession()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New session"), tr("Name:"), QLineEdit::Normal,
        tr("Session %1").arg(QDate::currentDate().toString(Qt::ISODate)), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    const auto folder = toPath(m_folder);
    const auto n = name.trimmed().toStdString();
    runOnLibrary(
        tr("Creating session"), {}, [folder, n] { return fromPath(SessionLibrary(folder).create(n)); },
        Then::OpenResult);
}

void SessionsPanel::openSelected()
{
    const QString path = selectedPath();
    if (!path.isEmpty() && path != m_session->sessionPath())
        m_session->openSession(path);
}

void SessionsPanel::renameSelected(const QString& newName)
{
    const QString path = selectedPath();
    if (path.isEmpty())
        return;
    QString name = newName;
    if (name.isEmpty()) {
        bool ok = false;
        name = QInputDialog::getText(
            this, tr("Rename session"), tr("New name:"), QLineEdit::Normal, selectedName(), &ok);
        if (!ok)
            return;
    }
    if (name.trimmed().isEmpty())
        return;
    const auto folder = toPath(m_folder);
    const auto n = name.trimmed().toStdString();
    const auto p = toPath(path);
    runOnLibrary(
        tr("Renaming session"), path, [folder, p, n] { return fromPath(SessionLibrary(folder).rename(p, n)); },
        Then::ReopenIfCurrent);
}

void SessionsPanel::duplicateSelected()
{
    const QString path = selectedPath();
    if (path.isEmpty())
        return;
    const auto folder = toPath(m_folder);
    const auto p = toPath(path);
    const auto n = tr("%1 (copy)").arg(selectedName()).toStdString();
    runOnLibrary(
        tr("Duplicating session"), {}, [folder, p, n] { return fromPath(SessionLibrary(folder).duplicate(p, n)); },
        Then::Refresh);
}

void SessionsPanel::deleteSelected(bool confirm)
{
    const QString path = selectedPath();
    if (path.isEmpty())
        return;
    if (confirm
        && QMessageBox::question(this, tr("Delete session"),
               tr("Delete the session “%1” and everything in it (documents, searches, analyses)? The report files "
                  "themselves are not touched.")
                   .arg(selectedName()))
            != QMessageBox::Yes)
        return;
    const auto folder = toPath(m_folder);
    const auto p = toPath(path);
    runOnLibrary(
        tr("Deleting session"), path,
        [folder, p] {
            SessionLibrary(folder).remove(p);
            return QString();
        },
        Then::Refresh);
}

void SessionsPanel::exportSelected(const QString& target)
{
    const QString path = selectedPath();
    if (path.isEmpty())
        return;
    QString file = target;
    if (file.isEmpty())
        file = QFileDialog::getSaveFileName(this, tr("Export session"),
            QDir::home().filePath(QFileInfo(path).fileName()), tr("MoEScope sessions (*.moescope)"));
    if (file.isEmpty())
        return;
    if (!file.endsWith(QLatin1String(".moescope")))
        file += QLatin1String(".moescope");
    const auto folder = toPath(m_folder);
    const auto p = toPath(path);
    const auto t = toPath(file);
    runOnLibrary(
        tr("Exporting session"), {},
        [folder, p, t] {
            std::error_code ec;
            std::filesystem::remove(t, ec); // the dialog asked before overwriting
            SessionLibrary(folder).exportTo(p, t);
            return QString();
        },
        Then::Refresh);
}

void SessionsPanel::importSession(const QString& file)
{
    QString source = file;
    if (source.isEmpty())
        source = QFileDialog::getOpenFileName(
            this, tr("Import session"), QDir::homePath(), tr("MoEScope sessions (*.moescope)"));
    if (source.isEmpty())
        return;
    const auto folder = toPath(m_folder);
    const auto s = toPath(source);
    runOnLibrary(
        tr("Importing session"), {}, [folder, s] { return fromPath(SessionLibrary(folder).importFrom(s)); },
        Then::OpenResult);
}

void SessionsPanel::relocateDocument(qint64 documentId, const QString& newPath)
{
    QString file = newPath;
    if (file.isEmpty()) {
        QString name;
        for (const auto& d : m_session->documents())
            if (d.id == documentId)
                name = QString::fromStdString(d.fileName);
        file = QFileDialog::getOpenFileName(
            this, tr("Locate %1").arg(name), QDir::homePath(), tr("Reports (*.pdf *.htm *.html *.txt);;All files (*)"));
    }
    if (!file.isEmpty())
        m_session->relocateDocument(documentId, file);
}

} // namespace moescope
