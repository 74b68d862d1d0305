#include "ui/quantpanel.h"

#include "core/error.h"
#include "eval/comparisonreport.h"
#include "quant/quantpolicy.h"
#include "services/inferenceservice.h"
#include "services/jobtracker.h"
#include "services/sessioncontroller.h"
#include "store/sessionstore.h"
#include "ui/calibrationcontrols.h"
#include "ui/comparisonreportpdf.h"
#include "ui/quantdamageview.h"
#include "ui/quantresultsview.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace moescope {

namespace {
constexpr int kVariantRole = Qt::UserRole;
constexpr int kNeedsCalibrationRole = Qt::UserRole + 1;
} // namespace

const QStringList& QuantPanel::presets()
{
    static const QStringList kPresets { "bf16", "int8", "int4-g128", "int4-g64-asym", "fp8" };
    return kPresets;
}

const QStringList& QuantPanel::calibratedPresets()
{
    static const QStringList kPresets { "int8+gptq", "int4-g128+gptq", "int4-g128+awq+gptq" };
    return kPresets;
}

QuantPanel::QuantPanel(InferenceService* service, SessionController* session, QWidget* parent)
    : QWidget(parent)
    , m_service(service)
    , m_session(session)
    , m_jobs(new JobTracker(this, 1))
    , m_loader(new JobTracker(this, 1))
    , m_variants(new QListWidget)
    , m_windows(new QSpinBox)
    , m_windowSize(new QComboBox)
    , m_run(new QPushButton(tr("Compare")))
    , m_cancel(new QPushButton(tr("Cancel")))
    , m_export(new QPushButton(tr("Export…")))
    , m_report(new QPushButton(tr("Report (PDF)…")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
    , m_calibration(new CalibrationControls(session))
    , m_results(new QuantResultsView)
{
    setObjectName("quantPanel");
    m_variants->setObjectName("quantVariants");
    m_variants->setToolTip(tr("Variants compared with the model as loaded (the baseline); weights quantized on load"));
    // Items flow in rows, so the calibrated presets stay in sight when the dock is short.
    m_variants->setFlow(QListView::LeftToRight);
    m_variants->setWrapping(true);
    m_variants->setResizeMode(QListView::Adjust);
    m_variants->setSpacing(2);
    m_variants->setMaximumHeight(130);
    for (const QString& p : presets())
        addVariantItem(p, p, false)->setCheckState(p == "int8" || p == "int4-g128" ? Qt::Checked : Qt::Unchecked);
    for (const QString& p : calibratedPresets())
        addVariantItem(p, p, true);
    auto* addPolicyButton = new QPushButton(tr("Add policy…"));
    addPolicyButton->setToolTip(tr("A mixed 4/8-bit policy (JSON) as a variant"));
    m_windows->setRange(0, 100000);
    m_windows->setSpecialValueText(tr("whole text"));
    m_windows->setValue(8);
    m_windows->setObjectName("quantWindows");
    for (const int w : { 128, 256, 512, 1024 })
        m_windowSize->addItem(tr("%1 tokens").arg(w), w);
    m_windowSize->setCurrentIndex(2);
    m_cancel->setEnabled(false);
    m_export->setEnabled(false);
    m_report->setEnabled(false);
    m_report->setObjectName("quantReport");
    m_report->setToolTip(tr("One PDF with the run's facts, the summary table, every chart and where on the page each "
                            "variant departs"));
    m_progress->setVisible(false);
    m_status->setWordWrap(true);
    m_status->setMinimumHeight(2 * m_status->fontMetrics().lineSpacing() + 4); // two lines even in a short dock
    m_status->setObjectName("quantStatus");
    m_run->setObjectName("quantRun");
    m_cancel->setObjectName("quantCancel");

    auto* variantsBox = new QVBoxLayout;
    variantsBox->addWidget(m_variants);
    auto* policyRow = new QHBoxLayout;
    policyRow->addWidget(addPolicyButton);
    policyRow->addWidget(m_calibration->actionRow(), 1);
    variantsBox->addLayout(policyRow);
    auto* form = new QFormLayout;
    form->addRow(tr("Variants:"), variantsBox);
    form->addRow(tr("Calibration text:"), m_calibration);
    form->addRow(tr("Windows:"), m_windows);
    form->addRow(tr("Window:"), m_windowSize);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_export);
    buttons->addWidget(m_report);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_results, 1);

    connect(addPolicyButton, &QPushButton::clicked, this, &QuantPanel::choosePolicy);
    connect(m_calibration, &CalibrationControls::changed, this, &QuantPanel::updateCalibratedVariants);
    connect(m_calibration, &CalibrationControls::statusMessage, m_status, &QLabel::setText);
    connect(m_calibration, &CalibrationControls::policyWritten, this, &QuantPanel::addPolicy);
    connect(m_calibration->jobs(), &JobTracker::started, this, &QuantPanel::updateState);
    connect(m_calibration->jobs(), &JobTracker::finished, this, &QuantPanel::updateState);
    connect(m_run, &QPushButton::clicked, this, &QuantPanel::run);
    connect(m_cancel, &QPushButton::clicked, this, &QuantPanel::cancel);
    connect(m_export, &QPushButton::clicked, this, &QuantPanel::exportResults);
    connect(m_report, &QPushButton::clicked, this, &QuantPanel::chooseReport);
    connect(m_results->damageView(), &QuantDamageView::pageRequested, this, &QuantPanel::pageRequested);
    connect(m_jobs, &JobTracker::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setRange(0, int(std::min<qint64>(total, 1 << 30)));
        m_progress->setValue(int(std::min<qint64>(done, 1 << 30)));
    });
    connect(m_jobs, &JobTracker::finished, this, &QuantPanel::updateState);
    connect(m_jobs, &JobTracker::cancelled, this, [this] {
        m_status->setText(tr("Cancelled: nothing was stored."));
        emit comparisonFinished(false);
    });
    connect(m_service, &InferenceService::modelLoaded, this, [this](const ModelSummary& s) {
        m_modelDir = QString::fromStdString(s.path);
        m_device = QString::fromStdString(s.device);
        m_calibration->setModel(m_modelDir, m_device);
        updateState();
    });
    connect(m_service, &InferenceService::modelUnloaded, this, [this] {
        m_modelDir.clear();
        m_calibration->setModel({}, {});
        updateState();
    });
    connect(m_session, &SessionController::documentLoaded, this, &QuantPanel::documentShown);
    connect(m_session, &SessionController::documentCleared, this, &QuantPanel::documentShown);
    updateState();
    updateCalibratedVariants();
}

