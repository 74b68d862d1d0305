#pragma once
// The quantization lab (issue 7): pick variants of the loaded model (presets bf16, int8, int4-g128, int4-g64-asym,
// fp8, and mixed 4/8-bit policies from JSON files), compare them with the model as loaded on the current document's
// text (all of it, or its first N windows) in a background job with progress and Cancel, store the result in the
// session as a "comparison" run, and show it (QuantResultsView). The job loads its own copies of the model
// (runComparison), so the InferenceService's model and its requests are untouched. When a document is shown again
// (session reopened, document picked), its latest stored comparison is loaded back (in the background) with its
// per-token arrays, so the damage overlay works after reopening. "Report (PDF)…" writes comparisonreportpdf.h's
// report. Page sync with the document view goes through followPage / pageRequested. Calibration text (the
// document's first tokens or a text file, CalibrationControls) enables the "+gptq" / "+awq" presets and policies that
// ask for them, and "Calibrate mixed policy…" adds the policy it writes to the list, ticked. GUI thread only.

#include "services/comparisonjob.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace moescope {

class CalibrationControls;
class InferenceService;
class JobTracker;
class QuantResultsView;
class SessionController;

class QuantPanel : public QWidget {
    Q_OBJECT

public:
    static const QStringList& presets();
    // Presets that need calibration text (GPTQ error compensation, activation-aware scaling).
    static const QStringList& calibratedPresets();

    QuantPanel(InferenceService* service, SessionController* session, QWidget* parent = nullptr);

    // The variants ticked, in list order.
    QStringList selectedVariants() const;
    void setSelectedVariants(const QStringList& variants);
    // Adds a mixed-precision policy file ("mixed:PATH"), ticked.
    void addPolicy(const QString& path);
    // Where "Add policy…" opens: the shipped policies (share/moescope/quant-policies), if found.
    void setPolicyDirectory(const QString& dir) { m_policyDir = dir; }
    const QString& policyDirectory() const { return m_policyDir; }
    void setWindows(int windows); // 0: the whole text
    void setWindowSize(int tokens);
    bool isRunning() const;
    qint64 lastRunId() const { return m_lastRun; }
    QuantResultsView* results() const { return m_results; }
    JobTracker* jobs() const { return m_jobs; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* reportButton() const { return m_report; }
    JobTracker* loader() const { return m_loader; }
    QLabel* status() const { return m_status; }
    CalibrationControls* calibration() const { return m_calibration; }
    // False for a variant that needs calibration text while none is chosen (its item is disabled).
    bool isVariantAvailable(const QString& variant) const;

public slots:
    void run();
    void cancel();
    void exportResults();
    void chooseReport();
    // Writes the one-file PDF report of the shown comparison. Throws moescope::Error.
    void writeReport(const QString& path) const;
    void followPage(int page);

signals:
    void comparisonFinished(bool ok);
    void pageRequested(int page);
    // A stored comparison was loaded back for the current document (runId), or none was found (0).
    void storedComparisonLoaded(qint64 runId);

private:
    void updateState();
    void updateCalibratedVariants();
    QListWidgetItem* addVariantItem(const QString& label, const QString& variant, bool needsCalibration);
    QListWidgetItem* findVariant(const QString& variant) const;
    bool needsCalibration(const QString& variant) const;
    void choosePolicy();
    void documentShown();
    void showResult(std::shared_ptr<const ComparisonResult> result, std::int64_t documentId);

    InferenceService* m_service;
    SessionController* m_session;
    JobTracker* m_jobs;
    JobTracker* m_loader; // loads stored comparisons back
    QString m_modelDir;
    QString m_policyDir;
    QString m_device;
    QListWidget* m_variants;
    QSpinBox* m_windows;
    QComboBox* m_windowSize;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_export;
    QPushButton* m_report;
    QProgressBar* m_progress;
    QLabel* m_status;
    CalibrationControls* m_calibration;
    QuantResultsView* m_results;
    qint64 m_lastRun = 0;
    std::int64_t m_resultDocument = -1; // the document the shown result ran on (-1: unknown)
    QString m_calibrationHint; // the status line's "needs calibration text", cleared once there is some
    int m_documentPage = 0; // the document view's page, as last followed
};

} // namespace moescope
