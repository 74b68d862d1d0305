#include "ui/documentview.h"

#include "services/jobtracker.h"
#include "ui/pageview.h"
#include "ui/pdfrenderer.h"
#include "ui/surprisallegend.h"
#include "ui/surprisaltextview.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace moescope {

namespace {
const double kZoomSteps[] = { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0 };
}

DocumentView::DocumentView(QWidget* parent)
    : QWidget(parent)
    , m_loadJobs(new JobTracker(this, 1))
    , m_renderJobs(new JobTracker(this, 1))
    , m_stack(new QStackedWidget)
    , m_pageView(new PageView)
    , m_textView(new SurprisalTextView)
    , m_legend(new SurprisalLegend)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* bar = new QWidget;
    bar->setObjectName("documentNavigation");
    buildNavigation(bar);
    layout->addWidget(bar);

    m_banner = new QFrame;
    m_banner->setObjectName("documentBanner");
    m_banner->setAutoFillBackground(true);
    m_banner->setBackgroundRole(QPalette::ToolTipBase);
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(12, 6, 12, 6);
    m_bannerText = new QLabel;
    m_bannerText->setWordWrap(true);
    m_bannerText->setForegroundRole(QPalette::ToolTipText);
    auto* locate = new QPushButton(tr("Locate…"));
    locate->setToolTip(tr("Point the session at the file's new place (its content must be unchanged)"));
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(locate);
    connect(locate, &QPushButton::clicked, this, [this] {
        if (m_document)
            emit relocateRequested(m_document->info.id);
    });
    m_banner->hide();
    layout->addWidget(m_banner);

    // Empty state: what to do first.
    m_empty = new QWidget;
    auto* emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->addStretch();
    auto* icon = new QLabel;
    icon->setPixmap(QIcon(":/icons/document-open.svg").pixmap(64, 64));
    icon->setAlignment(Qt::AlignCenter);
    m_emptyText = new QLabel(tr("<h3>No report open</h3><p>Open a 10-K report (PDF, EDGAR HTML or text) with "
                                "<b>Ctrl+O</b>, or drop the file here.</p>"));
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setWordWrap(true);
    auto* open = new QPushButton(QIcon(":/icons/document-open.svg"), tr("Open Report…"));
    connect(open, &QPushButton::clicked, this, &DocumentView::openReportRequested);
    emptyLayout->addWidget(icon);
    emptyLayout->addWidget(m_emptyText);
    emptyLayout->addWidget(open, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();

    m_textPane = new QWidget;
    auto* textLayout = new QVBoxLayout(m_textPane);
    textLayout->setContentsMargins(0, 0, 0, 0);
    textLayout->setSpacing(0);
    m_textNote = new QLabel;
    m_textNote->setWordWrap(true);
    m_textNote->setContentsMargins(12, 6, 12, 6);
    textLayout->addWidget(m_textNote);
    textLayout->addWidget(m_textView, 1);
    auto* legendRow = new QHBoxLayout;
    legendRow->setContentsMargins(12, 4, 12, 6);
    legendRow->addWidget(m_legend);
    textLayout->addLayout(legendRow);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_pageView);
    m_stack->addWidget(m_textPane);
    layout->addWidget(m_stack, 1);

    auto* rezoom = new QTimer(this);
    rezoom->setSingleShot(true);
    rezoom->setInterval(120);
    connect(rezoom, &QTimer::timeout, this, &DocumentView::render);
    connect(m_pageView, &PageView::zoomChanged, rezoom, qOverload<>(&QTimer::start));
    connect(m_pageView, &PageView::pageStepRequested, this, [this](int d) { showPage(m_page + d); });
    clear();
}

DocumentView::~DocumentView() = default;

