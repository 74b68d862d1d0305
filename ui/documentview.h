#pragma once
// The central view of the workbench: the page being read, either rendered from the PDF (with the words of a search
// hit or citation highlighted where Poppler finds them) or as text with the per-token surprisal overlay once a
// perplexity run exists. A navigation bar (page, zoom, view) sits on top; a banner offers to locate a document whose
// file moved or changed. Rendering runs as background jobs (newest request wins); the GUI thread only paints.

#include "services/workbenchtypes.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QSpinBox;
class QStackedWidget;
class QTabBar;
class QToolButton;

namespace moescope {

class JobTracker;
class PageView;
class PdfRenderer;
class SurprisalLegend;
class SurprisalTextView;

class DocumentView : public QWidget {
    Q_OBJECT

public:
    enum class Mode { Page, Text };

    explicit DocumentView(QWidget* parent = nullptr);
    ~DocumentView() override;

    void setDocument(const DocumentDataPtr& document);
    void setPerplexity(const PerplexityDataPtr& perplexity);
    void clear();

    int currentPage() const { return m_page; }
    QStringList highlightTerms() const { return m_terms; }
    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    PageView* pageView() const { return m_pageView; }
    SurprisalTextView* textView() const { return m_textView; }
    // True once the page now requested is on screen (rendered, or shown as text).
    bool isPageReady() const { return m_ready; }
    JobTracker* renderJobs() const { return m_renderJobs; }

public slots:
    // Shows page (0-based) with terms highlighted (on the rendered page and in the text view).
    void showPage(int page, const QStringList& terms = {});
    void nextPage() { showPage(m_page + 1); }
    void previousPage() { showPage(m_page - 1); }

signals:
    void currentPageChanged(int page);
    void pageReady(int page); // the requested page is on screen
    void relocateRequested(qint64 documentId);
    void openReportRequested();

private:
    void buildNavigation(QWidget* bar);
    void loadRenderer();
    void render();
    void updateText();
    void updateBanner();
    void updateNavigation();
    void applyZoomChoice(int index);

    DocumentDataPtr m_document;
    PerplexityDataPtr m_perplexity;
    std::shared_ptr<PdfRenderer> m_renderer;
    int m_page = 0;
    QStringList m_terms;
    Mode m_mode = Mode::Page;
    bool m_ready = false;
    bool m_revealPending = false;

    JobTracker* m_loadJobs;
    JobTracker* m_renderJobs;
    QToolButton* m_prev;
    QToolButton* m_next;
    QSpinBox* m_pageBox;
    QLabel* m_pageTotal;
    QComboBox* m_zoom;
    QTabBar* m_modeTabs;
    QLabel* m_title;
    QWidget* m_banner;
    QLabel* m_bannerText;
    QStackedWidget* m_stack;
    QWidget* m_empty;
    QLabel* m_emptyText;
    PageView* m_pageView;
    QWidget* m_textPane;
    SurprisalTextView* m_textView;
    SurprisalLegend* m_legend;
    QLabel* m_textNote;
};

} // namespace moescope
