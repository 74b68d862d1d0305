// safetensors reader/writer: round trip, sharded checkpoints, and hostile files (each a typed error naming the
// file and tensor, never a crash). Run under AddressSanitizer with -DMOESCOPE_SANITIZE=ON.

#include "core/error.h"
#include "io/safetensorscheckpoint.h"
#include "io/safetensorsfile.h"
#include "io/safetensorswriter.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

using namespace moescope;

namespace {

std::vector<std::byte> floats(std::initializer_list<float> values)
{
    std::vector<std::byte> out(values.size() * 4);
    std::memcpy(out.data(), values.begin(), out.size());
    return out;
}

// A file with the given header text and data bytes, as the format lays it out.
void writeRaw(const std::string& path, const std::string& header, std::size_t dataBytes, std::uint64_t headerLen = 0)
{
    std::ofstream f(path, std::ios::binary);
    const std::uint64_t n = headerLen ? headerLen : header.size();
    for (int i = 0; i < 8; ++i)
        f.put(static_cast<char>((n >> (8 * i)) & 0xff));
    f << header;
    f << std::string(dataBytes, '\x01');
}

template <typename E>
QString expectError(const std::function<void()>& body)
{
    try {
        body();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("WRONG TYPE: ") + e.what();
    }
    return QStringLiteral("NO ERROR");
}

} // namespace

class SafetensorsTest : public QObject {
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const auto path = (dir.path() + "/t.safetensors").toStdString();
        SafetensorsWriter w;
        const auto a = floats({ 1.5f, -2.f, 3.25f, 4.f, 5.f, 6.f });
        std::vector<std::byte> b(3);
        b[0] = std::byte { 7 };
        b[1] = std::byte { 8 };
        b[2] = std::byte { 9 };
        w.add("a.weight", DType::F32, { 2, 3 }, a);
        w.addOwned("b", DType::U8, { 3 }, b);
        w.addOwned("empty", DType::BF16, { 0, 4 }, {});
        w.setMetadata("format", "pt");
        w.write(path);

