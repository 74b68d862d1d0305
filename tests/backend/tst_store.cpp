// Session store: schema migration from an old version, hostile files (foreign, corrupt, truncated, newer) left byte
// for byte unchanged, crash safety (a writer process killed with SIGKILL mid-write), export/import round trip,
// analysis runs with BLOB parts, the session library.
// The executable doubles as the writer process: "tst_store --writer DB" writes batches until killed.

#include "testsupport.h"

#include "core/error.h"
#include "docs/textreader.h"
#include "store/sessionfilecheck.h"
#include "store/sessionlibrary.h"
#include "store/sessionschema.h"
#include "store/sessionstore.h"
#include "store/sqlitedatabase.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <iostream>

using namespace moescope;

namespace {

constexpr int kBatchRows = 200;

std::string fileBytes(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writer for the crash test: each transaction adds one run with kBatchRows values and a 64 KiB BLOB part, then
// prints the number of committed batches.
int runWriter(const char* path)
{
    SessionStore store = SessionStore::openOrCreate(path);
    for (int batch = 1;; ++batch) {
        const std::int64_t run
            = store.createRun("crash-test", std::nullopt, "", "{\"batch\": " + std::to_string(batch) + "}");
        std::vector<RunValue> values;
        for (int i = 0; i < kBatchRows; ++i)
            values.push_back({ std::to_string(i), double(batch), i });
        store.saveRunValues(run, "rows", values);
        std::vector<std::uint16_t> blob(32768, std::uint16_t(batch));
        store.saveArray<std::uint16_t>(run, "data", BlobType::U16, blob);
        store.updateRun(run, "complete", "{}");
        std::cout << batch << std::endl;
    }
}

Document smallDocument()
{
    return TextReader::fromText("Item 1. Business\nWe make widgets.\n\fItem 7. Management's Discussion\nSales grew.\n",
        "widgets.txt", { "abc", 10, 1 }, {});
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private slots:
    void createAndReopen()
    {
        QTemporaryDir dir;
        const std::filesystem::path p = (dir.path() + "/s.moescope").toStdString();
        {
            SessionStore s = SessionStore::create(p, "My session");
            QCOMPARE(s.schemaVersion(), SessionSchema::latestVersion());
            s.setModel({ "/models/x", "int8", "cuda:0" });
            QCOMPARE(s.database().queryText("PRAGMA journal_mode"), std::string("wal"));
            QCOMPARE(s.database().queryInt("PRAGMA foreign_keys"), 1);
            QVERIFY_THROWS_EXCEPTION(IoError, SessionStore::create(p, "again"));
        }
        SessionStore s = SessionStore::open(p);
        QCOMPARE(s.name(), std::string("My session"));
        QCOMPARE(s.model().quantization, std::string("int8"));
        QCOMPARE(s.database().queryInt("PRAGMA application_id"), std::int64_t(kSessionApplicationId));
    }

    void migrateFromVersion1()
    {
        QTemporaryDir dir;
        const std::filesystem::path p = (dir.path() + "/old.moescope").toStdString();
        {
            // A v1 session as an older MoEScope wrote it: schema v1 only, one document with a page.
            SqliteDatabase db(p, SqliteDatabase::Mode::ReadWriteCreate);
            db.exec("PRAGMA journal_mode = WAL");
            SessionSchema::migrate(db, 1);
            QCOMPARE(db.queryInt("PRAGMA user_version"), 1);
            db.exec("INSERT INTO session_meta VALUES ('name', 'old'), ('created_at', 'x'), ('modified_at', 'x');"
                    "INSERT INTO documents(id, path, file_name, sha256, size, mtime, format, page_count, added_at) "
                    "VALUES (1, '/r.pdf', 'r.pdf', 'ff', 1, 1, 'pdf', 1, 'x');"
                    "INSERT INTO pages(document_id, page_no, text_offset, text) VALUES (1, 0, 0, 'legacy widgets');");
            QVERIFY_THROWS_EXCEPTION(Error, db.exec("SELECT * FROM analysis_runs"));
        }
        SessionStore s = SessionStore::open(p);
        QCOMPARE(s.schemaVersion(), 2);
        QCOMPARE(s.name(), std::string("old"));
        QCOMPARE(s.page(1, 0).text, std::string("legacy widgets"));
        QCOMPARE(s.database().queryInt("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'widget'"), 1);
        const auto run = s.createRun("perplexity", 1, "m", "{}"); // v2 tables work
        QVERIFY(run > 0);
    }

    void hostileFilesAreRefusedAndUntouched_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("text file") << "text";
        QTest::newRow("foreign SQLite database") << "foreign";
        QTest::newRow("truncated session") << "truncated";
        QTest::newRow("corrupt session (garbage after the header)") << "corrupt";
        QTest::newRow("session from a newer MoEScope") << "newer";
        QTest::newRow("empty file") << "empty";
    }
    void hostileFilesAreRefusedAndUntouched()
    {
        QFETCH(QString, kind);
        QTemporaryDir dir;
        const std::filesystem::path p = (dir.path() + "/x.moescope").toStdString();
        if (kind == "text") {
            std::ofstream(p) << "hello, I am not a database\n" << std::string(5000, 'x');
        } else if (kind == "empty") {
            std::ofstream(p).flush();
        } else if (kind == "foreign") {
            sqlite3* db = nullptr;
            sqlite3_open(p.string().c_str(), &db);
            sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr);
            sqlite3_close(db);
        } else {
            {
                SessionStore s = SessionStore::create(p, "victim");
                for (int i = 0; i < 20; ++i)
                    s.addHistory("search", std::string(2000, 'q'), "{}");
                if (kind == "newer")
                    s.database().exec("PRAGMA user_version = 99");
            }
            std::string bytes = fileBytes(p);
            if (kind == "truncated")
                bytes.resize(bytes.size() / 2);
            if (kind == "corrupt")
                for (std::size_t i = 100; i < bytes.size(); ++i)
                    bytes[i] = char(i * 7919 % 251);
            std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
        }
        const std::string before = fileBytes(p);
        try {
            SessionStore::open(p);
            QFAIL("opened a file that is not a valid session");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(p.string()) != std::string::npos, e.what());
            if (kind == "newer")
                QVERIFY(dynamic_cast<const UnsupportedError*>(&e));
        }
        QCOMPARE(fileBytes(p), before); // byte for byte
        QVERIFY(!std::filesystem::exists(p.string() + "-wal"));
    }

    void crashSafety()
    {
        QTemporaryDir dir;
        const QString db = dir.path() + "/crash.moescope";
        int lastSeen = 0;
        for (int round = 0; round < 3; ++round) {
            QProcess writer;
            writer.start(QCoreApplication::applicationFilePath(), { "--writer", db });
            QVERIFY(writer.waitForStarted());
            // Let it commit a few batches (more each round), then kill it mid-write.
            const int target = lastSeen + 5 + round * 3;
            int committed = lastSeen;
            QElapsedTimer timer;
            timer.start();
            while (committed < target && timer.elapsed() < 60000) {
                writer.waitForReadyRead(1000);
                while (writer.canReadLine())
                    committed = writer.readLine().trimmed().toInt();
            }
            QVERIFY(committed >= target);
            QTest::qWait(7 * round); // vary the moment of the kill
            writer.kill(); // SIGKILL
            QVERIFY(writer.waitForFinished());
            while (writer.canReadLine()) // lines printed before the kill
                committed = std::max(committed, writer.readLine().trimmed().toInt());

            SessionStore s = SessionStore::open(db.toStdString());
            QCOMPARE(s.database().queryText("PRAGMA integrity_check"), std::string("ok"));
            const auto runs = s.runs("crash-test");
            int complete = 0;
            for (const auto& r : runs) {
                // Each batch is whole: all rows and the BLOB, or (a batch in flight) whatever committed so far,
                // which is itself consistent: values come in one transaction, the BLOB in another.
                const auto values = s.runValues(r.id, "rows");
                QVERIFY(values.empty() || int(values.size()) == kBatchRows);
                if (r.status == "complete") {
                    ++complete;
                    QCOMPARE(int(values.size()), kBatchRows);
                    const auto data = s.loadArray<std::uint16_t>(r.id, "data", BlobType::U16);
                    QCOMPARE(int(data.size()), 32768);
                    QCOMPARE(int(data.front()), int(values.front().value));
                }
            }
            QVERIFY2(complete >= committed,
                qPrintable(QStringLiteral("%1 complete < %2 reported").arg(complete).arg(committed)));
            lastSeen = complete;
        }
    }

    void documentsBlobsAndExport()
    {
        QTemporaryDir dir;
        const std::filesystem::path p = (dir.path() + "/a.moescope").toStdString();
        SessionStore s = SessionStore::create(p, "a");
        DocumentStructure st;
        st.sections.push_back({ "1", "I", "Business", 0, 0, 0 });
        FinancialFigures figs;
        figs.figures.push_back({ "net_income", 2022, 12.5, 1, "Net income", "millions", false, "" });
        const std::int64_t doc = s.addDocument(smallDocument(), st, figs, { { 0, 10, 0, 0, "1", 10 } });
        QCOMPARE(s.pages(doc).size(), std::size_t(2));
        QCOMPARE(s.figures(doc).find("net_income", 2022)->value, 12.5);
        QCOMPARE(s.structure(doc).sections.front().title, std::string("Business"));
        QCOMPARE(s.chunks(doc).size(), std::size_t(1));

        // A routing-trace-like run: uint8 expert ids, float16 weights; partial reads without loading everything.
        const std::int64_t run = s.createRun("routing", doc, "demo", "{\"k\": 2}");
        std::vector<std::uint8_t> ids(1000);
        for (std::size_t i = 0; i < ids.size(); ++i)
            ids[i] = std::uint8_t(i % 64);
        s.saveArray<std::uint8_t>(run, "expert_ids", BlobType::U8, ids, { 500, 2 });
        std::vector<std::uint16_t> w;
        for (float f : { 0.5f, 0.25f, 1.0f / 3, -2.0f, 65504.0f, 1e-6f })
            w.push_back(floatToHalf(f));
        s.saveArray<std::uint16_t>(run, "weights", BlobType::F16, w);
        QCOMPARE(halfToFloat(w[0]), 0.5f);
        QVERIFY(std::abs(halfToFloat(w[2]) - 1.0f / 3) < 1e-3f);
        QCOMPARE(halfToFloat(w[4]), 65504.0f);
        QVERIFY(std::abs(halfToFloat(w[5]) - 1e-6f) < 1e-7f);
        std::vector<std::byte> part(10);
        s.readBlobRange(run, "expert_ids", 64, part);
        QCOMPARE(int(part[1]), 1);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, s.loadArray<std::uint16_t>(run, "expert_ids", BlobType::U16));
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgumentError, s.saveBlob(run, "bad", BlobType::F32, { 3 }, std::as_bytes(std::span(ids))));
        s.saveRunValues(run, "page", { { "0", 3.5, 10 }, { "1", 4.5, 12 } });
        s.addHistory("search", "widgets", "[]", doc);

        // Export, then import into a library: everything comes back.
        const std::filesystem::path exported = (dir.path() + "/export.moescope").toStdString();
        s.exportTo(exported);
        QVERIFY(!std::filesystem::exists(exported.string() + "-wal"));
        SessionLibrary lib((dir.path() + "/lib").toStdString());
        const auto imported = lib.importFrom(exported);
        SessionStore t = SessionStore::open(imported);
        QCOMPARE(t.name(), std::string("a"));
        QCOMPARE(t.loadArray<std::uint8_t>(run, "expert_ids", BlobType::U8), ids);
        QCOMPARE(t.blobs(run).front().shape, (std::vector<std::int64_t> { 500, 2 }));
        QCOMPARE(t.runValues(run, "page").back().value, 4.5);
        QCOMPARE(t.history().front().query, std::string("widgets"));
        QCOMPARE(t.database().queryInt("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'widgets'"), 1);
        // Deleting the document cascades to its pages, runs and index entries.
        t.removeDocument(doc);
        QCOMPARE(t.database().queryInt("SELECT count(*) FROM pages"), 0);
        QCOMPARE(t.runs().size(), std::size_t(0));
        QCOMPARE(t.database().queryInt("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'widgets'"), 0);
    }

    void movedAndChangedFiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path doc = (dir.path() + "/r.txt").toStdString();
        std::ofstream(doc) << "Item 1. Business\nWidgets.\n";
        SessionStore s = SessionStore::create((dir.path() + "/s.moescope").toStdString(), "s");
        const Document d = TextReader().read(doc, {});
        const auto id = s.addDocument(d, {}, {});
        QCOMPARE(s.checkDocumentFile(id), DocumentFileState::Unchanged);
        const std::filesystem::path moved = (dir.path() + "/moved.txt").toStdString();
        std::filesystem::rename(doc, moved);
        QCOMPARE(s.checkDocumentFile(id), DocumentFileState::Missing);
        s.relocateDocument(id, moved);
        QCOMPARE(s.checkDocumentFile(id), DocumentFileState::Unchanged);
        std::ofstream(moved, std::ios::app) << "Edited.\n";
        QCOMPARE(s.checkDocumentFile(id), DocumentFileState::Changed);
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, s.relocateDocument(id, moved));
    }

    void library()
    {
        QTemporaryDir dir;
        SessionLibrary lib(dir.path().toStdString());
        const auto a = lib.create("Quarterly review");
        const auto b = lib.duplicate(a, "Copy of review");
        const auto c = lib.rename(a, "Renamed review");
        QVERIFY(!std::filesystem::exists(a));
        std::ofstream(dir.path().toStdString() + "/junk.moescope") << "junk";
        const auto list = lib.list();
        QCOMPARE(list.size(), std::size_t(3));
        QStringList names, errors;
        for (const auto& i : list)
            (i.error.empty() ? names : errors) << QString::fromStdString(i.error.empty() ? i.name : i.error);
        names.sort();
        QCOMPARE(names, (QStringList { "Copy of review", "Renamed review" }));
        QCOMPARE(errors.size(), 1);
        lib.remove(b);
        QVERIFY(!std::filesystem::exists(b));
        QVERIFY(std::filesystem::exists(c));
        QVERIFY_THROWS_EXCEPTION(FormatError, lib.remove(dir.path().toStdString() + "/junk.moescope"));
    }

    // Renaming while another connection reads the session (the library's listing does, on its own thread): closing
    // the renaming connection then leaves its writes in the WAL, and the WAL of the old name is deleted after the
    // move. Everything written before must be in the renamed file: the new name and what the session already held
    // in its WAL (a stored history entry here).
    void renameWhileAnotherConnectionReads()
    {
        QTemporaryDir dir;
        SessionLibrary lib(dir.path().toStdString());
        const auto a = lib.create("Quarterly review");
        SqliteDatabase reader(a, SqliteDatabase::Mode::ReadOnly);
        QCOMPARE(reader.queryInt("SELECT count(*) FROM documents"), 0);
        {
            SessionStore s = SessionStore::open(a);
            s.addHistory("search", "net sales", "{}");
        }
        const auto renamed = lib.rename(a, "Renamed review");
        SessionStore s = SessionStore::open(renamed);
        QCOMPARE(QString::fromStdString(s.name()), QString("Renamed review"));
        const auto history = s.history();
        QCOMPARE(history.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(history.front().query), QString("net sales"));
    }
};

int main(int argc, char** argv)
{
    if (argc == 3 && std::string(argv[1]) == "--writer")
        return runWriter(argv[2]);
    QCoreApplication app(argc, argv);
    TestStore t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_store.moc"
