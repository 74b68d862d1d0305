#include "ui/calibrationcontrols.h"

#include "core/error.h"
#include "services/jobtracker.h"
#include "services/policycalibrationjob.h"
#include "services/sessioncontroller.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include <optional>

namespace moescope {

namespace {
using Source = CalibrationText::Source;

// Low/high schemes and the budget, as `moescope-cli calibrate --low --high --budget` (same defaults).
std::optional<PolicyCalibrationOptions> askPolicyOptions(QWidget* parent)
{
    const PolicyCalibrationOptions defaults;
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Calibrate mixed policy"));
    auto* low = new QComboBox;
    low->setEditable(true);
    low->addItems(
        { QString::fromStdString(defaults.low), "int4-g128+gptq", "int4-g128+awq+gptq", "int4-g64-asym", "int4-g32" });
    low->setToolTip(QObject::tr("Every routed expert starts here; +awq / +gptq apply to the whole policy"));
    auto* high = new QComboBox;
    high->setEditable(true);
    high->addItems({ QString::fromStdString(defaults.high), "fp8", "bf16" });
    high->setToolTip(QObject::tr("The most sensitive experts (and the LM head when it pays) are promoted here"));
    auto* budget = new QDoubleSpinBox;
    budget->setRange(0.05, 1.0);
    budget->setSingleStep(0.05);
    budget->setDecimals(2);
    budget->setValue(defaults.budget);
    budget->setSuffix(QObject::tr(" × bf16 bytes"));
    budget->setToolTip(QObject::tr("The policy's weight bytes stay within this share of the model's bf16 bytes"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    auto* form = new QFormLayout(&dialog);
    form->addRow(QObject::tr("Low scheme:"), low);
    form->addRow(QObject::tr("High scheme:"), high);
    form->addRow(QObject::tr("Budget:"), budget);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    PolicyCalibrationOptions options;
    options.low = low->currentText().trimmed().toStdString();
    options.high = high->currentText().trimmed().toStdString();
    options.budget = budget->value();
    return options;
}
} // namespace

CalibrationControls::CalibrationControls(SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_jobs(new JobTracker(this, 1))
    , m_source(new QComboBox)
    , m_tokens(new QSpinBox)
    , m_fileLabel(new QLabel)
    , m_choose(new QPushButton(tr("Choose…")))
    , m_actionRow(new QWidget(this))
    , m_calibrate(new QPushButton(tr("Calibrate mixed policy…")))
    , m_cancel(new QPushButton(tr("Cancel")))
    , m_progress(new QProgressBar)
{
    setObjectName("calibrationControls");
    m_source->setObjectName("calibrationSource");
    m_source->addItem(tr("None"), int(Source::None));
    m_source->addItem(tr("This document"), int(Source::Document));
    m_source->addItem(tr("Text file…"), int(Source::File));
    m_source->setToolTip(tr("Text whose activations calibrate +awq / +gptq variants and mixed policies"));
    m_tokens->setObjectName("calibrationTokens");
    m_tokens->setRange(0, 1000000);
    m_tokens->setSingleStep(1024);
    m_tokens->setValue(int(CalibrationText().maxTokens));
    m_tokens->setSpecialValueText(tr("all tokens"));
    m_tokens->setPrefix(tr("first "));
    m_tokens->setSuffix(tr(" tokens"));
    m_tokens->setToolTip(
        tr("Only the start of the text calibrates: a few thousand tokens are enough and keep it fast"));
    m_fileLabel->setObjectName("calibrationFile");
    m_choose->setToolTip(tr("A plain-text file (UTF-8) of text like the one the model will read"));
    m_calibrate->setObjectName("calibrateButton");
    m_cancel->setObjectName("calibrateCancel");
    m_progress->setVisible(false);
    m_progress->setFormat(tr("layer %v/%m"));

    auto* sourceRow = new QHBoxLayout(this);
    sourceRow->setContentsMargins(0, 0, 0, 0);
    sourceRow->addWidget(m_source);
    sourceRow->addWidget(m_tokens);
    sourceRow->addWidget(m_fileLabel, 1);
    sourceRow->addWidget(m_choose);
    auto* jobRow = new QHBoxLayout(m_actionRow);
    jobRow->setContentsMargins(0, 0, 0, 0);
    jobRow->addWidget(m_calibrate);
    jobRow->addWidget(m_cancel);
    jobRow->addWidget(m_progress, 1);
    jobRow->addStretch(); // the buttons keep their size while the progress bar is hidden

    connect(m_source, &QComboBox::activated, this, &CalibrationControls::sourceActivated);
    connect(m_choose, &QPushButton::clicked, this, &CalibrationControls::chooseFile);
    connect(m_calibrate, &QPushButton::clicked, this, &CalibrationControls::chooseAndCalibrate);
    connect(m_cancel, &QPushButton::clicked, this, &CalibrationControls::cancelCalibration);
    connect(m_jobs, &JobTracker::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, int(std::min<qint64>(total, 1 << 30)));
        m_progress->setValue(int(std::min<qint64>(done, 1 << 30)));
    });
    connect(m_jobs, &JobTracker::finished, this, &CalibrationControls::updateState);
    connect(m_jobs, &JobTracker::cancelled, this, [this] {
        emit statusMessage(tr("Calibration cancelled: no policy was written."));
        emit calibrationFinished(false);
    });
    connect(m_session, &SessionController::documentLoaded, this, &CalibrationControls::updateState);
    connect(m_session, &SessionController::documentCleared, this, &CalibrationControls::updateState);
    updateState();
}

void CalibrationControls::setModel(const QString& dir, const QString& device)
{
    m_modelDir = dir;
    m_device = device;
    updateState();
}

void CalibrationControls::setComparisonRunning(bool running)
{
    m_comparing = running;
    updateState();
}

CalibrationText::Source CalibrationControls::source() const
{
    return Source(m_source->currentData().toInt());
}

void CalibrationControls::setSource(CalibrationText::Source source)
{
    m_source->setCurrentIndex(m_source->findData(int(source)));
    updateState();
}

void CalibrationControls::setTextFile(const QString& path)
{
    m_file = path;
    setSource(Source::File);
}

void CalibrationControls::setMaxTokens(int tokens)
{
    m_tokens->setValue(tokens);
}

bool CalibrationControls::hasText() const
{
    return unavailableReason().isEmpty();
}

QString CalibrationControls::unavailableReason() const
{
    switch (source()) {
    case Source::None:
        return tr("Needs calibration text: choose this document or a text file under Calibration text.");
    case Source::Document:
        return m_session->currentDocument() ? QString() : tr("Needs calibration text: open a report first.");
    case Source::File:
        return m_file.isEmpty() ? tr("Needs calibration text: choose a text file.") : QString();
    }
    return {};
}

CalibrationText CalibrationControls::calibrationText() const
{
    CalibrationText text;
    if (!hasText())
        return text;
    text.source = source();
    text.maxTokens = m_tokens->value();
    if (text.source == Source::File) {
        text.path = QDir::toNativeSeparators(m_file).toStdString();
    } else if (const auto document = m_session->currentDocument()) {
        text.documentText = document->joinedText();
        text.documentName = document->info.fileName;
    }
    return text;
}

void CalibrationControls::sourceActivated()
{
    if (source() == Source::File && m_file.isEmpty())
        chooseFile(); // picking "Text file…" asks for the file at once
    updateState();
}

void CalibrationControls::chooseFile()
{
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Calibration text"), QFileInfo(m_file).path(), tr("Text (*.txt *.md);;All files (*)"));
    if (!file.isEmpty())
        setTextFile(file);
}

bool CalibrationControls::isCalibrating() const
{
    return m_jobs->isRunning();
}

void CalibrationControls::updateState()
{
    const bool running = m_jobs->isRunning();
    const bool file = source() == Source::File;
    m_tokens->setEnabled(source() != Source::None);
    m_choose->setVisible(file);
    m_fileLabel->setVisible(file);
    m_fileLabel->setText(m_file.isEmpty() ? tr("(no file)") : QFileInfo(m_file).fileName());
    m_fileLabel->setToolTip(QDir::toNativeSeparators(m_file));
    const QString reason = m_modelDir.isEmpty() ? tr("Open a model first.") : unavailableReason();
    m_calibrate->setEnabled(!running && !m_comparing && reason.isEmpty());
    m_calibrate->setToolTip(reason.isEmpty()
            ? tr("Promote the most sensitive experts of a low-bit policy to a higher-precision scheme within a "
                 "memory budget, measured on the calibration text (as moescope-cli calibrate)")
            : reason);
    m_cancel->setVisible(running);
    m_progress->setVisible(running);
    emit changed();
}

bool CalibrationControls::calibratePolicy(const QString& outPath, const PolicyCalibrationOptions& options)
{
    if (m_jobs->isRunning() || m_comparing || m_modelDir.isEmpty() || !hasText()) {
        emit statusMessage(m_modelDir.isEmpty() ? tr("Open a model to calibrate a policy for it.")
                : !hasText()                    ? unavailableReason()
                                                : tr("Wait for the running job to end."));
        return false;
    }
    PolicyCalibrationRequest request;
    request.modelDir = m_modelDir.toStdString();
    request.text = calibrationText();
    request.options = options;
    request.options.engine.device = m_device.isEmpty() ? "auto" : m_device.toStdString();
    request.outPath = outPath.toStdString();
    emit statusMessage(tr("Calibrating a %1 / %2 policy within %3 × bf16 bytes…")
                           .arg(QString::fromStdString(options.low), QString::fromStdString(options.high))
                           .arg(options.budget, 0, 'f', 2));
    m_progress->setRange(0, 0);
    m_jobs->start<PolicyCalibrationOutcome>(
        tr("Calibrating a mixed policy"),
        [request](const JobContext& context) { return runPolicyCalibration(request, context); },
        [this, budget = options.budget](PolicyCalibrationOutcome outcome) {
            const QString path = QString::fromStdString(outcome.path);
            QString text = tr("Wrote %1: %2 × bf16 bytes, %3 experts promoted, calibrated on %4 tokens.")
                               .arg(QDir::toNativeSeparators(path))
                               .arg(outcome.weightVsBf16, 0, 'f', 3)
                               .arg(outcome.promotedExperts)
                               .arg(outcome.tokens);
            if (outcome.baseVsBf16 > budget)
                text += tr(" The low-bit base alone takes %1 × bf16: raise the budget to promote experts.")
                            .arg(outcome.baseVsBf16, 0, 'f', 3);
            emit statusMessage(text);
            emit policyWritten(path);
            emit calibrationFinished(true);
        },
        [this](const QString& message) {
            emit statusMessage(tr("The calibration failed: %1").arg(message));
            emit calibrationFinished(false);
        });
    updateState();
    return true;
}

void CalibrationControls::cancelCalibration()
{
    if (m_jobs->isRunning()) {
        emit statusMessage(tr("Cancelling the calibration…"));
        m_jobs->cancel();
    }
}

void CalibrationControls::chooseAndCalibrate()
{
    const auto options = askPolicyOptions(this);
    if (!options)
        return;
    try {
        validatePolicyCalibration(*options);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Calibrate mixed policy"), QString::fromUtf8(e.what()));
        return;
    }
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Save the calibrated policy"), QStringLiteral("calibrated-policy.json"), tr("Policy (*.json)"));
    if (!file.isEmpty())
        calibratePolicy(file, *options);
}

} // namespace moescope