QListWidgetItem* QuantPanel::addVariantItem(const QString& label, const QString& variant, bool needsCalibration)
{
    auto* item = new QListWidgetItem(label, m_variants);
    item->setData(kVariantRole, variant);
    item->setData(kNeedsCalibrationRole, needsCalibration);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    return item;
}

// Variants that need calibration text can be ticked only while there is some; without it they are unticked and say
// why, so a run never reaches the backend's own refusal.
void QuantPanel::updateCalibratedVariants()
{
    const bool available = m_calibration->hasText();
    if (available && !m_calibrationHint.isEmpty() && m_status->text() == m_calibrationHint)
        m_status->clear(); // the hint was followed
    for (int i = 0; i < m_variants->count(); ++i) {
        auto* item = m_variants->item(i);
        if (!item->data(kNeedsCalibrationRole).toBool())
            continue;
        const QString variant = item->data(kVariantRole).toString();
        const QString what = variant.contains("gptq") || variant.startsWith("mixed:")
            ? tr("quantized with calibration (GPTQ error compensation / activation-aware scaling)")
            : tr("quantized with activation-aware scaling");
        item->setFlags(available ? item->flags() | Qt::ItemIsEnabled : item->flags() & ~Qt::ItemIsEnabled);
        if (!available)
            item->setCheckState(Qt::Unchecked);
        const QString file = variant.startsWith("mixed:") ? variant.mid(6) + "\n" : QString();
        item->setToolTip(file + what + "\n"
            + (available ? tr("Calibrated on the calibration text chosen below.")
                         : m_calibration->unavailableReason()));
    }
}

QListWidgetItem* QuantPanel::findVariant(const QString& variant) const
{
    for (int i = 0; i < m_variants->count(); ++i)
        if (m_variants->item(i)->data(kVariantRole).toString() == variant)
            return m_variants->item(i);
    return nullptr;
}

bool QuantPanel::needsCalibration(const QString& variant) const
{
    const auto* item = findVariant(variant);
    return item && item->data(kNeedsCalibrationRole).toBool();
}

bool QuantPanel::isVariantAvailable(const QString& variant) const
{
    return findVariant(variant) && (!needsCalibration(variant) || m_calibration->hasText());
}

