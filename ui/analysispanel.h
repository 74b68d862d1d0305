#pragma once
// The Analysis dock: run the loaded model over the open document (perplexity per token, page and section; F5) with
// progress and Cancel, chart the result, list the most surprising passages (each citing its page), and ask questions
// or request summaries (QuestionPanel). Scoring runs on the InferenceService thread (ScoringRunner); the result is
// stored in the session, then read back by the SessionController and shown from there, so what is shown is what was
// saved.

#include "services/workbenchtypes.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;

namespace moescope {

class InferenceService;
class PassagesModel;
class PerplexityCharts;
class QuestionPanel;
class SessionController;

class AnalysisPanel : public QWidget {
    Q_OBJECT

public:
    AnalysisPanel(InferenceService* service, SessionController* session, QWidget* parent = nullptr);

    bool isScoring() const { return m_scoring; }
    QString statusText() const;
    PassagesModel* passagesModel() const { return m_passages; }
    PerplexityCharts* charts() const { return m_charts; }
    QuestionPanel* questions() const { return m_questions; }
    QTabWidget* tabs() const { return m_tabs; }
    QTableView* passagesView() const { return m_passagesView; }

public slots:
    void runAnalysis();
    void cancel();

signals:
    void pageRequested(int page, const QStringList& terms);
    void scoringFinished(bool ok); // stored (true) or cancelled/failed (false)

private:
    void setScoring(bool scoring);
    void updateState();
    void showPerplexity(const PerplexityDataPtr& data);
    void showPerplexitySummary(const PerplexityDataPtr& data); // passages and the result line

    InferenceService* m_service;
    SessionController* m_session;
    PassagesModel* m_passages;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_result;
    QTabWidget* m_tabs;
    PerplexityCharts* m_charts;
    QTableView* m_passagesView;
    QuestionPanel* m_questions;
    bool m_scoring = false;
    bool m_modelLoaded = false;
    bool m_canRead = false; // the model has a tokenizer
    QString m_modelName;
    qint64 m_scoringDocument = 0;
};

} // namespace moescope