        const SafetensorsFile f(path);
        QCOMPARE(f.tensors().size(), std::size_t(3));
        QCOMPARE(f.metadata().at("format"), std::string("pt"));
        const auto* ai = f.find("a.weight");
        QVERIFY(ai);
        QCOMPARE(ai->shape, (std::vector<std::int64_t> { 2, 3 }));
        QCOMPARE(ai->dtype, DType::F32);
        QVERIFY(std::memcmp(f.data(*ai).data(), a.data(), a.size()) == 0);
        QCOMPARE(reinterpret_cast<std::uintptr_t>(f.data(*ai).data()) % 4, std::uintptr_t(0)); // aligned
        const auto* bi = f.find("b");
        QVERIFY(std::memcmp(f.data(*bi).data(), b.data(), 3) == 0);
        QCOMPARE(f.find("empty")->byteSize(), std::uint64_t(0));
        QVERIFY(!f.find("missing"));
    }

    void writerRejectsInconsistentTensors()
    {
        SafetensorsWriter w;
        const auto a = floats({ 1, 2, 3 });
        QVERIFY(expectError<InvalidArgumentError>([&] { w.add("x", DType::F32, { 2, 2 }, a); }).contains("need 16"));
        w.add("x", DType::F32, { 3 }, a);
        QVERIFY(expectError<InvalidArgumentError>([&] { w.add("x", DType::F32, { 3 }, a); }).contains("twice"));
    }

    void writeToUnwritablePlaceFailsCleanly()
    {
        SafetensorsWriter w;
        w.addOwned("x", DType::F32, { 1 }, floats({ 1 }));
        const auto msg = expectError<IoError>([&] { w.write("/nonexistent-folder/x.safetensors"); });
        QVERIFY2(msg.contains("/nonexistent-folder/x.safetensors"), qPrintable(msg));
    }

    void hostileFiles_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<qulonglong>("declaredLength");
        QTest::addColumn<QString>("expected");
        const QString ok = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        QTest::newRow("header length past end") << ok << 8 << qulonglong(5000) << "runs past the end";
        QTest::newRow("header length huge") << ok << 8 << qulonglong(1ull << 40) << "out of bounds";
        QTest::newRow("not json") << "{this is not json}" << 0 << qulonglong(0) << "invalid JSON";
        QTest::newRow("non-UTF-8 name") << QString::fromLatin1("{\"t\xff\":1}") << 0 << qulonglong(0)
                                         << "invalid JSON";
        QTest::newRow("array header") << "[1,2]" << 0 << qulonglong(0) << "not a JSON object";
        QTest::newRow("truncated data") << ok << 4 << qulonglong(0) << "file truncated?";
        QTest::newRow("offsets past data")
            << R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})" << 8 << qulonglong(0)
            << "is past the end of the data";
        QTest::newRow("unknown dtype") << R"({"t":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})" << 8
                                       << qulonglong(0) << "unsupported dtype 'Q4'";
        QTest::newRow("shape/offset mismatch") << R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})" << 12
                                               << qulonglong(0) << "need 12 bytes but data_offsets span 8";
        QTest::newRow("negative dim") << R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})" << 8
                                      << qulonglong(0) << "non-negative";
        QTest::newRow("begin after end") << R"({"t":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})" << 8
                                         << qulonglong(0) << "is after end";
        QTest::newRow("overlap")
            << R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})"
            << 12 << qulonglong(0) << "overlaps";
        QTest::newRow("huge shape") << R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})"
                                    << 8 << qulonglong(0) << "more bytes than the file holds";
        QTest::newRow("offsets not integers") << R"({"t":{"dtype":"F32","shape":[2],"data_offsets":["0","8"]}})"
                                              << 8 << qulonglong(0) << "non-negative integers";
        QTest::newRow("metadata not strings") << R"({"__metadata__":{"a":1}})" << 0 << qulonglong(0)
                                              << "is not a string";
    }

    void hostileFiles()
    {
        QFETCH(QString, header);
        QFETCH(int, dataBytes);
        QFETCH(qulonglong, declaredLength);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const auto path = (dir.path() + "/bad.safetensors").toStdString();
        writeRaw(path, header.toLatin1().toStdString(), static_cast<std::size_t>(dataBytes), declaredLength);
        QString msg;
        try {
            SafetensorsFile f(path);
            msg = "NO ERROR";
        } catch (const FormatError& e) {
            msg = e.what();
        } catch (const UnsupportedError& e) {
            msg = e.what();
        }
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.contains("bad.safetensors"), qPrintable("error does not name the file: " + msg));
    }

    void tooShortAndMissing()
    {
        QTemporaryDir dir;
        const auto path = (dir.path() + "/short.safetensors").toStdString();
        std::ofstream(path) << "abc";
        QVERIFY(expectError<FormatError>([&] { SafetensorsFile f(path); }).contains("shorter than"));
        QVERIFY(expectError<IoError>([&] { SafetensorsFile f(dir.path().toStdString() + "/none.safetensors"); })
                    .contains("cannot open"));
    }

    void shardedCheckpoint()
    {
        QTemporaryDir dir;
        const auto d = dir.path().toStdString();
        SafetensorsWriter a, b;
        a.addOwned("x", DType::F32, { 1 }, floats({ 1 }));
        b.addOwned("y", DType::F32, { 1 }, floats({ 2 }));
        a.write(d + "/model-00001-of-00002.safetensors");
        b.write(d + "/model-00002-of-00002.safetensors");
        auto writeIndex = [&](const std::string& text) { std::ofstream(d + "/model.safetensors.index.json") << text; };
        writeIndex(R"({"metadata":{},"weight_map":{"x":"model-00001-of-00002.safetensors","y":"model-00002-of-00002.safetensors"}})");
        {
            const SafetensorsCheckpoint c(d);
            QVERIFY(c.contains("x") && c.contains("y"));
            QCOMPARE(c.names().size(), std::size_t(2));
            QCOMPARE(c.files().size(), std::size_t(2));
        }
        writeIndex(R"({"weight_map":{"x":"model-00001-of-00002.safetensors","z":"model-00003-of-00003.safetensors"}})");
        QVERIFY(expectError<IoError>([&] { SafetensorsCheckpoint c(d); }).contains("missing shard 'model-00003"));
        writeIndex(R"({"weight_map":{"x":"model-00001-of-00002.safetensors","q":"model-00002-of-00002.safetensors"}})");
        QVERIFY(expectError<FormatError>([&] { SafetensorsCheckpoint c(d); }).contains("tensor 'q'"));
        writeIndex(R"({"weight_map":{"x":"../etc/passwd"}})");
        QVERIFY(expectError<FormatError>([&] { SafetensorsCheckpoint c(d); }).contains("invalid shard name"));
        writeIndex("{not json");
        QVERIFY(expectError<FormatError>([&] { SafetensorsCheckpoint c(d); }).contains("model.safetensors.index.json"));
    }

    void duplicateTensorAcrossFiles()
    {
        QTemporaryDir dir;
        const auto d = dir.path().toStdString();
        SafetensorsWriter a;
        a.addOwned("x", DType::F32, { 1 }, floats({ 1 }));
        a.write(d + "/a.safetensors");
        a.write(d + "/b.safetensors");
        QVERIFY(expectError<FormatError>([&] { SafetensorsCheckpoint c(d); }).contains("appears in both"));
    }
};

QTEST_GUILESS_MAIN(SafetensorsTest)
#include "tst_safetensors.moc"
