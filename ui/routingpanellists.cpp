// The Routing panel's Experts tab lists: the tokens routed to the selected (layer, expert) cell in context, with
// page citations, and the expert's top tokens (split from routingpanel.cpp by responsibility).

#include "ui/routingpanel.h"

#include <QComboBox>
#include <QLabel>
#include <QTableWidget>
#include <QTreeWidget>

#include <cmath>

namespace moescope {

namespace {
// A byte offset moved back to the start of its UTF-8 character.
std::size_t charStart(const std::string& text, std::size_t i)
{
    i = std::min(i, text.size());
    while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
        --i;
    return i;
}

QString oneLine(QString text)
{
    return text.replace(QChar('\n'), QChar(' ')).replace(QChar('\f'), QChar(' ')).replace(QChar('\t'), QChar(' '));
}

QTableWidgetItem* numberItem(double value, int decimals)
{
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, std::round(value * std::pow(10, decimals)) / std::pow(10, decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}
} // namespace

void RoutingPanel::listRoutedTokens()
{
    m_routedTokens->clear();
    if (m_selectedLayer < 0)
        return;
    const auto& q = *m_view->queries;
    const std::size_t count = q.routedTokenCount(m_selectedLayer, m_selectedExpert);
    const auto tokens = q.routedTokens(m_selectedLayer, m_selectedExpert, 0, kListedTokens);
    const auto& a = m_view->run->aggregates;
    const double share = 100.0 * a.share(a.slotOf(m_selectedLayer))[std::size_t(m_selectedExpert)];
    m_cellLabel->setText(tr("Layer %1, expert %2: %3 tokens (%4% of the layer's choices)%5")
                             .arg(m_selectedLayer)
                             .arg(m_selectedExpert)
                             .arg(count)
                             .arg(share, 0, 'f', 2)
                             .arg(count > tokens.size() ? tr("; the first %1 listed").arg(tokens.size()) : QString()));
    const bool sameDocument = m_document && m_view->run->run.documentId == m_document->info.id;
    QList<QTreeWidgetItem*> items;
    for (const auto& t : tokens) {
        auto* item = new QTreeWidgetItem;
        item->setText(0, t.page >= 0 ? QString::number(t.page + 1) : QStringLiteral("–"));
        item->setText(1, QString::number(t.weight, 'f', 3));
        item->setText(2, sameDocument ? contextOf(t.span, t.page) : QString());
        item->setData(0, Qt::UserRole, t.page);
        item->setData(0, Qt::UserRole + 1, qulonglong(t.span.begin));
        item->setData(0, Qt::UserRole + 2, qulonglong(t.span.end));
        item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        items.append(item);
    }
    m_routedTokens->addTopLevelItems(items);
    m_routedTokens->resizeColumnToContents(0);
    m_routedTokens->resizeColumnToContents(1);
}

QString RoutingPanel::contextOf(const TextSpan& span, int page) const
{
    if (!m_document || page < 0 || page >= m_document->pageCount())
        return {};
    const std::string& text = m_document->pages[std::size_t(page)].text;
    const std::size_t base = m_document->pageOffsets[std::size_t(page)];
    if (span.begin < base)
        return {};
    const std::size_t b = charStart(text, span.begin - base), e = charStart(text, span.end - base);
    const std::size_t from = charStart(text, b > 40 ? b - 40 : 0), to = charStart(text, e + 40);
    const QString before = oneLine(QString::fromUtf8(text.data() + from, qsizetype(b - from)));
    const QString token = oneLine(QString::fromUtf8(text.data() + b, qsizetype(e - b)));
    const QString after = oneLine(QString::fromUtf8(text.data() + e, qsizetype(to - e)));
    return QStringLiteral("…%1[%2]%3…").arg(before, token, after);
}

void RoutingPanel::openRoutedToken(QTreeWidgetItem* item)
{
    if (!item || !m_document || !hasTrace() || m_view->run->run.documentId != m_document->info.id)
        return;
    const int page = item->data(0, Qt::UserRole).toInt();
    if (page < 0)
        return;
    const int p = page;
    const std::string& text = m_document->pages[std::size_t(p)].text;
    const std::size_t base = m_document->pageOffsets[std::size_t(p)];
    const std::size_t b = item->data(0, Qt::UserRole + 1).toULongLong() - base;
    const std::size_t e = item->data(0, Qt::UserRole + 2).toULongLong() - base;
    const QString token = QString::fromUtf8(text.substr(b, e > b ? e - b : 0)).trimmed();
    emit citationRequested(m_document->info.id, page, token.size() >= 2 ? QStringList { token } : QStringList {});
}

void RoutingPanel::listTopTokens()
{
    m_topTokens->setRowCount(0);
    if (m_selectedLayer < 0)
        return;
    const auto top = m_view->queries->topTokens(m_selectedLayer, m_selectedExpert, { 25, 5 });
    const auto& rows = m_topOrder->currentIndex() == 1 ? top.byLift : top.byCount;
    m_topTokens->setSortingEnabled(false);
    m_topTokens->setRowCount(int(rows.size()));
    for (int i = 0; i < int(rows.size()); ++i) {
        const auto& t = rows[std::size_t(i)];
        const QString text = m_view->tokenText ? QString::fromStdString(m_view->tokenText(t.tokenId))
                                               : QStringLiteral("#%1").arg(t.tokenId);
        auto* token = new QTableWidgetItem(QStringLiteral("“%1”").arg(oneLine(text)));
        token->setToolTip(tr("token id %1, %2 occurrences in the document").arg(t.tokenId).arg(t.total));
        m_topTokens->setItem(i, 0, token);
        m_topTokens->setItem(i, 1, numberItem(t.count, 0));
        m_topTokens->setItem(i, 2, numberItem(100.0 * t.share, 1));
        m_topTokens->setItem(i, 3, numberItem(t.lift, 2));
    }
    m_topTokens->resizeColumnsToContents();
}

} // namespace moescope
