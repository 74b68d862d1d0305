#pragma once
// Perplexity of a scored document per page (line chart, log scale when the range is wide, the document's overall
// perplexity as a dashed reference) and per 10-K section (horizontal bars). Axes carry their units. Clicking a point
// or a bar asks to show that page. Colours follow the palette (light/dark) and the Okabe-Ito colour-blind-safe set.

#include "services/workbenchtypes.h"

#include <QWidget>

class QLabel;
class QScrollArea;

class QChart;
class QChartView;

namespace moescope {

class PerplexityCharts : public QWidget {
    Q_OBJECT

public:
    explicit PerplexityCharts(QWidget* parent = nullptr);

    void setData(const DocumentDataPtr& document, const PerplexityDataPtr& perplexity);
    QChartView* pageChartView() const { return m_pageView; }
    QChartView* sectionChartView() const { return m_sectionView; }
    int plottedPages() const { return m_plottedPages; }
    int plottedSections() const { return m_plottedSections; } // built one event-loop turn after setData

signals:
    void pageRequested(int page);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void buildPageChart();
    void buildSectionChart();
    void styleChart(QChart* chart) const;

    DocumentDataPtr m_document;
    PerplexityDataPtr m_perplexity;
    QChartView* m_pageView;
    QChartView* m_sectionView;
    QScrollArea* m_sectionScroll;
    QLabel* m_empty;
    int m_plottedPages = 0;
    int m_plottedSections = 0;
    int m_generation = 0; // of rebuild(): a deferred section chart of older data is dropped
    std::vector<int> m_sectionPages; // first page of each plotted section, bar order
};

} // namespace moescope
