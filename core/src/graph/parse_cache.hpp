// A cache of parsed revision files, one file per version path, kept outside the source tree
// ($TRELLIS_CACHE_DIR, else $XDG_CACHE_HOME/trellis, else ~/.cache/trellis; TRELLIS_NO_CACHE=1
// turns it off). Loading is the fixed cost of every command, and most of it is the kernel opening
// and reading files; with the cache an unchanged file costs one statx.
//
// An entry is used only when the file's size, mtime, ctime, inode and device all match what was
// recorded, and files changed within the last two seconds are never cached (git's "racy clean"
// rule: a later edit in the same timestamp granule could otherwise go unseen). A cache file that
// is unreadable, truncated or of another format is ignored, and rewritten. Once a day, a save
// removes the cache files of version paths that no longer exist.
#pragma once

#include "revision/revision.hpp"
#include "util/files.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trellis {

struct FileStamp {
    std::uint64_t size = 0, mtime_ns = 0, ctime_ns = 0, inode = 0, device = 0;
    bool operator==(const FileStamp&) const = default;
};

// The stamp of `name` in the open directory `directory_fd`; nullopt when statx fails.
std::optional<FileStamp> stamp_of(int directory_fd, const char* name);
// The stamp of an open file (no name to look up).
std::optional<FileStamp> stamp_of(int fd);

class ParseCache {
public:
    // Reads the cache of `version_path`, if there is a usable one.
    explicit ParseCache(const std::filesystem::path& version_path);
    ~ParseCache();
    ParseCache(const ParseCache&) = delete;
    ParseCache& operator=(const ParseCache&) = delete;

    // Off (TRELLIS_NO_CACHE): nothing found, nothing saved, no stamps needed.
    bool enabled() const { return !m_file.empty(); }
    // Whether find() can find anything at all.
    bool empty() const { return m_entries.empty(); }

    // The revision recorded for `name` when `stamp` matches; safe from several threads. `hint`:
    // where the entry likely is (the file's place in the sorted listing, when nothing changed).
    std::optional<Revision> find(std::string_view name, std::size_t hint, const FileStamp& stamp,
                                 const std::string& path, RevisionContent content) const;

    // Writes the cache anew from what was just loaded, when it differs from what was read, then
    // (at most once a day) removes the cache files of version paths that are gone.
    // `stamps[k]` belongs to `revisions[k]`, named `names[k]`; `cached[k]` says it came from
    // this cache. Errors are ignored: a cache is an optimisation, never a reason to fail.
    void save(const std::vector<std::string>& names, const std::vector<std::optional<FileStamp>>& stamps,
              std::span<const Revision> revisions, const std::vector<char>& cached) const;

private:
    struct Entry {
        std::string_view name; // views into the mapped file
        FileStamp stamp;
        std::string_view revision; // serialised
    };
    std::string m_version_path; // absolute, recorded in the file against hash collisions
    std::filesystem::path m_file;
    std::unique_ptr<files::MappedFile> m_mapped;
    std::vector<Entry> m_entries; // sorted by name
    // The entry of `name`, looked for first at `hint`; nullptr when there is none.
    const Entry* entry(std::string_view name, std::size_t hint) const;
};

} // namespace trellis
