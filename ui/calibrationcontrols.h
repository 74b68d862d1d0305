#pragma once
// The Quantization panel's calibration row: which text calibrates "+awq" / "+gptq" variants (none, the current
// document's first N tokens, or a text file's) and "Calibrate mixed policy…", which runs the per-expert calibration of
// `moescope-cli calibrate` on that text in a background job (progress, Cancel) and saves the policy JSON where the
// user chooses; policyWritten() then hands the file to the panel's variant list. The job loads its own copy of the
// model, so the InferenceService's model is untouched. GUI thread only.

#include "quant/policycalibration.h"
#include "services/calibrationtext.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace moescope {

class JobTracker;
class SessionController;

class CalibrationControls : public QWidget {
    Q_OBJECT

public:
    explicit CalibrationControls(SessionController* session, QWidget* parent = nullptr);

    // The model the calibration job loads (empty: none loaded) and its device.
    void setModel(const QString& dir, const QString& device);
    // While the panel compares, no calibration starts (both would load copies of the model).
    void setComparisonRunning(bool running);

    CalibrationText::Source source() const;
    void setSource(CalibrationText::Source source);
    void setTextFile(const QString& path); // also selects Source::File
    void setMaxTokens(int tokens); // 0: all of the text
    // True when the chosen source has text to give (a document is open, a file is chosen).
    bool hasText() const;
    // Why there is no calibration text, for tooltips and the status line ("" when hasText()).
    QString unavailableReason() const;
    // A snapshot for a background job (copies the document's text).
    CalibrationText calibrationText() const;

    // Starts the calibration job writing outPath; false (with statusMessage) when it cannot start.
    bool calibratePolicy(const QString& outPath, const PolicyCalibrationOptions& options);
    void cancelCalibration();
    bool isCalibrating() const;
    JobTracker* jobs() const { return m_jobs; }
    // "Calibrate mixed policy…", its Cancel and progress: a row the panel places beside "Add policy…" (this widget
    // itself is the one-line source row).
    QWidget* actionRow() const { return m_actionRow; }
    QPushButton* calibrateButton() const { return m_calibrate; }
    QPushButton* cancelButton() const { return m_cancel; }

signals:
    void changed(); // the source or its availability changed
    void statusMessage(const QString& text);
    void policyWritten(const QString& path);
    void calibrationFinished(bool ok);

private:
    void sourceActivated();
    void chooseFile();
    void chooseAndCalibrate();
    void updateState();

    SessionController* m_session;
    JobTracker* m_jobs;
    QString m_modelDir;
    QString m_device;
    QString m_file;
    bool m_comparing = false;
    QComboBox* m_source;
    QSpinBox* m_tokens;
    QLabel* m_fileLabel;
    QPushButton* m_choose;
    QWidget* m_actionRow;
    QPushButton* m_calibrate;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
};

} // namespace moescope
