#pragma once
// Questions and summaries over the open report. Every question first retrieves the best passages and the key figures
// (a background search). With a base model that is the answer, with a note that generation needs an instruct model;
// with an instruct/chat model (its tokenizer has a chat template) the passages go into a prompt built with that
// template and the answer streams in (pieces batched every ~30 ms by the InferenceService thread). Summaries are
// map-reduce over the sections, with progress. Every [p. N] in the output is a link that shows the page.

#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace moescope {

class InferenceService;
class SessionController;

class QuestionPanel : public QWidget {
    Q_OBJECT

public:
    QuestionPanel(InferenceService* service, SessionController* session, QWidget* parent = nullptr);

    bool canGenerate() const { return m_modelLoaded && m_capabilities.hasChatTemplate; }
    bool isBusy() const { return m_busy; }
    QString answerText() const { return m_answer; }
    QString statusText() const { return m_status; } // the line shown above the answer (progress, errors)
    QTextBrowser* browser() const { return m_browser; }
    const RetrievalContext& context() const { return m_context; }
    int summaryCount() const { return int(m_summaries.size()); }
    QString reportSummary() const { return m_reportSummary; }
    void setMaxNewTokens(int answer, int summary);

    // "[p. 45]" -> a link to page 44 (0-based) in HTML-escaped text.
    static QString linkCitations(const QString& escapedText);

public slots:
    void ask(const QString& question);
    void summarize();

signals:
    void pageRequested(int page, const QStringList& terms);
    void finished(); // an answer or a summary is complete (or failed, or was cancelled)

private:
    void onRetrieved(const RetrievalContext& context);
    void render();
    void setBusy(bool busy);
    void updateMode();
    QString passagesHtml() const;
    QString figuresHtml() const;

    InferenceService* m_service;
    SessionController* m_session;
    QComboBox* m_question;
    QPushButton* m_ask;
    QPushButton* m_summarize;
    QLabel* m_mode;
    QTextBrowser* m_browser;

    bool m_modelLoaded = false;
    ModelCapabilities m_capabilities;
    bool m_busy = false;
    qint64 m_request = 0;
    QString m_pendingQuestion;
    enum class View { Empty, Answer, Summary } m_view = View::Empty;
    RetrievalContext m_context;
    QString m_answer;
    QString m_status;
    struct SectionSummary {
        QString item, title, text;
        int pageStart = 0, pageEnd = 0;
    };
    std::vector<SectionSummary> m_summaries;
    QString m_reportSummary;
    int m_answerTokens = 384;
    int m_summaryTokens = 160;
};

} // namespace moescope
