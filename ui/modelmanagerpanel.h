#pragma once
// The model manager: open a model folder (hub layout), choose device and precision, see what is loaded (family,
// parameters total/active, experts, quantization, device, memory) and unload it. Talks to the InferenceService only
// through queued calls and its signals.

#include "runtime/engine.h"
#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QFormLayout;

namespace moescope {

class InferenceService;

class ModelManagerPanel : public QWidget {
    Q_OBJECT

public:
    explicit ModelManagerPanel(InferenceService* service, QWidget* parent = nullptr);

    // Asks the service to load dir with the chosen device and precision.
    void requestLoad(const QString& dir);
    bool hasModel() const { return m_loaded; }
    const ModelSummary& summary() const { return m_summary; }
    const ModelCapabilities& capabilities() const { return m_capabilities; }

public slots:
    void chooseAndLoad(); // folder dialog
    void requestUnload();

signals:
    void modelChanged(bool loaded);

private:
    void showSummary(const ModelSummary& s);
    void clearSummary(const QString& status);

    InferenceService* m_service;
    QComboBox* m_device;
    QComboBox* m_dtype;
    QPushButton* m_open;
    QPushButton* m_unload;
    QLabel* m_status;
    QFormLayout* m_form;
    QList<QLabel*> m_values;
    ModelSummary m_summary;
    ModelCapabilities m_capabilities;
    bool m_loaded = false;
};

} // namespace moescope
