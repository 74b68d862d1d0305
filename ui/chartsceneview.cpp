#include "ui/chartsceneview.h"

#include "ui/theme.h"

#include <QMouseEvent>
#include <QResizeEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace moescope {

namespace {
QColor qcolor(const ChartColor& c)
{
    return QColor(c.r, c.g, c.b, c.a);
}
} // namespace

ChartSceneView::ChartSceneView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setMinimumSize(240, 160);
}

ChartTheme ChartSceneView::currentChartTheme()
{
    return currentTheme() == Theme::Dark ? ChartTheme::dark() : ChartTheme::light();
}

void ChartSceneView::setScene(ChartScene scene)
{
    m_build = nullptr;
    showScene(std::move(scene));
}

namespace {
// The chart for a view of `size`. A view smaller than the chart's smallest layout gets the chart laid out on a
// larger canvas of the view's shape, so that scaled down it still fills the view instead of leaving bands around it.
ChartScene buildFitted(const ChartSceneView::SceneBuilder& build, FigureSize size)
{
    ChartScene scene = build(size);
    if (size.width <= 0 || size.height <= 0)
        return scene;
    const double overflow = std::max(scene.width() / size.width, scene.height() / size.height);
    if (overflow > 1.002)
        scene = build({ size.width * overflow, size.height * overflow });
    return scene;
}
} // namespace

void ChartSceneView::setSceneBuilder(SceneBuilder build)
{
    m_build = nullptr;
    showScene(buildFitted(build, currentSize()));
    m_build = std::move(build);
}

void ChartSceneView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (!m_build)
        return;
    try {
        showScene(buildFitted(m_build, currentSize()));
    } catch (const std::exception& e) {
        setMessage(QString::fromUtf8(e.what()));
    }
}

void ChartSceneView::showScene(ChartScene scene)
{
    m_scene = std::move(scene);
    m_message.clear();
    m_hoverRects.clear();
    for (const auto& item : m_scene->items())
        if (const auto* r = std::get_if<ChartRect>(&item); r && !r->tooltip.empty())
            m_hoverRects.push_back(r);
    updateGeometry();
    update();
}

void ChartSceneView::setMessage(const QString& message)
{
    m_build = nullptr;
    m_scene.reset();
    m_hoverRects.clear();
    m_message = message;
    update();
}

QSize ChartSceneView::sizeHint() const
{
    if (!m_scene || m_build) // a built chart takes the size it is given
        return { 480, 320 };
    return { int(m_scene->width()), int(m_scene->height()) };
}

QTransform ChartSceneView::sceneToWidget() const
{
    if (!m_scene || m_scene->width() <= 0 || m_scene->height() <= 0)
        return {};
    const double s = std::min(width() / m_scene->width(), height() / m_scene->height());
    const double dx = (width() - m_scene->width() * s) / 2;
    const double dy = (height() - m_scene->height() * s) / 2;
    return QTransform(s, 0, 0, s, dx, dy);
}

int ChartSceneView::hoverRectAt(const QPointF& widgetPos) const
{
    if (!m_scene)
        return -1;
    const QPointF p = sceneToWidget().inverted().map(widgetPos);
    for (int i = int(m_hoverRects.size()) - 1; i >= 0; --i) { // topmost first
        const auto* r = m_hoverRects[std::size_t(i)];
        if (p.x() >= r->x && p.x() < r->x + r->width && p.y() >= r->y && p.y() < r->y + r->height)
            return i;
    }
    return -1;
}

QPointF ChartSceneView::centerOfHoverRect(int index) const
{
    if (index < 0 || index >= int(m_hoverRects.size()))
        return {};
    const auto* r = m_hoverRects[std::size_t(index)];
    return sceneToWidget().map(QPointF(r->x + r->width / 2, r->y + r->height / 2));
}

QString ChartSceneView::hoverText(int index) const
{
    if (index < 0 || index >= int(m_hoverRects.size()))
        return {};
    if (m_hoverText)
        if (QString text = m_hoverText(index); !text.isEmpty())
            return text;
    return QString::fromStdString(m_hoverRects[std::size_t(index)]->tooltip);
}

void ChartSceneView::mouseMoveEvent(QMouseEvent* event)
{
    const int i = hoverRectAt(event->position());
    if (i >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), hoverText(i), this);
    else
        QToolTip::hideText();
    setCursor(i >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void ChartSceneView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    if (const int i = hoverRectAt(event->position()); i >= 0)
        emit rectClicked(i);
}

void ChartSceneView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    if (!m_scene) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.setTransform(sceneToWidget());
    painter.fillRect(QRectF(0, 0, m_scene->width(), m_scene->height()), qcolor(m_scene->background()));
    QFont font("DejaVu Sans");
    for (const auto& item : m_scene->items()) {
        if (const auto* r = std::get_if<ChartRect>(&item)) {
            const QRectF rect(r->x, r->y, r->width, r->height);
            if (r->fill.a > 0) {
                painter.setRenderHint(QPainter::Antialiasing, false); // cells of a heatmap meet without seams
                painter.fillRect(rect, qcolor(r->fill));
                painter.setRenderHint(QPainter::Antialiasing);
            }
            if (r->stroke.a > 0 && r->strokeWidth > 0) {
                painter.setPen(QPen(qcolor(r->stroke), r->strokeWidth));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(rect);
            }
        } else if (const auto* p = std::get_if<ChartPath>(&item)) {
            QPen pen(qcolor(p->color), p->width);
            if (p->dashed)
                pen.setDashPattern({ 4, 3 });
            pen.setCapStyle(Qt::FlatCap);
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            QPolygonF poly;
            for (const auto& pt : p->points)
                poly << QPointF(pt.x, pt.y);
            painter.drawPolyline(poly);
        } else if (const auto* c = std::get_if<ChartCircle>(&item)) {
            painter.setBrush(qcolor(c->fill));
            painter.setPen(
                c->stroke.a > 0 && c->strokeWidth > 0 ? QPen(qcolor(c->stroke), c->strokeWidth) : QPen(Qt::NoPen));
            painter.drawEllipse(QPointF(c->center.x, c->center.y), c->radius, c->radius);
        } else if (const auto* t = std::get_if<ChartText>(&item)) {
            font.setPixelSize(std::max(1, int(std::lround(t->size))));
            font.setBold(t->bold);
            painter.setFont(font);
            painter.setPen(qcolor(t->color));
            const QString text = QString::fromStdString(t->text);
            // The anchor uses the backend's own text width so labels sit where they sit in the SVG.
            const double w = chartTextWidth(t->text, t->size, t->bold);
            const double shift = t->anchor == TextAnchor::Start ? 0 : t->anchor == TextAnchor::Middle ? w / 2 : w;
            painter.save();
            painter.translate(t->at.x, t->at.y);
            if (t->vertical)
                painter.rotate(-90);
            painter.drawText(QPointF(-shift, 0), text);
            painter.restore();
        }
    }
}

} // namespace moescope
