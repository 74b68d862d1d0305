#pragma once
// Shows a backend ChartScene (eval/chartscene.h) as a widget: the same drawing that Export writes as SVG and PNG.
// A chart given as a builder is laid out for the widget's size (eval/chartstyle.h: FigureSize) and again when it is
// resized, so the plot fills the space and its text stays readable; Export writes the figure at its own size. A fixed
// scene is scaled to the widget (aspect kept). Hover tooltips from the scene's rectangles, clicks reported by
// rectangle. GUI thread only.

#include "eval/chartscene.h"
#include "eval/chartstyle.h"

#include <QWidget>

#include <functional>
#include <optional>

namespace moescope {

class ChartSceneView : public QWidget {
    Q_OBJECT

public:
    explicit ChartSceneView(QWidget* parent = nullptr);

    // The chart theme matching the application's palette (light or dark).
    static ChartTheme currentChartTheme();

    void setScene(ChartScene scene);
    // Builds the chart for the widget's size now (its exceptions reach the caller) and on every resize (an exception
    // then shows as the message).
    using SceneBuilder = std::function<ChartScene(FigureSize)>;
    void setSceneBuilder(SceneBuilder build);
    // Shown instead of a chart (no data, an error).
    void setMessage(const QString& message);
    bool hasScene() const { return m_scene.has_value(); }
    const ChartScene& scene() const { return *m_scene; } // as drawn
    // What Export writes: the builder's chart at the figure's own size, or the fixed scene.
    ChartScene exportFigure() const { return m_build ? m_build({}) : *m_scene; }

    // Index (among the scene's rectangles that carry a tooltip, in scene order) under a widget point, or -1.
    int hoverRectAt(const QPointF& widgetPos) const;
    // The widget point at the centre of the n-th tooltip rectangle (tests, keyboard navigation); invalid when absent.
    QPointF centerOfHoverRect(int index) const;
    // The hover text of the n-th tooltip rectangle: the scene's own, or the text function's when set (a panel that
    // knows more than the figure, e.g. counts behind a share).
    QString hoverText(int index) const;
    void setHoverTextFunction(std::function<QString(int index)> text) { m_hoverText = std::move(text); }

    QSize sizeHint() const override;

signals:
    void rectClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    QTransform sceneToWidget() const;
    void showScene(ChartScene scene);
    FigureSize currentSize() const { return { double(width()), double(height()) }; }

    std::optional<ChartScene> m_scene;
    std::vector<const ChartRect*> m_hoverRects;
    QString m_message;
    std::function<QString(int)> m_hoverText;
    SceneBuilder m_build;
};

} // namespace moescope