QStringList QuantPanel::selectedVariants() const
{
    QStringList out;
    for (int i = 0; i < m_variants->count(); ++i)
        if (m_variants->item(i)->checkState() == Qt::Checked)
            out << m_variants->item(i)->data(kVariantRole).toString();
    return out;
}

void QuantPanel::setSelectedVariants(const QStringList& variants)
{
    for (int i = 0; i < m_variants->count(); ++i) {
        auto* item = m_variants->item(i);
        item->setCheckState(variants.contains(item->data(kVariantRole).toString()) ? Qt::Checked : Qt::Unchecked);
    }
}

void QuantPanel::addPolicy(const QString& path)
{
    const QString variant = "mixed:" + path;
    bool needsCalibration = false;
    try { // a policy asking for +awq / +gptq needs calibration text; a bad file is reported when the run starts
        needsCalibration = QuantPolicy::fromFile(path.toStdString()).needsCalibration();
    } catch (const std::exception&) {
    }
    auto* item = findVariant(variant);
    if (!item) {
        item = addVariantItem(tr("mixed: %1").arg(QFileInfo(path).fileName()), variant, needsCalibration);
        item->setToolTip(path);
    }
    item->setData(kNeedsCalibrationRole, needsCalibration); // the file may have been rewritten
    updateCalibratedVariants();
    item->setCheckState(isVariantAvailable(variant) ? Qt::Checked : Qt::Unchecked);
}

void QuantPanel::choosePolicy()
{
    const QString file
        = QFileDialog::getOpenFileName(this, tr("Mixed-precision policy"), m_policyDir, tr("Policy (*.json)"));
    if (!file.isEmpty())
        addPolicy(file);
}

void QuantPanel::setWindows(int windows)
{
    m_windows->setValue(windows);
}

void QuantPanel::setWindowSize(int tokens)
{
    int i = m_windowSize->findData(tokens);
    if (i < 0) {
        m_windowSize->addItem(tr("%1 tokens").arg(tokens), tokens);
        i = m_windowSize->count() - 1;
    }
    m_windowSize->setCurrentIndex(i);
}

bool QuantPanel::isRunning() const
{
    return m_jobs->isRunning();
}

void QuantPanel::updateState()
{
    const bool running = m_jobs->isRunning();
    const bool ready = !m_modelDir.isEmpty() && m_session->currentDocument() != nullptr;
    m_calibration->setComparisonRunning(running);
    m_run->setEnabled(!running && ready && !m_calibration->isCalibrating());
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
    m_export->setEnabled(!running && m_results->result() != nullptr);
    m_report->setEnabled(!running && m_results->result() != nullptr);
    if (!running && !ready && m_results->result() == nullptr)
        m_status->setText(m_modelDir.isEmpty() ? tr("Open a model to compare it with its quantized variants.")
                                               : tr("Open a report: the comparison runs on its text."));
}

void QuantPanel::run()
{
    const auto document = m_session->currentDocument();
    if (m_modelDir.isEmpty() || !document || m_jobs->isRunning() || m_calibration->isCalibrating())
        return;
    ComparisonRequest request;
    request.modelDir = m_modelDir.toStdString();
    request.text = document->joinedText();
    for (const QString& v : selectedVariants())
        request.variants.push_back(v.toStdString());
    request.window = m_windowSize->currentData().toInt();
    request.windows = m_windows->value();
    request.device = m_device.isEmpty() ? "auto" : m_device.toStdString();
    if (m_session->hasSession()) {
        request.sessionPath = m_session->sessionPath().toStdString();
        request.documentId = document->info.id;
    }
    if (request.variants.empty()) {
        m_status->setText(tr("Tick at least one variant."));
        return;
    }
    bool calibrated = false;
    for (const QString& v : selectedVariants()) {
        if (!isVariantAvailable(v)) {
            m_calibrationHint = tr("%1 needs calibration text: choose this document or a text file under "
                                   "Calibration text, or untick it.")
                                    .arg(v);
            m_status->setText(m_calibrationHint);
            return;
        }
        calibrated = calibrated || needsCalibration(v);
    }
    if (calibrated)
        request.calibration = m_calibration->calibrationText();
    m_status->setText(tr("Comparing %1 with %2 on %3…")
                          .arg(QFileInfo(m_modelDir).fileName(), selectedVariants().join(", "),
                              request.windows > 0 ? tr("%1 windows of the document").arg(request.windows)
                                                  : tr("the whole document")));
    m_progress->setRange(0, 0);
    m_jobs->start<ComparisonOutcome>(
        tr("Comparing quantized variants"),
        [request](const JobContext& context) { return runDocumentComparison(request, context); },
        [this, documentId = document->info.id](ComparisonOutcome outcome) {
            m_lastRun = outcome.runId;
            const auto& r = *outcome.result;
            showResult(outcome.result, documentId);
            m_status->setText(
                tr("%1 scored tokens in %2 s on %3 %4%5")
                    .arg(r.positions.size())
                    .arg(r.seconds, 0, 'f', 1)
                    .arg(QString::fromStdString(r.device), QString::fromStdString(r.computeDtype))
                    .arg(outcome.runId ? tr("; stored in the session as run %1").arg(outcome.runId) : QString()));
            updateState();
            emit comparisonFinished(true);
        },
        [this](const QString& message) {
            m_status->setText(tr("The comparison failed: %1").arg(message));
            emit comparisonFinished(false);
        });
    updateState();
}

