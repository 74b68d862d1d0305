#pragma once
// The routing token view: the document's text with every token of a routing trace tinted by its top-1 expert in a
// chosen MoE layer or by the entropy of its top-k weights (routingtokencolors.h), and a tooltip listing the token's
// top-k experts and weights in every MoE layer.
//
// Built for 400k-token traces: it never makes one big QTextDocument. The text is shown one sheet at a time (a page,
// or a part of a page past kSheetBytes), laid out paragraph by paragraph with QTextLayout; painting draws only the
// paragraphs in the viewport and computes the colours of their tokens on demand (cached until the layer or the
// colouring changes). Scrolling past a sheet's end goes on to the next one, so the text reads continuously.
//
// Page sync: pageChanged(page) is emitted when the view itself moves to another page (scrolling, scrollToOffset);
// followPage(page) moves it without emitting, so wiring it both ways to a document view cannot loop. GUI thread only.

#include "eval/routingqueries.h"
#include "services/workbenchtypes.h"
#include "ui/routingtextsheets.h"
#include "ui/routingtokencolors.h"

#include <QAbstractScrollArea>

#include <memory>
#include <optional>
#include <vector>

class QTextLayout;

namespace moescope {

class RoutingTokenView : public QAbstractScrollArea {
    Q_OBJECT

public:
    static constexpr std::size_t kSheetBytes = 24 * 1024; // a longer page is shown in parts: bounded layout cost

    using Sheet = RoutingTextSheet;

    explicit RoutingTokenView(QWidget* parent = nullptr);
    ~RoutingTokenView() override;

    // document: the text the trace's offsets refer to. Either may be null (the view then says why it is empty).
    void setRouting(DocumentDataPtr document, std::shared_ptr<const RoutingQueries> queries);
    void setLayer(int layer); // a MoE layer of the trace (decoder layer index)
    int layer() const;
    void setColoring(RoutingTokenColoring coloring);
    RoutingTokenColoring coloring() const { return m_coloring; }
    bool hasText() const { return !m_sheets.empty(); }

    int currentPage() const; // -1 when empty
    int currentSheet() const { return m_sheet; }
    const std::vector<Sheet>& sheets() const { return m_sheets; }
    // Byte offset (joined text) of the first line in the viewport.
    std::size_t topOffset() const;

    // Trace token under a viewport point; empty over text outside any token.
    std::optional<std::size_t> tokenAt(const QPoint& viewportPos) const;
    // Viewport rectangle of a token's first line on the current sheet (empty when not on it).
    QRect tokenRect(std::size_t token) const;
    QColor tokenColor(std::size_t token) const;
    QString tooltipText(std::size_t token) const;
    // Colours computed since the last layer / colouring / sheet change (the visible tokens only, not the trace's).
    std::size_t colorsComputed() const { return m_colorsComputed; }

public slots:
    // Shows the sheet holding a byte offset of the joined text with that line at the top; emits pageChanged when the
    // page changes.
    void scrollToOffset(qulonglong offset);
    // Shows page (0-based) from its top unless it is already shown; emits nothing.
    void followPage(int page);
    // One viewport down (direction > 0) or up, going on to the next / previous sheet at the ends.
    void scrollByPage(int direction);

signals:
    void pageChanged(int page);
    // A token was double-clicked (the panel lists the tokens of its top-1 expert in this layer).
    void tokenActivated(qulonglong token);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Paragraph {
        int start = 0, length = 0; // UTF-16 in the sheet text
        double y = 0, height = 0;
        std::unique_ptr<QTextLayout> layout;
    };
    struct TokenPos {
        int start = 0, end = 0; // UTF-16 in the sheet text
    };

    void buildSheets();
    void showSheet(int index, bool atEnd, bool notify);
    void layoutSheet();
    void invalidateColors();
    int paragraphAt(double y) const;
    int paragraphOf(int position) const;
    std::size_t firstTokenAtOrAfter(int position) const; // index into m_tokens
    QRgb cachedColor(std::size_t sheetToken) const;

    DocumentDataPtr m_document;
    std::shared_ptr<const RoutingQueries> m_queries;
    int m_slot = 0;
    RoutingTokenColoring m_coloring = RoutingTokenColoring::TopExpert;
    std::vector<Sheet> m_sheets;
    int m_sheet = -1;
    QString m_text; // the sheet's text
    std::vector<std::size_t> m_byteOfUnit; // [m_text.size() + 1] byte offset (joined text) of each UTF-16 unit
    std::vector<TokenPos> m_tokens; // the sheet's tokens, in order
    std::vector<Paragraph> m_paragraphs;
    double m_height = 0;
    int m_layoutWidth = -1;
    mutable std::vector<QRgb> m_colors; // [m_tokens.size()], 0 = not computed yet
    mutable std::size_t m_colorsComputed = 0;
    int m_wheelAtEdge = 0;
};

} // namespace moescope
