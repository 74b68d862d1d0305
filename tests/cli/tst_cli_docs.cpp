// The JSON contract of `moescope-cli ingest` and `moescope-cli search`, run as a user would (QProcess).

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QJsonDocument runCli(const QStringList& args, int expectedExit = 0, QString* err = nullptr)
{
    QProcess p;
    p.start(moescope::test::cliPath(), args);
    if (!p.waitForFinished(120000))
        qFatal("moescope-cli timed out");
    if (err)
        *err = QString::fromUtf8(p.readAllStandardError());
    if (p.exitCode() != expectedExit)
        qWarning() << "exit" << p.exitCode() << p.readAllStandardError();
    return p.exitCode() == expectedExit ? QJsonDocument::fromJson(p.readAllStandardOutput()) : QJsonDocument();
}

} // namespace

class TestCliDocs : public QObject {
    Q_OBJECT
private slots:
    void ingestAndSearch()
    {
        QTemporaryDir dir;
        const QString db = dir.path() + "/s.moescope";
        const QString pdf = moescope::test::sharedDir() + "/fixtures/reports/BOEING_2022_10K.pdf";
        const QJsonObject out = runCli({ "ingest", pdf, "--db", db }).object();
        QCOMPARE(out["document_id"].toInt(), 1);
        QCOMPARE(out["pages"].toInt(), 190);
        const QJsonArray sections = out["sections"].toArray();
        QCOMPARE(sections.size(), 22);
        const QJsonObject risk = sections[1].toObject();
        QCOMPARE(risk["item"].toString(), QStringLiteral("1A"));
        QCOMPARE(risk["title"].toString(), QStringLiteral("Risk Factors"));
        QCOMPARE(risk["page_start"].toInt(), 7);
        QCOMPARE(risk["page_end"].toInt(), 18);
        bool found = false;
        for (const auto& f : out["figures"].toArray()) {
            const QJsonObject o = f.toObject();
            QVERIFY(o.contains("name") && o.contains("year") && o.contains("value") && o.contains("page"));
            if (o["name"].toString() == "net_income" && o["year"].toInt() == 2022) {
                QCOMPARE(o["value"].toDouble(), -4935.0);
                QCOMPARE(o["page"].toInt(), 54);
                found = true;
            }
        }
        QVERIFY(found);

        // Same file again: not stored twice.
        QCOMPARE(runCli({ "ingest", pdf, "--db", db }).object()["document_id"].toInt(), 1);

        const QJsonArray hits
            = runCli({ "search", "--db", db, "--query", "effective tax rate Boeing", "--top", "3" }).array();
        QCOMPARE(hits.size(), 3);
        for (const auto& h : hits) {
            const QJsonObject o = h.toObject();
            QCOMPARE(o["document_id"].toInt(), 1);
            QVERIFY(o["page"].toInt() >= 0 && o["page"].toInt() < 190);
            QVERIFY(o.contains("section") && o["score"].toDouble() > 0);
            QVERIFY(o["snippet"].toString().size() > 10);
        }
        QVERIFY(hits[0].toObject()["score"].toDouble() >= hits[2].toObject()["score"].toDouble());
    }

    void errors()
    {
        QTemporaryDir dir;
        QString err;
        runCli({ "ingest", dir.path() + "/missing.pdf", "--db", dir.path() + "/s.moescope" }, 1, &err);
        QVERIFY2(err.contains("missing.pdf"), qPrintable(err));
        QFile junk(dir.path() + "/junk.moescope");
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a session at all, just text that is long enough to be a header........................");
        junk.close();
        runCli({ "search", "--db", junk.fileName(), "--query", "x" }, 1, &err);
        QVERIFY2(err.contains("not a MoEScope session"), qPrintable(err));
        runCli({ "search", "--db", dir.path() + "/s.moescope" }, 1, &err);
        QVERIFY2(err.contains("--query"), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestCliDocs)
#include "tst_cli_docs.moc"
