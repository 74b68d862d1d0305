#include "ui/chartexport.h"

#include "core/error.h"
#include "eval/chartrender.h"

#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgRenderer>

namespace moescope {

QStringList writeChartExports(const ChartScene& scene, const std::filesystem::path& stem)
{
    QStringList out;
    for (const auto& p : writeChartFiles(scene, stem))
        out << QString::fromStdString(p.string());
    auto pdf = stem;
    pdf += ".pdf";
    const QString path = QString::fromStdString(pdf.string());
    writeSvgAsPdf(QByteArray::fromStdString(renderSvg(scene)), path);
    out << path;
    return out;
}

void paintSvg(QPainter& painter, const QByteArray& svg, const QRectF& target)
{
    QSvgRenderer renderer(svg);
    if (!renderer.isValid())
        throw FormatError("the chart's SVG could not be read for PDF output");
    QSizeF size = renderer.defaultSize();
    if (size.isEmpty())
        size = target.size();
    size.scale(target.size(), Qt::KeepAspectRatio);
    const QRectF box(target.center() - QPointF(size.width() / 2, size.height() / 2), size);
    renderer.render(&painter, box);
}

void writeSvgAsPdf(const QByteArray& svg, const QString& pdfPath)
{
    QSvgRenderer renderer(svg);
    if (!renderer.isValid())
        throw FormatError("the chart's SVG could not be read for " + pdfPath.toStdString());
    const QSize size = renderer.defaultSize().isEmpty() ? QSize(800, 600) : renderer.defaultSize();
    QSaveFile file(pdfPath);
    if (!file.open(QIODevice::WriteOnly))
        throw IoError("cannot write " + pdfPath.toStdString() + ": " + file.errorString().toStdString());
    {
        QPdfWriter writer(&file);
        writer.setResolution(72); // 1 chart px = 1 pt
        writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setCreator(QStringLiteral("MoEScope"));
        QPainter painter(&writer);
        if (!painter.isActive())
            throw IoError("cannot start a PDF in " + pdfPath.toStdString());
        renderer.render(&painter, QRectF(QPointF(0, 0), QSizeF(size)));
    }
    if (!file.commit())
        throw IoError("cannot write " + pdfPath.toStdString() + ": " + file.errorString().toStdString());
}

} // namespace moescope