void QuantPanel::cancel()
{
    if (m_jobs->isRunning()) {
        m_status->setText(tr("Cancelling…"));
        m_jobs->cancel();
    }
}

void QuantPanel::exportResults()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the comparison into a folder"));
    if (dir.isEmpty())
        return;
    try {
        const auto files = m_results->exportTo(dir);
        m_status->setText(tr("Exported %1 files into %2").arg(files.size()).arg(QDir::toNativeSeparators(dir)));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromUtf8(e.what()));
    }
}

void QuantPanel::showResult(std::shared_ptr<const ComparisonResult> result, std::int64_t documentId)
{
    m_resultDocument = documentId;
    const auto document = m_session->currentDocument();
    m_results->setResult(std::move(result), document && document->info.id == documentId ? document : nullptr);
    m_results->damageView()->followPage(m_documentPage); // start where the document view is
}

void QuantPanel::documentShown()
{
    updateState();
    const auto document = m_session->currentDocument();
    if (m_results->result() && document && document->info.id == m_resultDocument) {
        showResult(m_results->result(), m_resultDocument); // the same document, perhaps reloaded
        return;
    }
    if (!document || !m_session->hasSession() || m_jobs->isRunning()) {
        if (m_results->result())
            showResult(m_results->result(), m_resultDocument); // another document: no overlay
        return;
    }
    // The latest complete comparison stored for this document, with its per-token arrays.
    const std::string path = m_session->sessionPath().toStdString();
    const std::int64_t documentId = document->info.id;
    m_loader->start<ComparisonOutcome>(
        tr("Loading the stored comparison"),
        [path, documentId](const JobContext&) {
            auto store = SessionStore::open(path);
            ComparisonOutcome out;
            for (const auto& run : store.runs("comparison", documentId))
                if (run.status == "complete" && run.id > out.runId)
                    out.runId = run.id;
            if (out.runId > 0)
                out.result = std::make_shared<ComparisonResult>(loadComparison(store, out.runId));
            return out;
        },
        [this, documentId](ComparisonOutcome outcome) {
            const auto document = m_session->currentDocument();
            if (outcome.result && !m_jobs->isRunning() && document && document->info.id == documentId) {
                m_lastRun = outcome.runId;
                showResult(outcome.result, documentId);
                m_status->setText(tr("Comparison run %1 of this document, stored in the session (%2 scored tokens).")
                                      .arg(outcome.runId)
                                      .arg(outcome.result->positions.size()));
                updateState();
            }
            emit storedComparisonLoaded(outcome.runId);
        },
        [this](const QString& message) {
            m_status->setText(tr("The stored comparison could not be read: %1").arg(message));
            emit storedComparisonLoaded(0);
        });
}

void QuantPanel::followPage(int page)
{
    m_documentPage = page;
    m_results->damageView()->followPage(page);
}

void QuantPanel::writeReport(const QString& path) const
{
    const auto result = m_results->result();
    if (!result)
        throw InvalidArgumentError("there is no comparison to report: run one first");
    ComparisonReportOptions options;
    const auto document = m_session->currentDocument();
    if (document && document->info.id == m_resultDocument)
        options.document = document;
    writeComparisonReportPdf(*result, options, path);
}

void QuantPanel::chooseReport()
{
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Write the comparison report"), QStringLiteral("quantization-report.pdf"), tr("PDF (*.pdf)"));
    if (file.isEmpty())
        return;
    try {
        writeReport(file);
        m_status->setText(tr("Wrote the report %1").arg(QDir::toNativeSeparators(file)));
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Report failed"), QString::fromUtf8(e.what()));
    }
}

} // namespace moescope