void DocumentView::buildNavigation(QWidget* bar)
{
    auto* nav = new QHBoxLayout(bar);
    nav->setContentsMargins(8, 4, 8, 4);
    m_prev = new QToolButton;
    m_prev->setArrowType(Qt::LeftArrow);
    m_prev->setToolTip(tr("Previous page (Page Up)"));
    m_prev->setAutoRaise(true);
    m_next = new QToolButton;
    m_next->setArrowType(Qt::RightArrow);
    m_next->setToolTip(tr("Next page (Page Down)"));
    m_next->setAutoRaise(true);
    m_pageBox = new QSpinBox;
    m_pageBox->setKeyboardTracking(false);
    m_pageBox->setAccelerated(true);
    m_pageBox->setToolTip(tr("Page"));
    m_pageTotal = new QLabel;
    m_zoom = new QComboBox;
    m_zoom->addItem(tr("Fit width"));
    m_zoom->addItem(tr("Fit page"));
    for (double z : kZoomSteps)
        m_zoom->addItem(QStringLiteral("%1%").arg(int(z * 100)), z);
    m_zoom->setToolTip(tr("Zoom (Ctrl+wheel)"));
    m_title = new QLabel;
    m_title->setTextFormat(Qt::PlainText);
    m_title->setMinimumWidth(80);
    m_title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_title->setAlignment(Qt::AlignCenter);
    m_modeTabs = new QTabBar;
    m_modeTabs->addTab(tr("Page"));
    m_modeTabs->addTab(tr("Text && surprisal"));
    m_modeTabs->setDrawBase(false);
    m_modeTabs->setExpanding(false);

    nav->addWidget(m_prev);
    nav->addWidget(m_pageBox);
    nav->addWidget(m_pageTotal);
    nav->addWidget(m_next);
    nav->addSpacing(12);
    nav->addWidget(m_zoom);
    nav->addSpacing(12);
    nav->addWidget(m_title, 1);
    nav->addWidget(m_modeTabs);

    connect(m_prev, &QToolButton::clicked, this, &DocumentView::previousPage);
    connect(m_next, &QToolButton::clicked, this, &DocumentView::nextPage);
    connect(m_pageBox, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) {
        if (v - 1 != m_page)
            showPage(v - 1);
    });
    connect(m_zoom, qOverload<int>(&QComboBox::activated), this, &DocumentView::applyZoomChoice);
    connect(m_modeTabs, &QTabBar::currentChanged, this, [this](int i) { setMode(i == 0 ? Mode::Page : Mode::Text); });
}

void DocumentView::applyZoomChoice(int index)
{
    if (index == 0)
        m_pageView->setZoomMode(PageView::ZoomMode::FitWidth);
    else if (index == 1)
        m_pageView->setZoomMode(PageView::ZoomMode::FitPage);
    else
        m_pageView->setZoomMode(PageView::ZoomMode::Fixed, m_zoom->itemData(index).toDouble());
}

void DocumentView::clear()
{
    m_loadJobs->cancel();
    m_renderJobs->cancel();
    m_document.reset();
    m_perplexity.reset();
    m_renderer.reset();
    m_page = 0;
    m_terms.clear();
    m_ready = false;
    m_pageView->clear();
    m_textView->clearPage();
    m_stack->setCurrentWidget(m_empty);
    updateBanner();
    updateNavigation();
}

void DocumentView::setDocument(const DocumentDataPtr& document)
{
    if (!document) {
        clear();
        return;
    }
    const bool sameDocument = m_document && m_document->info.id == document->info.id;
    m_document = document;
    if (!sameDocument) {
        m_perplexity.reset();
        m_renderer.reset();
        m_pageView->clear();
        m_page = 0;
        m_terms.clear();
    }
    m_page = std::clamp(m_page, 0, std::max(0, document->pageCount() - 1));
    m_modeTabs->setTabEnabled(0, document->renderable());
    updateBanner();
    if (document->renderable() && !m_renderer)
        loadRenderer();
    setMode(document->renderable() ? m_mode : Mode::Text);
    showPage(m_page, m_terms);
}

void DocumentView::setPerplexity(const PerplexityDataPtr& perplexity)
{
    m_perplexity = perplexity;
    if (m_mode == Mode::Text)
        updateText();
}

void DocumentView::loadRenderer()
{
    const QString path = QString::fromStdString(m_document->info.path);
    const auto id = m_document->info.id;
    m_loadJobs->start<std::shared_ptr<PdfRenderer>>(
        tr("Opening %1").arg(QString::fromStdString(m_document->info.fileName)),
        [path](const JobContext&) { return PdfRenderer::open(path); },
        [this, id](std::shared_ptr<PdfRenderer> renderer) {
            if (!m_document || m_document->info.id != id)
                return;
            m_renderer = std::move(renderer);
            render();
        },
        [this](const QString& message) {
            m_bannerText->setText(tr("The page cannot be rendered: %1").arg(message));
            m_banner->show();
            setMode(Mode::Text);
        });
}

void DocumentView::setMode(Mode mode)
{
    if (m_document && !m_document->renderable())
        mode = Mode::Text;
    m_mode = mode;
    const QSignalBlocker block(m_modeTabs);
    m_modeTabs->setCurrentIndex(mode == Mode::Page ? 0 : 1);
    if (!m_document) {
        m_stack->setCurrentWidget(m_empty);
        return;
    }
    m_stack->setCurrentWidget(mode == Mode::Page ? static_cast<QWidget*>(m_pageView) : m_textPane);
    if (mode == Mode::Text)
        updateText();
    else
        render();
    updateNavigation();
}

