// moescope-cli make-sample-report: files written where asked (truth beside the PDF by default), the JSON summary on
// stdout, identical bytes for the same seed, and a one-line error with a non-zero exit for bad options.

#include "testsupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run cli(const QStringList& args)
{
    QProcess p;
    p.start(moescope::test::cliPath(), args);
    Run r;
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QByteArray sha(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestCliMakeSampleReport : public QObject {
    Q_OBJECT

private slots:
    void writesPdfAndDefaultTruth()
    {
        QTemporaryDir dir;
        const QString pdf = dir.filePath(QStringLiteral("sample.pdf"));
        const Run r = cli({ QStringLiteral("make-sample-report"), QStringLiteral("--out"), pdf,
            QStringLiteral("--seed"), QStringLiteral("4") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(QStringLiteral("pdf")).toString(), pdf);
        const QString truth = dir.filePath(QStringLiteral("sample.truth.json"));
        QCOMPARE(summary.value(QStringLiteral("truth")).toString(), truth);
        QVERIFY(summary.value(QStringLiteral("pages")).toInt() >= 120);
        QCOMPARE(summary.value(QStringLiteral("seed")).toInt(), 4);
        QVERIFY(QFile::exists(truth));
        QFile t(truth);
        QVERIFY(t.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(t.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("page_count")).toInt(), summary.value(QStringLiteral("pages")).toInt());
        QFile p(pdf);
        QVERIFY(p.open(QIODevice::ReadOnly));
        QVERIFY(p.read(8).startsWith("%PDF-1.4"));
    }

    void sameSeedSameBytes()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.pdf")), b = dir.filePath(QStringLiteral("b.pdf"));
        const QString truth = dir.filePath(QStringLiteral("custom.json"));
        QCOMPARE(cli({ QStringLiteral("make-sample-report"), QStringLiteral("--out"), a, QStringLiteral("--seed=9") })
                     .exitCode,
            0);
        QCOMPARE(cli({ QStringLiteral("make-sample-report"), QStringLiteral("--out"), b, QStringLiteral("--seed"),
                         QStringLiteral("9"), QStringLiteral("--truth"), truth })
                     .exitCode,
            0);
        QCOMPARE(sha(a), sha(b));
        QVERIFY(!sha(a).isEmpty());
        QCOMPARE(sha(dir.filePath(QStringLiteral("a.truth.json"))), sha(truth));
    }

    void rejectsBadOptions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no --out") << QStringList {};
        QTest::newRow("negative seed") << QStringList { QStringLiteral("--out"), QStringLiteral("x.pdf"),
            QStringLiteral("--seed"), QStringLiteral("-3") };
        QTest::newRow("seed not a number") << QStringList { QStringLiteral("--out"), QStringLiteral("x.pdf"),
            QStringLiteral("--seed"), QStringLiteral("abc") };
        QTest::newRow("unknown option") << QStringList { QStringLiteral("--out"), QStringLiteral("x.pdf"),
            QStringLiteral("--pages"), QStringLiteral("3") };
        QTest::newRow("unwritable") << QStringList { QStringLiteral("--out"),
            QStringLiteral("/nonexistent-dir/x.pdf") };
        QTest::newRow("truth equals out") << QStringList { QStringLiteral("--out"), QStringLiteral("x.pdf"),
            QStringLiteral("--truth"), QStringLiteral("x.pdf") };
    }
    void rejectsBadOptions()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(moescope::test::cliPath(), QStringList { QStringLiteral("make-sample-report") } + args);
        QVERIFY(p.waitForFinished(120000));
        QVERIFY(p.exitCode() != 0);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("make-sample-report: error:"), err.constData());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.pdf"))));
    }
};

QTEST_GUILESS_MAIN(TestCliMakeSampleReport)
#include "tst_cli_makesamplereport.moc"
