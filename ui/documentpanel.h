#pragma once
// The Document dock: which session document is open, and three ways into it: its 10-K structure (Parts and Items
// with page ranges), its pages (with thumbnails) and its key figures (a table whose cells cite their pages). Every
// click asks to show a page (pageRequested); the panel follows the page being viewed. Models are separate classes;
// thumbnails come from a ThumbnailProvider (background rendering).

#include "services/workbenchtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QListView;
class QTableView;
class QTabWidget;
class QTreeView;

namespace moescope {

class KeyFiguresModel;
class PageListModel;
class SessionController;
class StructureModel;
class ThumbnailProvider;

class DocumentPanel : public QWidget {
    Q_OBJECT

public:
    explicit DocumentPanel(SessionController* session, QWidget* parent = nullptr);

    StructureModel* structureModel() const { return m_structure; }
    KeyFiguresModel* figuresModel() const { return m_figures; }
    PageListModel* pageModel() const { return m_pages; }
    QTreeView* structureView() const { return m_structureView; }
    QTableView* figuresView() const { return m_figuresView; }
    QTabWidget* tabs() const { return m_tabs; }

public slots:
    void setDocument(const moescope::DocumentDataPtr& document);
    void clear();
    void followPage(int page);

signals:
    void pageRequested(int page, const QStringList& terms);

private:
    void updateDocumentList();

    SessionController* m_session;
    StructureModel* m_structure;
    KeyFiguresModel* m_figures;
    PageListModel* m_pages;
    ThumbnailProvider* m_thumbnails;
    QComboBox* m_documentBox;
    QLabel* m_summary;
    QTabWidget* m_tabs;
    QTreeView* m_structureView;
    QListView* m_pageView;
    QTableView* m_figuresView;
    QLabel* m_figuresNote;
};

} // namespace moescope
