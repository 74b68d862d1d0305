#pragma once
// The sessions in one folder: a session is a .moescope file. Listing reads each file's metadata read-only and reports
// files it cannot read instead of failing. Rename, duplicate, delete, export and import work on closed sessions
// (close the SessionStore first: a session file in use by another process is refused by SQLite's locks for writes).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moescope {

struct SessionInfo {
    std::filesystem::path path;
    std::string name;
    std::string modifiedAt;
    std::int64_t documentCount = 0;
    std::uint64_t fileSize = 0;
    std::string error; // non-empty when the file could not be read as a session
};

class SessionLibrary {
public:
    explicit SessionLibrary(std::filesystem::path folder); // created when missing

    const std::filesystem::path& folder() const { return m_folder; }
    std::vector<SessionInfo> list() const;
    // A new empty session named name, in a file named after it (made unique).
    std::filesystem::path create(const std::string& name) const;
    // Renames the session (its name and its file); returns the new path.
    std::filesystem::path rename(const std::filesystem::path& session, const std::string& newName) const;
    std::filesystem::path duplicate(const std::filesystem::path& session, const std::string& newName) const;
    void remove(const std::filesystem::path& session) const;
    // Writes one self-contained .moescope file (no -wal/-shm beside it) to target.
    void exportTo(const std::filesystem::path& session, const std::filesystem::path& target) const;
    // Copies a .moescope file into the library after checking it; returns the new path.
    std::filesystem::path importFrom(const std::filesystem::path& file) const;

private:
    std::filesystem::path uniquePath(const std::string& name) const;

    std::filesystem::path m_folder;
};

} // namespace moescope
