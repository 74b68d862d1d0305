// Retrieval quality on the 19 FinanceBench questions about the four fixture reports (shared/fixtures/reports/
// questions.jsonl): the question text is the query over one session holding all four PDFs; a question counts when
// a page of its evidence (0-based, in its own report) is among the top 5. Also reports what each ranking component
// adds (ablation), printed for the record.

#include "testsupport.h"

#include "store/documentingestor.h"
#include "store/searchengine.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace moescope;

namespace {

struct Question {
    std::string doc;
    std::string text;
    std::vector<int> evidence;
};

} // namespace

class TestSearchQuality : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::optional<SessionStore> m_store;
    std::map<std::string, std::int64_t> m_ids;
    std::vector<Question> m_questions;

    double hitRate(const SearchOptions& options, bool verbose = false)
    {
        SearchEngine engine(*m_store);
        int hits = 0;
        for (const auto& q : m_questions) {
            const auto results = engine.search(q.text, options);
            bool ok = false;
            for (const auto& r : results)
                ok = ok
                    || (r.documentId == m_ids[q.doc]
                        && std::find(q.evidence.begin(), q.evidence.end(), r.page) != q.evidence.end());
            hits += ok;
            if (verbose && !ok)
                qInfo() << "miss:" << q.doc.c_str() << q.text.substr(0, 70).c_str();
        }
        return double(hits) / double(m_questions.size());
    }

private slots:
    void initTestCase()
    {
        const QString reports = moescope::test::sharedDir() + "/fixtures/reports/";
        m_store.emplace(SessionStore::create((m_dir.path() + "/all.moescope").toStdString(), "all"));
        for (const char* name : { "3M_2022_10K", "AMCOR_2023_10K", "BOEING_2022_10K", "PEPSICO_2022_10K" })
            m_ids[name] = ingestDocument(*m_store, (reports + name + ".pdf").toStdString()).documentId;
        QFile f(reports + "questions.jsonl");
        QVERIFY(f.open(QIODevice::ReadOnly));
        while (!f.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
            Question q { o["doc_name"].toString().toStdString(), o["question"].toString().toStdString(), {} };
            for (const auto& p : o["evidence_pages"].toArray())
                q.evidence.push_back(p.toInt());
            m_questions.push_back(std::move(q));
        }
        QCOMPARE(int(m_questions.size()), 19);
    }

    void topFiveHitRate()
    {
        SearchOptions full;
        full.top = 5;
        const double rate = hitRate(full, true);
        qInfo("evidence page in top 5: %.1f%% (%d of 19)", rate * 100, int(std::lround(rate * 19)));
        // Reached 16/19 when written; at least 80% is the requirement.
        QVERIFY2(rate >= 16.0 / 19 - 1e-9, qPrintable(QString::number(rate)));
    }

    void ablation()
    {
        SearchOptions plain;
        plain.top = 5;
        plain.analysis = { .stopWords = false, .synonyms = false, .documentFocus = false };
        plain.expandedRanker = plain.statementRanker = plain.sectionRanker = false;
        SearchOptions steps[6] = { plain, plain, plain, plain, plain, plain };
        steps[1].analysis.stopWords = true;
        steps[2] = steps[1];
        steps[2].analysis.documentFocus = true;
        steps[3] = steps[2];
        steps[3].analysis.synonyms = true;
        steps[3].expandedRanker = true;
        steps[4] = steps[3];
        steps[4].statementRanker = true;
        steps[5] = steps[4];
        steps[5].sectionRanker = true;
        const char* names[6] = { "plain BM25", "+ stop words", "+ document focus", "+ financial synonyms",
            "+ statement pages", "+ section prior" };
        double previous = -1;
        for (int i = 0; i < 6; ++i) {
            const double r = hitRate(steps[i]);
            qInfo("%-22s %5.1f%%", names[i], r * 100);
            if (i == 0)
                QVERIFY(r < 0.5); // plain BM25 is far from the target: the components matter
            previous = r;
        }
        QVERIFY(previous >= 0.8);
    }
};

QTEST_GUILESS_MAIN(TestSearchQuality)
#include "tst_search_quality.moc"