void DocumentView::showPage(int page, const QStringList& terms)
{
    if (!m_document || m_document->pageCount() == 0)
        return;
    page = std::clamp(page, 0, m_document->pageCount() - 1);
    const bool changed = page != m_page;
    m_page = page;
    m_terms = terms;
    m_ready = false;
    m_revealPending = !terms.isEmpty();
    updateNavigation();
    if (m_mode == Mode::Text)
        updateText();
    else
        render();
    if (changed)
        emit currentPageChanged(page);
}

void DocumentView::render()
{
    if (!m_document || m_mode != Mode::Page || !m_renderer)
        return;
    const auto& stored = m_document->pages[std::size_t(m_page)];
    const double zoom = m_pageView->zoomFor(QSizeF(stored.width, stored.height));
    const double dpr = devicePixelRatioF();
    const auto renderer = m_renderer;
    const int page = m_page;
    const QStringList terms = m_terms;
    m_renderJobs->start<RenderedPage>(
        tr("Rendering page %1").arg(page + 1),
        [renderer, page, zoom, dpr, terms](const JobContext&) { return renderer->render(page, zoom, dpr, terms); },
        [this](RenderedPage rendered) {
            if (rendered.page != m_page)
                return;
            m_pageView->setRenderedPage(rendered);
            if (m_revealPending) {
                m_pageView->revealHighlights();
                m_revealPending = false;
            }
            m_ready = true;
            emit pageReady(m_page);
        });
}

void DocumentView::updateText()
{
    if (!m_document)
        return;
    const QString text = QString::fromStdString(m_document->pages[std::size_t(m_page)].text);
    std::vector<TokenTint> tokens;
    if (m_perplexity && m_perplexity->documentId == m_document->info.id)
        tokens = SurprisalTextView::tokensOfPage(*m_document, *m_perplexity, m_page);
    m_textView->setPage(text, std::move(tokens), m_terms);
    m_legend->setVisible(m_perplexity != nullptr);
    if (!m_perplexity)
        m_textNote->setText(tr("Run the analysis (F5) with a model loaded to see how surprising each token is to it."));
    else
        m_textNote->setText(tr("Each token is tinted by its surprisal under %1 (run of %2). Hover a token for its "
                               "value.")
                                .arg(QString::fromStdString(m_perplexity->model).section('/', -1),
                                    QString::fromStdString(m_perplexity->createdAt)));
    m_ready = true;
    emit pageReady(m_page);
}

void DocumentView::updateBanner()
{
    if (!m_document || m_document->fileState == DocumentFileState::Unchanged) {
        m_banner->hide();
        return;
    }
    const QString name = QString::fromStdString(m_document->info.fileName);
    m_bannerText->setText(m_document->fileState == DocumentFileState::Missing
            ? tr("<b>%1</b> is no longer at %2. The text and analyses are in the session; locate the file to see "
                 "its pages again.")
                  .arg(name.toHtmlEscaped(), QString::fromStdString(m_document->info.path).toHtmlEscaped())
            : tr("<b>%1</b> changed since it was read into the session. Showing the text as it was read.")
                  .arg(name.toHtmlEscaped()));
    m_banner->show();
}

void DocumentView::updateNavigation()
{
    const int pages = m_document ? m_document->pageCount() : 0;
    const QSignalBlocker block(m_pageBox);
    m_pageBox->setRange(pages > 0 ? 1 : 0, std::max(1, pages));
    m_pageBox->setValue(pages > 0 ? m_page + 1 : 0);
    m_pageBox->setEnabled(pages > 0);
    m_pageTotal->setText(pages > 0 ? tr("of %1").arg(pages) : QString());
    m_prev->setEnabled(pages > 0 && m_page > 0);
    m_next->setEnabled(pages > 0 && m_page + 1 < pages);
    m_zoom->setEnabled(pages > 0 && m_mode == Mode::Page);
    m_modeTabs->setEnabled(pages > 0);
    if (!m_document) {
        m_title->clear();
        return;
    }
    const QString section = QString::fromStdString(m_document->pages[std::size_t(m_page)].section);
    QString title = QString::fromStdString(m_document->info.fileName);
    if (!section.isEmpty())
        for (const auto& s : m_document->structure.sections)
            if (QString::fromStdString(s.item) == section)
                title += QStringLiteral("  ·  Item %1 %2").arg(section, QString::fromStdString(s.title));
    m_title->setText(title);
    m_title->setToolTip(QString::fromStdString(m_document->info.path));
}

} // namespace moescope
