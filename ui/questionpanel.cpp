#include "ui/questionpanel.h"

#include "services/generationrunner.h"
#include "services/inferenceservice.h"
#include "services/sessioncontroller.h"
#include "ui/models/keyfiguresmodel.h"
#include "ui/models/searchresultsmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace moescope {

QuestionPanel::QuestionPanel(InferenceService* service, SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_service(service)
    , m_session(session)
    , m_question(new QComboBox)
    , m_ask(new QPushButton(tr("Ask")))
    , m_summarize(new QPushButton(tr("Summarize Report")))
    , m_mode(new QLabel)
    , m_browser(new QTextBrowser)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    auto* row = new QHBoxLayout;
    m_question->setEditable(true);
    m_question->setInsertPolicy(QComboBox::NoInsert);
    m_question->lineEdit()->setPlaceholderText(tr("Ask about the report, e.g. “What were the main risk factors?”"));
    m_question->lineEdit()->setClearButtonEnabled(true);
    m_question->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_question->setMinimumContentsLength(16);
    m_ask->setDefault(true);
    row->addWidget(m_question, 1);
    row->addWidget(m_ask);
    row->addWidget(m_summarize);
    layout->addLayout(row);
    m_mode->setWordWrap(true);
    m_mode->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_mode);
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    layout->addWidget(m_browser, 1);

    connect(m_question->lineEdit(), &QLineEdit::returnPressed, this, [this] { ask(m_question->currentText()); });
    connect(m_ask, &QPushButton::clicked, this, [this] { ask(m_question->currentText()); });
    connect(m_summarize, &QPushButton::clicked, this, &QuestionPanel::summarize);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("page")) {
            QStringList terms;
            if (m_view == View::Answer)
                for (const auto& w : m_context.question.split(' ', Qt::SkipEmptyParts))
                    if (w.size() >= 5)
                        terms << w.toLower().remove(QRegularExpression(QStringLiteral("[^\\w-]")));
            emit pageRequested(url.path().toInt() - 1, terms);
        }
    });
    connect(m_session, &SessionController::retrieved, this, &QuestionPanel::onRetrieved);
    connect(m_session, &SessionController::historyChanged, this, [this] {
        const QString current = m_question->currentText();
        const QSignalBlocker block(m_question);
        m_question->clear();
        QStringList asked;
        for (const auto& e : m_session->history())
            if (e.kind == "question" && !asked.contains(QString::fromStdString(e.query)))
                asked << QString::fromStdString(e.query);
        m_question->addItems(asked.mid(0, 30));
        m_question->setEditText(current);
    });
    connect(m_session, &SessionController::errorOccurred, this, [this](const QString& what, const QString& message) {
        if (m_busy && what == tr("Retrieving passages")) {
            m_status = tr("Retrieval failed: %1").arg(message);
            setBusy(false);
            render();
        }
    });

    connect(m_service, &InferenceService::modelLoaded, this,
        [this](const ModelSummary&, const ModelCapabilities& capabilities) {
            m_modelLoaded = true;
            m_capabilities = capabilities;
            updateMode();
        });
    connect(m_service, &InferenceService::modelUnloaded, this, [this] {
        m_modelLoaded = false;
        m_capabilities = {};
        updateMode();
    });

    auto* runner = m_service->generation();
    connect(runner, &GenerationRunner::answerStarted, this, [this](qint64 id, int used) {
        if (id == m_request)
            m_status = tr("Generating the answer from %n passage(s)…", "", used);
        render();
    });
    connect(runner, &GenerationRunner::answerPiece, this, [this](qint64 id, const QString& piece) {
        if (id != m_request)
            return;
        m_answer += piece;
        render();
    });
    connect(
        runner, &GenerationRunner::answerFinished, this, [this](qint64 id, const QString& text, const QString& reason) {
            if (id != m_request)
                return;
            m_answer = text;
            m_status = reason == QLatin1String("max_tokens") ? tr("The answer reached the length limit.") : QString();
            setBusy(false);
            render();
            m_session->refreshHistory();
        });
    connect(runner, &GenerationRunner::sectionSummarized, this,
        [this](qint64 id, const QString& item, const QString& title, int first, int last, const QString& text) {
            if (id != m_request)
                return;
            m_summaries.push_back({ item, title, text, first, last });
            render();
        });
    connect(runner, &GenerationRunner::summaryFinished, this, [this](qint64 id, const QString& text) {
        if (id != m_request)
            return;
        m_reportSummary = text;
        m_status.clear();
        setBusy(false);
        render();
        m_session->refreshHistory();
    });
    connect(runner, &GenerationRunner::generationFailed, this, [this](qint64 id, const QString& message) {
        if (id != m_request)
            return;
        m_status = tr("Generation failed: %1").arg(message);
        setBusy(false);
        render();
    });
    connect(runner, &GenerationRunner::generationCancelled, this, [this](qint64 id) {
        if (id != m_request)
            return;
        m_status = tr("Cancelled.");
        setBusy(false);
        render();
    });
    updateMode();
    render();
}

