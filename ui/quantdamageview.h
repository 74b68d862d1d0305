#pragma once
// Where on the page a quantized variant departs most from the baseline: the document's text, page by page, with every
// scored token tinted by a measure of one variant (KL from the baseline in nats, |Δp| of the true token in percentage
// points, or top-1 disagreement) on the shared token overlay (SurprisalTextView + its legend, with a scale whose top
// is the variant's 99th percentile of the measure, rounded up); below, in two tabs, the variant's 20 most damaged lines
// with their pages (a click shows that page) and its breakdown by token class and line kind (eval/damagebreakdown.h).
//
// Page sync as the Routing panel's token view: pageRequested(page) when the user moves (page box, passage click);
// followPage(page) moves without emitting, so wiring both ways to the document view cannot loop. GUI thread only.

#include "eval/damagebreakdown.h"
#include "services/workbenchtypes.h"
#include "ui/tokentintscale.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace moescope {

class SurprisalLegend;
class SurprisalTextView;

class QuantDamageView : public QWidget {
    Q_OBJECT

public:
    enum BreakdownColumn { Group, Tokens, KlMean, Top1Disagree, KlShare, BreakdownColumnCount };
    enum PassageColumn { Page, KlSum, PassageKlMean, PassageTokens, Kind, Text, PassageColumnCount };

    explicit QuantDamageView(QWidget* parent = nullptr);

    // document: the text the result's token spans refer to, or null when the comparison ran on another document
    // (the view then says so). Either may be null.
    void setData(std::shared_ptr<const ComparisonResult> result, DocumentDataPtr document);
    void setVariant(int variant);
    void setMeasure(DamageMeasure measure);
    int variant() const;
    DamageMeasure measure() const;
    int currentPage() const { return m_page; }
    bool hasOverlay() const;

    // The scale of a measure for a variant (the legend's range and unit).
    static TokenTintScale scaleFor(const VariantResult& variant, DamageMeasure measure);
    // The value shown for a scored token (in the scale's unit).
    static double shownValue(const VariantResult& variant, std::size_t token, DamageMeasure measure);

    const DamageBreakdown* breakdown() const { return m_breakdown ? &*m_breakdown : nullptr; }
    SurprisalTextView* textView() const { return m_text; }
    SurprisalLegend* legend() const { return m_legend; }
    QTableWidget* breakdownTable() const { return m_table; }
    QTableWidget* passageTable() const { return m_passages; }
    QComboBox* variantPicker() const { return m_variant; }
    QComboBox* measurePicker() const { return m_measure; }
    QLabel* note() const { return m_note; }

public slots:
    void followPage(int page);

signals:
    void pageRequested(int page);

private:
    void rebuild();
    void showPage(int page);
    void fillTables();

    std::shared_ptr<const ComparisonResult> m_result;
    DocumentDataPtr m_document;
    std::string m_joined; // the joined document text
    std::optional<DamageBreakdown> m_breakdown;
    int m_page = 0;
    QComboBox* m_variant;
    QComboBox* m_measure;
    QSpinBox* m_pageBox;
    SurprisalLegend* m_legend;
    SurprisalTextView* m_text;
    QLabel* m_note;
    QTableWidget* m_table;
    QTableWidget* m_passages;
};

} // namespace moescope
