#pragma once
// The one way the GUI exports a chart: the backend's SVG and PNG (eval/chartrender.h) plus a vector PDF of the same
// SVG, one page the size of the chart (1 chart px = 1 pt), drawn by QSvgRenderer into QPdfWriter so lines and text
// stay vectors (glyphs embedded as font subsets, text selectable). Every panel's export goes through here. Any thread
// that may use QPainter on a QPdfWriter (the GUI thread in practice).

#include "eval/chartscene.h"

#include <QByteArray>
#include <QRectF>
#include <QStringList>

#include <filesystem>

class QPainter;

namespace moescope {

// Writes stem.svg, stem.png and stem.pdf (each atomically); returns the three paths. Throws IoError.
QStringList writeChartExports(const ChartScene& scene, const std::filesystem::path& stem);
// A one-page PDF of an SVG image, page size = the SVG's size in points. Throws FormatError for an invalid SVG and
// IoError when the file cannot be written.
void writeSvgAsPdf(const QByteArray& svg, const QString& pdfPath);
// Draws an SVG into target on any painter (aspect ratio kept, centred); FormatError for an invalid SVG.
void paintSvg(QPainter& painter, const QByteArray& svg, const QRectF& target);

} // namespace moescope