void QuestionPanel::setMaxNewTokens(int answer, int summary)
{
    m_answerTokens = answer;
    m_summaryTokens = summary;
}

QString QuestionPanel::linkCitations(const QString& escapedText)
{
    static const QRegularExpression cite(QStringLiteral("\\[p\\.\\s*(\\d{1,5})\\]"));
    QString out = escapedText;
    out.replace(cite, QStringLiteral("<a href=\"page:\\1\">[p.&nbsp;\\1]</a>"));
    return out;
}

void QuestionPanel::updateMode()
{
    if (!m_modelLoaded)
        m_mode->setText(tr("No model loaded: questions are answered with the best passages and key figures. Load an "
                           "instruct or chat model to generate answers and summaries."));
    else if (!m_capabilities.hasTokenizer)
        m_mode->setText(tr("The model has no usable tokenizer (%1): answers show the best passages and key figures.")
                            .arg(m_capabilities.tokenizerError));
    else if (!m_capabilities.hasChatTemplate)
        m_mode->setText(tr("Base model (no chat template): answers show the best passages and key figures. "
                           "Generating answers and summaries needs an instruct or chat model."));
    else
        m_mode->setText(tr("Instruct model: answers are generated from the retrieved passages, citing pages."));
    m_summarize->setEnabled(canGenerate() && !m_busy);
    m_summarize->setToolTip(canGenerate() ? tr("Summaries of every section, then of the whole report")
                                          : tr("Summaries need an instruct or chat model"));
}

void QuestionPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_ask->setEnabled(!busy);
    updateMode();
    if (!busy)
        emit finished();
}

void QuestionPanel::ask(const QString& question)
{
    const QString q = question.simplified();
    if (q.isEmpty() || m_busy)
        return;
    if (!m_session->hasSession() || m_session->documents().empty()) {
        m_view = View::Answer;
        m_context = { q, {}, {} };
        m_answer.clear();
        m_status = tr("Open a report first.");
        render();
        return;
    }
    ++m_request;
    m_pendingQuestion = q;
    m_view = View::Answer;
    m_context = { q, {}, {} };
    m_answer.clear();
    m_status = tr("Retrieving passages…");
    setBusy(true);
    render();
    m_session->retrieve(q);
}

void QuestionPanel::onRetrieved(const RetrievalContext& context)
{
    if (!m_busy || context.question != m_pendingQuestion)
        return;
    m_context = context;
    if (!canGenerate()) {
        m_status.clear();
        setBusy(false);
        render();
        return;
    }
    m_status = tr("Building the prompt…");
    render();
    QMetaObject::invokeMethod(m_service->generation(), "answer", Qt::QueuedConnection, Q_ARG(qint64, m_request),
        Q_ARG(QString, m_session->sessionPath()), Q_ARG(moescope::RetrievalContext, context),
        Q_ARG(int, m_answerTokens));
}

