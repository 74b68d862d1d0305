// SessionStore: documents, pages, structure, figures and chunks.

#include <cstdint>
#include "store/sessionstore.h"

#include "core/error.h"
#include "core/sha256.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace moescope {

namespace {

StoredDocument readDocument(SqliteStatement& st)
{
    return { st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3), std::uint64_t(st.columnInt(4)),
        st.columnInt(5), st.columnText(6), st.columnText(7), int(st.columnInt(8)), st.columnText(9),
        st.columnText(10) };
}

constexpr std::string_view kDocumentColumns
    = "id, path, file_name, sha256, size, mtime, format, title, page_count, metadata_json, added_at";

std::int64_t fileMtime(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (ec)
        return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(t).time_since_epoch())
        .count();
}

} // namespace

std::int64_t SessionStore::addDocument(const Document& document, const DocumentStructure& structure,
    const FinancialFigures& figures, const std::vector<Chunk>& chunks, const std::string& chunkSet)
{
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(document.sourcePath(), ec);
    const auto& meta = document.metadata();
    nlohmann::json metaJson = { { "author", meta.author }, { "producer", meta.producer },
        { "encrypted", meta.encrypted }, { "physical_pages", meta.physicalPages } };

    SqliteTransaction tx(*m_db);
    auto doc = m_db->prepare("INSERT INTO documents(path, file_name, sha256, size, mtime, format, title, page_count, "
                             "metadata_json, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    doc.bind(1, (ec ? document.sourcePath() : absolute).string())
        .bind(2, document.sourcePath().filename().string())
        .bind(3, document.identity().sha256)
        .bind(4, std::int64_t(document.identity().size))
        .bind(5, document.identity().mtime)
        .bind(6, meta.format)
        .bind(7, meta.title)
        .bind(8, document.pageCount())
        .bind(9, metaJson.dump())
        .bind(10, utcNow())
        .run();
    const std::int64_t id = m_db->lastInsertId();

    auto page = m_db->prepare("INSERT INTO pages(document_id, page_no, text_offset, width, height, section, text) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (int p = 0; p < document.pageCount(); ++p) {
        // The section in effect where the page starts; if that one ended on an earlier page, the first one
        // starting on this page.
        const Section* s = structure.sectionAt(document.pageOffset(p));
        if (!s || s->pageEnd < p)
            for (const auto& sec : structure.sections)
                if (sec.pageStart == p) {
                    s = &sec;
                    break;
                }
        page.bind(1, id)
            .bind(2, p)
            .bind(3, std::int64_t(document.pageOffset(p)))
            .bind(4, document.pageSize(p).width)
            .bind(5, document.pageSize(p).height)
            .bind(6, s ? s->item : std::string())
            .bind(7, document.pageText(p))
            .run();
    }

    auto section = m_db->prepare("INSERT INTO sections(document_id, kind, ordinal, item, part, title, page_start, "
                                 "page_end, text_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int ordinal = 0;
    for (const auto& p : structure.parts)
        section.bind(1, id)
            .bind(2, "part")
            .bind(3, ordinal++)
            .bind(4, "")
            .bind(5, p.part)
            .bind(6, "Part " + p.part)
            .bind(7, p.pageStart)
            .bind(8, p.pageEnd)
            .bind(9, std::int64_t(p.offset))
            .run();
    for (const auto& s : structure.sections)
        section.bind(1, id)
            .bind(2, "item")
            .bind(3, ordinal++)
            .bind(4, s.item)
            .bind(5, s.part)
            .bind(6, s.title)
            .bind(7, s.pageStart)
            .bind(8, s.pageEnd)
            .bind(9, std::int64_t(s.offset))
            .run();

    auto statement = m_db->prepare("INSERT INTO statements(document_id, kind, title, page_start, page_end, years_json, "
                                   "unit) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& s : figures.statements)
        statement.bind(1, id)
            .bind(2, statementKindName(s.kind))
            .bind(3, s.title)
            .bind(4, s.pageStart)
            .bind(5, s.pageEnd)
            .bind(6, nlohmann::json(s.years).dump())
            .bind(7, s.unit)
            .run();
    auto figure = m_db->prepare("INSERT INTO figures(document_id, name, year, value, page, label, unit, derived, note) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& f : figures.figures)
        figure.bind(1, id)
            .bind(2, f.name)
            .bind(3, f.year)
            .bind(4, f.value)
            .bind(5, f.page)
            .bind(6, f.label)
            .bind(7, f.unit)
            .bind(8, f.derived ? 1 : 0)
            .bind(9, f.note)
            .run();
    tx.commit();
    if (!chunks.empty())
        saveChunks(id, chunkSet, chunks);
    return id;
}

void SessionStore::saveChunks(std::int64_t documentId, const std::string& chunkSet, const std::vector<Chunk>& chunks)
{
    SqliteTransaction tx(*m_db);
    m_db->prepare("DELETE FROM chunks WHERE document_id = ? AND chunk_set = ?")
        .bind(1, documentId)
        .bind(2, chunkSet)
        .run();
    auto st = m_db->prepare("INSERT INTO chunks(document_id, chunk_set, ordinal, begin_offset, end_offset, page_start, "
                            "page_end, section, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int ordinal = 0;
    for (const auto& c : chunks)
        st.bind(1, documentId)
            .bind(2, chunkSet)
            .bind(3, ordinal++)
            .bind(4, std::int64_t(c.begin))
            .bind(5, std::int64_t(c.end))
            .bind(6, c.pageStart)
            .bind(7, c.pageEnd)
            .bind(8, c.section)
            .bind(9, std::int64_t(c.size))
            .run();
    touch();
    tx.commit();
}

std::vector<Chunk> SessionStore::chunks(std::int64_t documentId, const std::string& chunkSet)
{
    auto st = m_db->prepare("SELECT begin_offset, end_offset, page_start, page_end, section, size FROM chunks "
                            "WHERE document_id = ? AND chunk_set = ? ORDER BY ordinal");
    st.bind(1, documentId).bind(2, chunkSet);
    std::vector<Chunk> out;
    while (st.step())
        out.push_back({ std::size_t(st.columnInt(0)), std::size_t(st.columnInt(1)), int(st.columnInt(2)),
            int(st.columnInt(3)), st.columnText(4), std::size_t(st.columnInt(5)) });
    return out;
}

std::vector<StoredDocument> SessionStore::documents()
{
    auto st = m_db->prepare("SELECT " + std::string(kDocumentColumns) + " FROM documents ORDER BY id");
    std::vector<StoredDocument> out;
    while (st.step())
        out.push_back(readDocument(st));
    return out;
}

std::optional<StoredDocument> SessionStore::document(std::int64_t id)
{
    auto st = m_db->prepare("SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    return readDocument(st);
}

std::optional<StoredDocument> SessionStore::findDocumentBySha256(const std::string& sha256)
{
    auto st = m_db->prepare("SELECT " + std::string(kDocumentColumns) + " FROM documents WHERE sha256 = ? ORDER BY id");
    st.bind(1, sha256);
    if (!st.step())
        return std::nullopt;
    return readDocument(st);
}

void SessionStore::removeDocument(std::int64_t id)
{
    SqliteTransaction tx(*m_db);
    m_db->prepare("DELETE FROM documents WHERE id = ?").bind(1, id).run();
    touch();
    tx.commit();
}

StoredPage SessionStore::page(std::int64_t documentId, int page)
{
    auto st = m_db->prepare(
        "SELECT page_no, text, section, width, height FROM pages WHERE document_id = ? AND page_no = ?");
    st.bind(1, documentId).bind(2, page);
    if (!st.step())
        throw InvalidArgumentError("document " + std::to_string(documentId) + " has no page " + std::to_string(page));
    return { int(st.columnInt(0)), st.columnText(1), st.columnText(2), st.columnDouble(3), st.columnDouble(4) };
}

std::vector<StoredPage> SessionStore::pages(std::int64_t documentId)
{
    auto st = m_db->prepare(
        "SELECT page_no, text, section, width, height FROM pages WHERE document_id = ? ORDER BY page_no");
    st.bind(1, documentId);
    std::vector<StoredPage> out;
    while (st.step())
        out.push_back(
            { int(st.columnInt(0)), st.columnText(1), st.columnText(2), st.columnDouble(3), st.columnDouble(4) });
    return out;
}

DocumentStructure SessionStore::structure(std::int64_t documentId)
{
    auto st = m_db->prepare("SELECT kind, item, part, title, page_start, page_end, text_offset FROM sections "
                            "WHERE document_id = ? ORDER BY ordinal");
    st.bind(1, documentId);
    DocumentStructure out;
    while (st.step()) {
        if (st.columnText(0) == "part")
            out.parts.push_back(
                { st.columnText(2), int(st.columnInt(4)), int(st.columnInt(5)), std::size_t(st.columnInt(6)) });
        else
            out.sections.push_back({ st.columnText(1), st.columnText(2), st.columnText(3), int(st.columnInt(4)),
                int(st.columnInt(5)), std::size_t(st.columnInt(6)) });
    }
    return out;
}

FinancialFigures SessionStore::figures(std::int64_t documentId)
{
    FinancialFigures out;
    auto st = m_db->prepare("SELECT kind, title, page_start, page_end, years_json, unit FROM statements "
                            "WHERE document_id = ? ORDER BY id");
    st.bind(1, documentId);
    while (st.step()) {
        FinancialStatement s;
        const std::string kind = st.columnText(0);
        for (auto k : { StatementKind::Income, StatementKind::BalanceSheet, StatementKind::CashFlow })
            if (statementKindName(k) == kind)
                s.kind = k;
        s.title = st.columnText(1);
        s.pageStart = int(st.columnInt(2));
        s.pageEnd = int(st.columnInt(3));
        const auto years = nlohmann::json::parse(st.columnText(4), nullptr, false);
        if (years.is_array())
            for (const auto& y : years)
                if (y.is_number_integer())
                    s.years.push_back(y.get<int>());
        s.unit = st.columnText(5);
        out.statements.push_back(std::move(s));
    }
    auto fg = m_db->prepare("SELECT name, year, value, page, label, unit, derived, note FROM figures "
                            "WHERE document_id = ? ORDER BY id");
    fg.bind(1, documentId);
    while (fg.step())
        out.figures.push_back({ fg.columnText(0), int(fg.columnInt(1)), fg.columnDouble(2), int(fg.columnInt(3)),
            fg.columnText(4), fg.columnText(5), fg.columnInt(6) != 0, fg.columnText(7) });
    return out;
}

DocumentFileState SessionStore::checkDocumentFile(std::int64_t documentId)
{
    const auto doc = document(documentId);
    if (!doc)
        throw InvalidArgumentError("no document " + std::to_string(documentId) + " in session " + path().string());
    std::error_code ec;
    if (!std::filesystem::is_regular_file(doc->path, ec))
        return DocumentFileState::Missing;
    const auto size = std::filesystem::file_size(doc->path, ec);
    if (ec)
        return DocumentFileState::Missing;
    if (size != doc->size)
        return DocumentFileState::Changed;
    if (fileMtime(doc->path) == doc->mtime)
        return DocumentFileState::Unchanged; // same size and time: not worth hashing again
    return Sha256::hexOfFile(doc->path) == doc->sha256 ? DocumentFileState::Unchanged : DocumentFileState::Changed;
}

void SessionStore::relocateDocument(std::int64_t documentId, const std::filesystem::path& newPath)
{
    const auto doc = document(documentId);
    if (!doc)
        throw InvalidArgumentError("no document " + std::to_string(documentId) + " in session " + path().string());
    const std::string hash = Sha256::hexOfFile(newPath);
    if (hash != doc->sha256)
        throw InvalidArgumentError(
            newPath.string() + " is not the document '" + doc->fileName + "' of this session (its content differs)");
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(newPath, ec);
    SqliteTransaction tx(*m_db);
    m_db->prepare("UPDATE documents SET path = ?, file_name = ?, mtime = ? WHERE id = ?")
        .bind(1, (ec ? newPath : absolute).string())
        .bind(2, newPath.filename().string())
        .bind(3, fileMtime(newPath))
        .bind(4, documentId)
        .run();
    touch();
    tx.commit();
}

} // namespace moescope
