#include "ui/analysispanel.h"

#include "services/inferenceservice.h"
#include "services/scoringrunner.h"
#include "services/sessioncontroller.h"
#include "ui/models/itemroles.h"
#include "ui/models/passagesmodel.h"
#include "ui/perplexitycharts.h"
#include "ui/questionpanel.h"

#include <QHBoxLayout>
#include <QTimer>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace moescope {

AnalysisPanel::AnalysisPanel(InferenceService* service, SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_service(service)
    , m_session(session)
    , m_passages(new PassagesModel(this))
    , m_run(new QPushButton(QIcon(":/icons/run.svg"), tr("Run Analysis")))
    , m_cancel(new QPushButton(QIcon(":/icons/cancel.svg"), tr("Cancel")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
    , m_result(new QLabel)
    , m_tabs(new QTabWidget)
    , m_charts(new PerplexityCharts)
    , m_passagesView(new QTableView)
    , m_questions(new QuestionPanel(service, session))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* row = new QHBoxLayout;
    m_run->setToolTip(tr("Score the document with the loaded model: perplexity per token, page and section (F5)"));
    m_cancel->setToolTip(tr("Stop the analysis (Esc)"));
    m_progress->setTextVisible(true);
    m_progress->setMaximumWidth(260);
    row->addWidget(m_run);
    row->addWidget(m_cancel);
    row->addWidget(m_progress, 1);
    row->addStretch();
    layout->addLayout(row);
    m_status->setWordWrap(true);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);

    m_passagesView->setModel(m_passages);
    m_passagesView->verticalHeader()->hide();
    m_passagesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_passagesView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_passagesView->setAlternatingRowColors(true);
    m_passagesView->setWordWrap(false);
    m_passagesView->setCursor(Qt::PointingHandCursor);
    auto* header = m_passagesView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(PassagesModel::TextColumn, QHeaderView::Stretch);

    m_tabs->addTab(m_charts, QIcon(":/icons/analysis.svg"), tr("Perplexity"));
    m_tabs->addTab(m_passagesView, tr("Surprising Passages"));
    m_tabs->addTab(m_questions, QIcon(":/icons/search.svg"), tr("Ask"));
    layout->addWidget(m_tabs, 1);

    connect(m_run, &QPushButton::clicked, this, &AnalysisPanel::runAnalysis);
    connect(m_cancel, &QPushButton::clicked, this, &AnalysisPanel::cancel);
    connect(m_charts, &PerplexityCharts::pageRequested, this, [this](int page) { emit pageRequested(page, {}); });
    connect(m_questions, &QuestionPanel::pageRequested, this, &AnalysisPanel::pageRequested);
    auto openPassage = [this](const QModelIndex& index) {
        if (index.isValid())
            emit pageRequested(index.data(PageRole).toInt(), {});
    };
    connect(m_passagesView, &QTableView::clicked, this, openPassage);
    connect(m_passagesView, &QTableView::activated, this, openPassage);

    connect(m_service, &InferenceService::modelLoaded, this,
        [this](const ModelSummary& s, const ModelCapabilities& capabilities) {
            m_modelLoaded = true;
            m_canRead = capabilities.hasTokenizer;
            m_modelName = QString::fromStdString(s.path).section('/', -1);
            updateState();
        });
    connect(m_service, &InferenceService::modelUnloaded, this, [this] {
        m_modelLoaded = false;
        m_canRead = false;
        updateState();
    });
    connect(m_service, &InferenceService::progress, this, [this](qint64 done, qint64 total) {
        if (!m_scoring || total <= 0)
            return;
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000 * done / total));
        m_progress->setFormat(tr("%1 / %2 tokens").arg(QLocale().toString(done), QLocale().toString(total)));
    });
    auto* scoring = m_service->scoring();
    connect(scoring, &ScoringRunner::documentScored, this, [this](qint64 document, qint64, double perplexity) {
        setScoring(false);
        m_status->setText(tr("Stored in the session: perplexity %1.").arg(perplexity, 0, 'f', 2));
        if (document == m_session->currentDocumentId())
            m_session->reloadPerplexity();
        emit scoringFinished(true);
    });
    connect(scoring, &ScoringRunner::scoringCancelled, this, [this] {
        setScoring(false);
        m_status->setText(tr("Analysis cancelled; the session is unchanged."));
        emit scoringFinished(false);
    });
    connect(scoring, &ScoringRunner::scoringFailed, this, [this](qint64, const QString& message) {
        setScoring(false);
        m_status->setText(tr("Analysis failed: %1").arg(message));
        emit scoringFinished(false);
    });
    // A result's arrival repaints the document's text, the routing panel and these charts: the charts are built (and
    // painted) after a 1 ms timer rather than in the same batch of posted events (a queued call would still run in
    // that batch), so that the event loop gets a turn between the two halves of the work.
    connect(m_session, &SessionController::perplexityLoaded, this, [this](const PerplexityDataPtr& data) {
        QTimer::singleShot(1, this, [this, data] {
            if (m_session->currentPerplexity() == data)
                showPerplexity(data);
        });
    });
    connect(m_session, &SessionController::documentLoaded, this, [this](const DocumentDataPtr& doc) {
        m_charts->setData(doc, nullptr);
        m_passages->clear();
        updateState();
    });
    connect(m_session, &SessionController::documentCleared, this, [this] {
        m_charts->setData(nullptr, nullptr);
        m_passages->clear();
        updateState();
    });
    connect(m_session, &SessionController::sessionClosed, this, &AnalysisPanel::cancel);
    setScoring(false);
}

