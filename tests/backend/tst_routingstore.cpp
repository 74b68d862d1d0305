// Routing traces in a session: save + load round trip (arrays bit for bit, aggregates equal, sections and pages kept,
// 8- and 16-bit expert ids, with and without router entropy), the lazy summary, and damaged stored data (truncated,
// missing or mistyped BLOB parts, out-of-range expert ids, malformed parameters): each a FormatError naming the part,
// never a crash.

#include "eval/routingrecorder.h"
#include "eval/routingtracestore.h"
#include "routingtesthelpers.h"

#include "core/error.h"
#include "store/sessionstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace moescope;
using moescope::test::makeRandomTrace;

namespace {

std::vector<RoutingSegment> sectionsOf(std::size_t n)
{
    return { { "front", "Front matter", 0, 10, 0, 0 }, { "1", "Business", 10, n / 2, 0, 1 },
        { "1A", "Risk, \"quoted\" Factors", n / 2, n, 1, 2 } };
}

std::vector<RoutingSegment> pagesOf(std::size_t n)
{
    return { { "0", "page 1", 0, n / 3, 0, 0 }, { "1", "page 2", n / 3, n / 3, 1, 1 },
        { "2", "page 3", n / 3, n, 2, 2 } };
}

void sql(SessionStore& s, const std::string& statement)
{
    char* error = nullptr;
    if (sqlite3_exec(s.database().handle(), statement.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "?";
        sqlite3_free(error);
        QFAIL(message.c_str());
    }
}

void expectFormatError(SessionStore& s, std::int64_t run, const char* needle, bool summary = false)
{
    try {
        if (summary)
            loadRoutingSummary(s, run);
        else
            loadRoutingTrace(s, run);
        QFAIL(("no error for " + std::string(needle)).c_str());
    } catch (const FormatError& e) {
        if (!QString(e.what()).contains(needle))
            QFAIL(("message '" + std::string(e.what()) + "' lacks '" + needle + "'").c_str());
    }
}

} // namespace

class TestRoutingStore : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("experts");
        QTest::addColumn<bool>("entropy");
        QTest::newRow("64 experts, router entropy") << 64 << true;
        QTest::newRow("16 experts, no router entropy") << 16 << false;
        QTest::newRow("300 experts (16-bit ids)") << 300 << true;
    }
    void roundTrip()
    {
        QFETCH(int, experts);
        QFETCH(bool, entropy);
        QTemporaryDir dir;
        const std::size_t n = 2500;
        RoutingTrace trace = makeRandomTrace(n, { 1, 2, 7 }, 4, experts, 13, 300, entropy);
        trace.info().modelPath = "/models/demo";
        trace.info().modelName = "demo";
        trace.info().modelType = "deepseek_v2";
        trace.info().dtype = "bf16";
        trace.info().window = 1024;
        trace.info().stride = 512;
        trace.info().source = "document:1";
        const auto aggregates = RoutingAggregates::build(trace, sectionsOf(n), pagesOf(n));

        SessionStore s = SessionStore::create((dir.path() + "/s.moescope").toStdString(), "t");
        const auto run = saveRoutingRun(s, trace, aggregates, std::nullopt);
        QCOMPARE(s.run(run)->status, std::string("complete"));
        QCOMPARE(s.run(run)->kind, std::string("routing"));
        QCOMPARE(s.runValues(run, "section").size(), std::size_t(3));
        QCOMPARE(s.runValues(run, "section")[2].count, std::int64_t(n - n / 2));

        const RoutingTrace back = loadRoutingTrace(s, run);
        QCOMPARE(back.tokenCount(), n);
        QCOMPARE(back.moeLayers(), trace.moeLayers());
        QCOMPARE(back.k(), 4);
        QCOMPARE(back.numExperts(), experts);
        QVERIFY(std::equal(back.tokenIds().begin(), back.tokenIds().end(), trace.tokenIds().begin()));
        QVERIFY(std::equal(back.offsets().begin(), back.offsets().end(), trace.offsets().begin()));
        for (int slot = 0; slot < 3; ++slot) {
            if (trace.wideIds())
                QVERIFY(std::ranges::equal(back.ids16(slot), trace.ids16(slot)));
            else
                QVERIFY(std::ranges::equal(back.ids8(slot), trace.ids8(slot)));
            QVERIFY(std::ranges::equal(back.weightsHalf(slot), trace.weightsHalf(slot)));
            QVERIFY(std::ranges::equal(back.routerEntropyHalf(slot), trace.routerEntropyHalf(slot)));
        }
        QCOMPARE(back.info().modelName, std::string("demo"));
        QCOMPARE(back.info().window, std::int64_t(1024));
        QCOMPARE(back.info().routerEntropyKind, entropy ? RouterEntropyKind::Softmax : RouterEntropyKind::None);

        const StoredRoutingRun summary = loadRoutingSummary(s, run);
        QCOMPARE(summary.tokens, n);
        QCOMPARE(summary.aggregates.sections().size(), std::size_t(3));
        QCOMPARE(summary.aggregates.sections()[2].title, std::string("Risk, \"quoted\" Factors"));
        QCOMPARE(summary.aggregates.pages().size(), std::size_t(3));
        QCOMPARE(summary.aggregates.pages()[1].tokens(), std::size_t(0));
        for (int slot = 0; slot < 3; ++slot) {
            const auto& x = summary.aggregates.layer(slot);
            const auto& y = aggregates.layer(slot);
            QCOMPARE(x.counts, y.counts);
            QCOMPARE(x.top1Counts, y.top1Counts);
            QCOMPARE(x.weightMass, y.weightMass);
            QCOMPARE(x.pairCounts, y.pairCounts);
            QCOMPARE(summary.aggregates.coactivation(slot), aggregates.coactivation(slot));
            QCOMPARE(x.sectionCounts, y.sectionCounts);
            QCOMPARE(x.pageCounts, y.pageCounts);
            QCOMPARE(x.topkEntropySum, y.topkEntropySum);
            QCOMPARE(x.routerEntropySum, y.routerEntropySum);
            QCOMPARE(x.persistenceSame, y.persistenceSame);
            QCOMPARE(summary.aggregates.sectionSpecialisation(slot), aggregates.sectionSpecialisation(slot));
        }
        // Rebuilding from the loaded trace gives the stored aggregates.
        const auto rebuilt = RoutingAggregates::build(back, sectionsOf(n), pagesOf(n));
        QCOMPARE(rebuilt.layer(1).pairCounts, aggregates.layer(1).pairCounts);
        QCOMPARE(rebuilt.layer(2).topkEntropySum, aggregates.layer(2).topkEntropySum);
    }

    void partialRunIsMarkedCancelled()
    {
        QTemporaryDir dir;
        RoutingRecorder recorder(RoutingTrace({ 0 }, 1, 4, { 1, 2, 3 }, {}));
        const std::int32_t ids[] = { 2 };
        const float w[] = { 1 };
        recorder.onRouting({ 0, 0, 1, 1, 4, ids, w, nullptr });
        auto [trace, aggregates] = std::move(recorder).finish();
        SessionStore s = SessionStore::create((dir.path() + "/s.moescope").toStdString(), "t");
        const auto run = saveRoutingRun(s, trace, aggregates, std::nullopt, true);
        QCOMPARE(s.run(run)->status, std::string("cancelled"));
        QCOMPARE(loadRoutingTrace(s, run).tokenCount(), std::size_t(1));
    }

    void damagedData()
    {
        QTemporaryDir dir;
        const std::size_t n = 500;
        const RoutingTrace trace = makeRandomTrace(n, { 3, 4 }, 2, 8, 1, 100, true);
        const auto aggregates = RoutingAggregates::build(trace, sectionsOf(n), pagesOf(n));
        SessionStore s = SessionStore::create((dir.path() + "/s.moescope").toStdString(), "t");
        const auto save = [&] { return saveRoutingRun(s, trace, aggregates, std::nullopt); };

        // Truncated per-token part.
        auto run = save();
        sql(s,
            "UPDATE run_blobs SET data = substr(data, 1, 100) WHERE run_id = " + std::to_string(run)
                + " AND name = 'layer.4.weights'");
        expectFormatError(s, run, "layer.4.weights");
        QVERIFY(loadRoutingSummary(s, run).tokens == n); // the summary does not read it

        // Truncated data whose recorded size still claims the full length.
        run = save();
        sql(s,
            "UPDATE run_blobs SET data = zeroblob(10) WHERE run_id = " + std::to_string(run)
                + " AND name = 'token_ids'");
        expectFormatError(s, run, "token_ids");

        // Missing part.
        run = save();
        sql(s, "DELETE FROM run_blobs WHERE run_id = " + std::to_string(run) + " AND name = 'layer.3.ids'");
        expectFormatError(s, run, "layer.3.ids");

        // Wrong element type.
        run = save();
        sql(s,
            "UPDATE run_blobs SET dtype = 'u16' WHERE run_id = " + std::to_string(run) + " AND name = 'layer.3.ids'");
        expectFormatError(s, run, "layer.3.ids");

        // An expert id out of range (8 experts): byte 0 set to 200.
        run = save();
        sql(s,
            "UPDATE run_blobs SET data = X'C8' || substr(data, 2) WHERE run_id = " + std::to_string(run)
                + " AND name = 'layer.3.ids'");
        expectFormatError(s, run, "expert id");

        // A negative count in the aggregates.
        run = save();
        sql(s,
            "UPDATE run_blobs SET data = X'FFFFFFFF' || substr(data, 5) WHERE run_id = " + std::to_string(run)
                + " AND name = 'agg.section_counts'");
        expectFormatError(s, run, "agg.section_counts", true);

        // Co-activation that disagrees with the counts.
        run = save();
        sql(s,
            "UPDATE run_blobs SET data = X'05000000' || substr(data, 5) WHERE run_id = " + std::to_string(run)
                + " AND name = 'agg.coactivation'");
        expectFormatError(s, run, "agg.coactivation", true);

        // Malformed parameters.
        run = save();
        sql(s,
            "UPDATE analysis_runs SET params_json = '{\"format\": 1, \"layers\": \"x\"}' WHERE id = "
                + std::to_string(run));
        expectFormatError(s, run, "layers");
        run = save();
        sql(s,
            "UPDATE analysis_runs SET params_json = json_set(params_json, '$.tokens', 1e12) WHERE id = "
                + std::to_string(run));
        expectFormatError(s, run, "tokens");
        run = save();
        sql(s,
            "UPDATE analysis_runs SET params_json = json_set(params_json, '$.sections[1].tokens', json('[5, 2]')) "
            "WHERE id = "
                + std::to_string(run));
        expectFormatError(s, run, "segment", true);

        // A run left "running" by a crash is refused; other kinds and missing runs are argument errors.
        run = save();
        sql(s, "UPDATE analysis_runs SET status = 'running' WHERE id = " + std::to_string(run));
        expectFormatError(s, run, "not complete");
        const auto other = s.createRun("perplexity", std::nullopt, "m", "{}");
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, loadRoutingTrace(s, other));
        QVERIFY_THROWS_EXCEPTION(InvalidArgumentError, loadRoutingTrace(s, 9999));
    }
};

QTEST_APPLESS_MAIN(TestRoutingStore)
#include "tst_routingstore.moc"
