#include "ui/documentpanel.h"

#include "services/sessioncontroller.h"
#include "ui/citationdelegate.h"
#include "ui/models/itemroles.h"
#include "ui/models/keyfiguresmodel.h"
#include "ui/models/pagelistmodel.h"
#include "ui/models/structuremodel.h"
#include "ui/thumbnailprovider.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace moescope {

DocumentPanel::DocumentPanel(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_structure(new StructureModel(this))
    , m_figures(new KeyFiguresModel(this))
    , m_pages(new PageListModel(this))
    , m_thumbnails(new ThumbnailProvider(this))
    , m_documentBox(new QComboBox)
    , m_summary(new QLabel)
    , m_tabs(new QTabWidget)
    , m_structureView(new QTreeView)
    , m_pageView(new QListView)
    , m_figuresView(new QTableView)
    , m_figuresNote(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_documentBox->setToolTip(tr("Documents of this session"));
    m_documentBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_documentBox->setMinimumContentsLength(16);
    layout->addWidget(m_documentBox);
    m_summary->setWordWrap(true);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);

    m_structureView->setModel(m_structure);
    m_structureView->setUniformRowHeights(true);
    m_structureView->setAlternatingRowColors(true);
    m_structureView->header()->setStretchLastSection(false);
    m_structureView->header()->setSectionResizeMode(StructureModel::TitleColumn, QHeaderView::Stretch);
    m_structureView->header()->setSectionResizeMode(StructureModel::PagesColumn, QHeaderView::ResizeToContents);
    m_tabs->addTab(m_structureView, tr("Contents"));

    m_pageView->setModel(m_pages);
    m_pageView->setUniformItemSizes(true);
    m_pageView->setIconSize(m_pages->thumbnailSize());
    m_pageView->setSpacing(2);
    m_tabs->addTab(m_pageView, tr("Pages"));
    m_thumbnails->setSize(m_pages->thumbnailSize(), devicePixelRatioF());
    connect(m_pages, &PageListModel::thumbnailNeeded, m_thumbnails, &ThumbnailProvider::request);
    connect(m_thumbnails, &ThumbnailProvider::thumbnailReady, m_pages, &PageListModel::setThumbnail);

    auto* figuresPane = new QWidget;
    auto* figuresLayout = new QVBoxLayout(figuresPane);
    figuresLayout->setContentsMargins(0, 0, 0, 0);
    m_figuresView->setModel(m_figures);
    m_figuresView->setItemDelegate(new CitationDelegate(m_figuresView));
    m_figuresView->verticalHeader()->hide();
    m_figuresView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_figuresView->horizontalHeader()->setStretchLastSection(true);
    m_figuresView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_figuresView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_figuresView->setAlternatingRowColors(true);
    m_figuresView->setMouseTracking(true);
    m_figuresView->setWordWrap(false);
    m_figuresNote->setWordWrap(true);
    m_figuresNote->setForegroundRole(QPalette::PlaceholderText);
    figuresLayout->addWidget(m_figuresView, 1);
    figuresLayout->addWidget(m_figuresNote);
    m_tabs->addTab(figuresPane, tr("Key Figures"));

    auto jump = [this](const QModelIndex& index) {
        const int page = index.data(PageRole).toInt();
        if (index.isValid() && index.data(PageRole).isValid() && page >= 0)
            emit pageRequested(page, index.data(TermsRole).toStringList());
    };
    connect(m_structureView, &QTreeView::clicked, this, jump);
    connect(m_structureView, &QTreeView::activated, this, jump);
    connect(m_pageView, &QListView::clicked, this, jump);
    connect(m_pageView, &QListView::activated, this, jump);
    connect(m_figuresView, &QTableView::clicked, this, jump);
    connect(m_figuresView, &QTableView::activated, this, jump);
    connect(m_figuresView, &QTableView::entered, this, [this](const QModelIndex& index) {
        const bool cites = index.data(PageRole).isValid() && index.data(PageRole).toInt() >= 0;
        m_figuresView->viewport()->setCursor(cites ? Qt::PointingHandCursor : Qt::ArrowCursor);
    });

    connect(m_session, &SessionController::documentsChanged, this, &DocumentPanel::updateDocumentList);
    connect(m_documentBox, qOverload<int>(&QComboBox::activated), this, [this](int i) {
        const auto id = m_documentBox->itemData(i).toLongLong();
        if (id != m_session->currentDocumentId())
            m_session->selectDocument(id);
    });
    connect(m_session, &SessionController::documentLoaded, this, &DocumentPanel::setDocument);
    connect(m_session, &SessionController::documentCleared, this, &DocumentPanel::clear);
    updateDocumentList();
    clear();
}

void DocumentPanel::updateDocumentList()
{
    const QSignalBlocker block(m_documentBox);
    m_documentBox->clear();
    for (const auto& d : m_session->documents())
        m_documentBox->addItem(
            QIcon(":/icons/document-open.svg"), QString::fromStdString(d.fileName), QVariant::fromValue<qint64>(d.id));
    if (m_documentBox->count() == 0)
        m_documentBox->addItem(tr("No document"), QVariant::fromValue<qint64>(0));
    m_documentBox->setEnabled(!m_session->documents().empty());
    const int i = m_documentBox->findData(QVariant::fromValue<qint64>(m_session->currentDocumentId()));
    if (i >= 0)
        m_documentBox->setCurrentIndex(i);
}

void DocumentPanel::clear()
{
    m_structure->clear();
    m_figures->clear();
    m_pages->setDocument(nullptr);
    m_thumbnails->setDocument({});
    m_summary->setText(tr("Open a report to see its structure, pages and key figures."));
    m_figuresNote->clear();
}

void DocumentPanel::setDocument(const DocumentDataPtr& document)
{
    if (!document) {
        clear();
        return;
    }
    updateDocumentList();
    m_structure->setStructure(document->structure, document->pageCount());
    m_structureView->expandAll();
    m_figures->setFigures(document->figures);
    m_thumbnails->setDocument(document->renderable() ? QString::fromStdString(document->info.path) : QString());
    m_pages->setDocument(document);
    const auto& info = document->info;
    QString summary = tr("%1 pages · %2").arg(info.pageCount).arg(QString::fromStdString(info.format).toUpper());
    if (document->structure.isTenK())
        summary += tr(" · 10-K, %1 items").arg(document->structure.sections.size());
    else
        summary += tr(" · no 10-K structure found");
    m_summary->setText(summary);
    const auto& statements = document->figures.statements;
    m_figuresNote->setText(document->figures.figures.empty()
            ? tr("No key figures were found: the financial statements could not be located.")
            : tr("Values as printed in the %n financial statement(s); click a value to open its page.", "",
                int(statements.size())));
}

void DocumentPanel::followPage(int page)
{
    const QModelIndex item = m_structure->indexForPage(page);
    if (item.isValid()) {
        m_structureView->setCurrentIndex(item);
        m_structureView->scrollTo(item);
    }
    const QModelIndex row = m_pages->index(page);
    if (row.isValid()) {
        m_pageView->setCurrentIndex(row);
        m_pageView->scrollTo(row);
    }
}

} // namespace moescope
