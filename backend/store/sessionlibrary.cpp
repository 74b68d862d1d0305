#include "store/sessionlibrary.h"

#include "core/error.h"
#include "store/sessionfilecheck.h"
#include "store/sessionschema.h"
#include "store/sessionstore.h"

#include <algorithm>
#include <cctype>

namespace moescope {

namespace {

std::string fileStem(const std::string& name)
{
    std::string s;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        s += (std::isalnum(u) || c == '-' || c == '_') ? c : (c == ' ' ? '_' : '\0');
        if (s.back() == '\0')
            s.pop_back();
    }
    if (s.empty())
        s = "session";
    return s.substr(0, 80);
}

// SQLite's files beside a session in WAL mode.
constexpr const char* kSidecarSuffixes[] = { "-wal", "-shm" };

void removeSidecars(const std::filesystem::path& p)
{
    std::error_code ec;
    for (const char* suffix : kSidecarSuffixes)
        std::filesystem::remove(p.string() + suffix, ec);
}

// Moves a session with its WAL and shared-memory files. Another connection may still read the session (the listing
// does, on its own thread), and then the last commits live in the WAL rather than the file: they move with it, and
// the WAL stays the one SQLite's open connections in this process know for the file. The sidecars go first, so the
// moved file is never seen without them; a stale sidecar at the target (of a removed session of that name) is
// removed, never joined to this database.
void moveWithSidecars(const std::filesystem::path& from, const std::filesystem::path& to)
{
    for (const char* suffix : kSidecarSuffixes) {
        const std::filesystem::path source = from.string() + suffix, target = to.string() + suffix;
        std::error_code ec;
        if (std::filesystem::exists(source, ec))
            std::filesystem::rename(source, target);
        else
            std::filesystem::remove(target, ec);
    }
    std::filesystem::rename(from, to);
}

} // namespace

SessionLibrary::SessionLibrary(std::filesystem::path folder)
    : m_folder(std::move(folder))
{
    std::error_code ec;
    std::filesystem::create_directories(m_folder, ec);
    if (!std::filesystem::is_directory(m_folder, ec))
        throw IoError(m_folder.string() + ": cannot create the session folder");
}

std::filesystem::path SessionLibrary::uniquePath(const std::string& name) const
{
    const std::string stem = fileStem(name);
    std::filesystem::path p = m_folder / (stem + std::string(SessionStore::kFileExtension));
    for (int i = 2; std::filesystem::exists(p); ++i)
        p = m_folder / (stem + "-" + std::to_string(i) + std::string(SessionStore::kFileExtension));
    return p;
}

std::vector<SessionInfo> SessionLibrary::list() const
{
    std::vector<SessionInfo> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(m_folder, ec)) {
        if (!entry.is_regular_file() || entry.path().extension() != SessionStore::kFileExtension)
            continue;
        SessionInfo info;
        info.path = entry.path();
        info.fileSize = entry.file_size(ec);
        try {
            checkSessionFile(info.path);
            SqliteDatabase db(info.path, SqliteDatabase::Mode::ReadOnly);
            auto meta = db.prepare("SELECT key, value FROM session_meta WHERE key IN ('name', 'modified_at')");
            while (meta.step())
                (meta.columnText(0) == "name" ? info.name : info.modifiedAt) = meta.columnText(1);
            info.documentCount = db.queryInt("SELECT count(*) FROM documents");
        } catch (const Error& e) {
            info.error = e.what();
        }
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.modifiedAt > b.modifiedAt; });
    return out;
}

std::filesystem::path SessionLibrary::create(const std::string& name) const
{
    const auto p = uniquePath(name);
    SessionStore::create(p, name);
    return p;
}

std::filesystem::path SessionLibrary::rename(const std::filesystem::path& session, const std::string& newName) const
{
    {
        SessionStore store = SessionStore::open(session);
        store.setName(newName);
    } // closing checkpoints the WAL into the file, unless another connection still reads the session
    const auto target = uniquePath(newName);
    moveWithSidecars(session, target);
    return target;
}

std::filesystem::path SessionLibrary::duplicate(const std::filesystem::path& session, const std::string& newName) const
{
    const auto target = uniquePath(newName);
    {
        SessionStore store = SessionStore::open(session);
        store.exportTo(target);
    }
    SessionStore copy = SessionStore::open(target);
    copy.setName(newName);
    return target;
}

void SessionLibrary::remove(const std::filesystem::path& session) const
{
    checkSessionFile(session); // never delete something that is not a session
    std::filesystem::remove(session);
    removeSidecars(session);
}

void SessionLibrary::exportTo(const std::filesystem::path& session, const std::filesystem::path& target) const
{
    SessionStore store = SessionStore::open(session);
    store.exportTo(target);
}

std::filesystem::path SessionLibrary::importFrom(const std::filesystem::path& file) const
{
    checkSessionFile(file);
    std::string name;
    {
        SqliteDatabase src(file, SqliteDatabase::Mode::ReadOnly);
        if (src.queryInt("PRAGMA application_id") != kSessionApplicationId)
            throw FormatError(file.string() + ": not a MoEScope session");
        name = src.queryText("SELECT value FROM session_meta WHERE key = 'name'");
        const auto target = uniquePath(name.empty() ? file.stem().string() : name);
        src.vacuumInto(target);
        SessionStore imported = SessionStore::open(target); // migrates an older session
        return target;
    }
}

} // namespace moescope
