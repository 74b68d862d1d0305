#pragma once
// The Routing panel's Tokens tab: the token view (routingtokenview.h) with its layer and colouring pickers, a page
// indicator and the legend. Export writes the figure of the text from the top of the view and the CSV of the shown
// page's tokens. GUI thread only.

#include "services/routingjobs.h"
#include "services/workbenchtypes.h"

#include <QWidget>

#include <filesystem>

class QComboBox;
class QLabel;

namespace moescope {

class RoutingTokenLegend;
class RoutingTokenView;

class RoutingTokenTab : public QWidget {
    Q_OBJECT

public:
    explicit RoutingTokenTab(QWidget* parent = nullptr);

    // document: the one the run traced (null when another is open: the view then says so).
    void setRouting(DocumentDataPtr document, RoutingViewPtr view);
    RoutingTokenView* view() const { return m_view; }
    QComboBox* layerBox() const { return m_layer; }
    QComboBox* coloringBox() const { return m_coloring; }
    RoutingTokenLegend* legend() const { return m_legend; }

    // routing_tokens_layerL_pageP.svg/.png (from the top of the view) and .csv (every token of the shown page).
    QStringList exportTo(const std::filesystem::path& dir) const;

signals:
    void pageChanged(int page); // the view moved to another page by itself (see RoutingTokenView)

public slots:
    void followPage(int page);

private:
    void updateLegend();
    void updatePageLabel();

    RoutingViewPtr m_routing;
    DocumentDataPtr m_document;
    QComboBox* m_layer;
    QComboBox* m_coloring;
    QLabel* m_page;
    RoutingTokenLegend* m_legend;
    RoutingTokenView* m_view;
};

} // namespace moescope
