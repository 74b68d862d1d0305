#include "ui/modelmanagerpanel.h"

#include "services/inferenceservice.h"
#include "ui/uiformat.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace moescope {

namespace {
const char* kFields[] = { "Model", "Family", "Parameters", "Active per token", "Experts", "Layers", "Quantization",
    "Device", "Precision", "Weight memory", "Context", "Text" };
}

ModelManagerPanel::ModelManagerPanel(InferenceService* service, QWidget* parent)
    : QWidget(parent)
    , m_service(service)
{
    auto* layout = new QVBoxLayout(this);
    auto* choices = new QFormLayout;
    m_device = new QComboBox;
    m_device->addItem(tr("Automatic (GPU if present)"), "auto");
    m_device->addItem(tr("CPU"), "cpu");
    m_device->addItem(tr("CUDA GPU"), "cuda");
    m_dtype = new QComboBox;
    m_dtype->addItem(tr("Automatic (bf16 on GPU, f32 on CPU)"), "auto");
    m_dtype->addItem(tr("float32"), "f32");
    m_dtype->addItem(tr("bfloat16"), "bf16");
    choices->addRow(tr("Device"), m_device);
    choices->addRow(tr("Precision"), m_dtype);
    layout->addLayout(choices);

    auto* buttons = new QHBoxLayout;
    m_open = new QPushButton(QIcon(":/icons/model-open.svg"), tr("Open model…"));
    m_open->setToolTip(tr("Open a model folder (config.json, safetensors, tokenizer.json)"));
    m_unload = new QPushButton(QIcon(":/icons/model-unload.svg"), tr("Unload"));
    m_unload->setEnabled(false);
    buttons->addWidget(m_open);
    buttons->addWidget(m_unload);
    layout->addLayout(buttons);

    m_status = new QLabel(tr("No model loaded."));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_form = new QFormLayout;
    for (const char* field : kFields) {
        auto* value = new QLabel;
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        m_form->addRow(tr(field), value);
        m_values << value;
    }
    layout->addLayout(m_form);
    layout->addStretch();

    connect(m_open, &QPushButton::clicked, this, &ModelManagerPanel::chooseAndLoad);
    connect(m_unload, &QPushButton::clicked, this, &ModelManagerPanel::requestUnload);
    connect(m_service, &InferenceService::modelLoading, this, [this](const QString& path) {
        m_open->setEnabled(false);
        m_status->setText(tr("Loading %1…").arg(path));
    });
    connect(m_service, &InferenceService::modelLoaded, this,
        [this](const ModelSummary& s, const ModelCapabilities& capabilities) {
            m_summary = s;
            m_capabilities = capabilities;
            m_loaded = true;
            showSummary(s);
            emit modelChanged(true);
        });
    connect(m_service, &InferenceService::modelUnloaded, this, [this] {
        m_loaded = false;
        clearSummary(tr("No model loaded."));
        emit modelChanged(false);
    });
    connect(m_service, &InferenceService::modelLoadFailed, this, [this](const QString& path, const QString& message) {
        m_loaded = false;
        clearSummary(tr("Could not load %1: %2").arg(path, message));
        emit modelChanged(false);
    });
    clearSummary(tr("No model loaded."));
}

void ModelManagerPanel::chooseAndLoad()
{
    QSettings settings;
    const auto dir = QFileDialog::getExistingDirectory(
        this, tr("Open model folder"), settings.value("models/lastFolder").toString());
    if (dir.isEmpty())
        return;
    settings.setValue("models/lastFolder", dir);
    requestLoad(dir);
}

void ModelManagerPanel::requestLoad(const QString& dir)
{
    QMetaObject::invokeMethod(m_service, "loadModel", Qt::QueuedConnection, Q_ARG(QString, dir),
        Q_ARG(QString, m_device->currentData().toString()), Q_ARG(QString, m_dtype->currentData().toString()));
}

void ModelManagerPanel::requestUnload()
{
    QMetaObject::invokeMethod(m_service, "unloadModel", Qt::QueuedConnection);
}

void ModelManagerPanel::showSummary(const ModelSummary& s)
{
    m_open->setEnabled(true);
    m_unload->setEnabled(true);
    m_status->setText(tr("Loaded."));
    const QStringList values {
        QString::fromStdString(s.path),
        QString::fromStdString(s.family) + " (" + QString::fromStdString(s.modelType) + ")",
        formatCount(s.paramsTotal),
        formatCount(s.paramsActive),
        s.experts > 0 ? tr("%1 routed, top-%2, %3 shared").arg(s.experts).arg(s.expertsPerToken).arg(s.sharedExperts)
                      : tr("dense model"),
        tr("%1 (%2 MoE)").arg(s.layers).arg(s.moeLayers.size()),
        QString::fromStdString(s.quantization),
        QString::fromStdString(s.device),
        QString::fromStdString(s.computeDtype) + tr(" (stored %1)").arg(QString::fromStdString(s.checkpointDtype)),
        formatBytes(s.weightBytes),
        tr("%1 tokens").arg(s.contextLength),
        !m_capabilities.hasTokenizer         ? tr("no tokenizer: %1").arg(m_capabilities.tokenizerError)
            : m_capabilities.hasChatTemplate ? tr("tokenizer with chat template (instruct model)")
                                             : tr("tokenizer, no chat template (base model)"),
    };
    for (int i = 0; i < m_values.size(); ++i)
        m_values[i]->setText(values.value(i));
}

void ModelManagerPanel::clearSummary(const QString& status)
{
    m_open->setEnabled(true);
    m_unload->setEnabled(m_loaded);
    m_status->setText(status);
    for (auto* v : m_values)
        v->setText(QStringLiteral("—"));
}

} // namespace moescope