void QuestionPanel::summarize()
{
    if (m_busy || !canGenerate() || m_session->currentDocumentId() == 0)
        return;
    ++m_request;
    m_view = View::Summary;
    m_summaries.clear();
    m_reportSummary.clear();
    m_status = tr("Summarizing each section, then the whole report…");
    setBusy(true);
    render();
    QMetaObject::invokeMethod(m_service->generation(), "summarize", Qt::QueuedConnection, Q_ARG(qint64, m_request),
        Q_ARG(QString, m_session->sessionPath()), Q_ARG(qint64, m_session->currentDocumentId()),
        Q_ARG(int, m_summaryTokens));
}

QString QuestionPanel::passagesHtml() const
{
    if (m_context.passages.empty())
        return tr("<p><i>No passage matches the question.</i></p>");
    QString html = QStringLiteral("<ol>");
    for (const auto& p : m_context.passages) {
        const QString section = p.section.empty() ? QString() : tr(" · Item %1").arg(QString::fromStdString(p.section));
        html += QStringLiteral("<li style=\"margin-bottom:6px\"><a href=\"page:%1\">[p.&nbsp;%1]</a>%2<br/>%3</li>")
                    .arg(p.page + 1)
                    .arg(section, SearchResultsModel::snippetHtml(p.snippet));
    }
    return html + QStringLiteral("</ol>");
}

QString QuestionPanel::figuresHtml() const
{
    if (m_context.figures.empty())
        return {};
    QString html = tr("<h4>Key figures</h4><table cellspacing=\"0\" cellpadding=\"3\">");
    for (const auto& f : m_context.figures)
        html += QStringLiteral("<tr><td>%1</td><td>FY&nbsp;%2</td><td align=\"right\">%3</td><td>%4</td>"
                               "<td><a href=\"page:%5\">[p.&nbsp;%5]</a></td></tr>")
                    .arg(KeyFiguresModel::displayName(f.name).toHtmlEscaped())
                    .arg(f.year)
                    .arg(KeyFiguresModel::formatValue(f), QString::fromStdString(f.unit).toHtmlEscaped())
                    .arg(f.page + 1);
    return html + QStringLiteral("</table>");
}

void QuestionPanel::render()
{
    QString html;
    if (!m_status.isEmpty())
        html += QStringLiteral("<p><i>%1</i></p>").arg(m_status.toHtmlEscaped());
    if (m_view == View::Empty) {
        html += tr("<p>Ask a question about the open report. The answer cites its pages as [p. N]: click one to see "
                   "the page.</p>");
    } else if (m_view == View::Answer) {
        html += tr("<h3>%1</h3>").arg(m_context.question.toHtmlEscaped());
        if (canGenerate() && (!m_answer.isEmpty() || m_busy)) {
            QString answer = linkCitations(m_answer.toHtmlEscaped());
            answer.replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
            html += QStringLiteral("<p>%1</p>").arg(answer.isEmpty() ? QStringLiteral("…") : answer);
        } else if (!m_busy && !m_context.passages.empty()) {
            html += tr("<p><i>Retrieval answer: the passages below match the question best. Generating a written "
                       "answer needs an instruct or chat model.</i></p>");
        }
        if (!m_busy || !m_context.passages.empty())
            html += tr("<h4>Sources</h4>") + passagesHtml() + figuresHtml();
    } else {
        if (!m_reportSummary.isEmpty())
            html += tr("<h3>The report</h3><p>%1</p>").arg(linkCitations(m_reportSummary.toHtmlEscaped()));
        for (const auto& s : m_summaries) {
            const QString heading = s.item.isEmpty() ? tr("The document") : tr("Item %1 %2").arg(s.item, s.title);
            html += QStringLiteral("<h4>%1 <a href=\"page:%2\">[p.&nbsp;%2]</a></h4><p>%3</p>")
                        .arg(heading.toHtmlEscaped())
                        .arg(s.pageStart + 1)
                        .arg(linkCitations(s.text.toHtmlEscaped()));
        }
    }
    const int scroll = m_browser->verticalScrollBar() ? m_browser->verticalScrollBar()->value() : 0;
    m_browser->setHtml(html);
    m_browser->verticalScrollBar()->setValue(scroll);
}

} // namespace moescope