QString AnalysisPanel::statusText() const
{
    return m_status->text();
}

void AnalysisPanel::runAnalysis()
{
    if (m_scoring || !m_modelLoaded || !m_canRead || m_session->currentDocumentId() == 0)
        return;
    m_scoringDocument = m_session->currentDocumentId();
    setScoring(true);
    m_status->setText(
        tr("Scoring %1 with %2…")
            .arg(m_session->currentDocument() ? QString::fromStdString(m_session->currentDocument()->info.fileName)
                                              : QString(),
                m_modelName));
    QMetaObject::invokeMethod(m_service->scoring(), "scoreDocument", Qt::QueuedConnection,
        Q_ARG(QString, m_session->sessionPath()), Q_ARG(qint64, m_scoringDocument));
}

void AnalysisPanel::cancel()
{
    if (m_scoring)
        m_service->cancel();
}

void AnalysisPanel::setScoring(bool scoring)
{
    m_scoring = scoring;
    m_progress->setVisible(scoring);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Preparing…"));
    m_cancel->setVisible(scoring);
    updateState();
}

void AnalysisPanel::updateState()
{
    const bool hasDocument = m_session->currentDocumentId() != 0;
    m_run->setEnabled(!m_scoring && m_modelLoaded && m_canRead && hasDocument);
    if (m_scoring)
        return;
    if (!hasDocument)
        m_status->setText(tr("Open a report to analyse it."));
    else if (!m_modelLoaded)
        m_status->setText(tr("Load a model (Ctrl+Shift+O) to score the document."));
    else if (!m_canRead)
        m_status->setText(tr("The model has no tokenizer, so it cannot read the document."));
    else if (!m_session->currentPerplexity())
        m_status->setText(tr("Ready: Run Analysis (F5) scores every token of the document with %1.").arg(m_modelName));
}

void AnalysisPanel::showPerplexity(const PerplexityDataPtr& data)
{
    m_charts->setData(m_session->currentDocument(), data);
    if (!data) {
        m_passages->setPerplexity(nullptr);
        m_result->clear();
        updateState();
        return;
    }
    // The passages and the summary line on the turn after the charts (see the perplexityLoaded connection).
    QTimer::singleShot(1, this, [this, data] {
        if (m_session->currentPerplexity() == data)
            showPerplexitySummary(data);
    });
}

void AnalysisPanel::showPerplexitySummary(const PerplexityDataPtr& data)
{
    m_passages->setPerplexity(data);
    m_result->setText(tr("<b>Perplexity %1</b> (%2 nats/token) over %3 scored tokens · window %4, stride %5 · %6 · "
                         "%7")
                          .arg(data->perplexity, 0, 'f', 2)
                          .arg(std::log(data->perplexity), 0, 'f', 3)
                          .arg(QLocale().toString(qint64(data->scoredTokens)))
                          .arg(data->options.window)
                          .arg(data->options.stride)
                          .arg(QString::fromStdString(data->model).section('/', -1).toHtmlEscaped(),
                              QString::fromStdString(data->createdAt).toHtmlEscaped()));
    updateState();
}

} // namespace moescope
