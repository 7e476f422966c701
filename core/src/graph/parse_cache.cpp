#include "graph/parse_cache.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

namespace trellis {

namespace {

// 3: entries are only files that passed the text and transaction-control checks of revision_file.
// 4: the transaction-control check reads the generic section as SQLite splits it as well.
constexpr std::string_view k_magic = "trellis-parse-cache 4\n";
constexpr std::uint64_t k_racy_ns = 2'000'000'000;

std::filesystem::path cache_directory() {
    if (const char* off = std::getenv("TRELLIS_NO_CACHE"); off && *off && std::string_view(off) != "0")
        return {};
    if (const char* dir = std::getenv("TRELLIS_CACHE_DIR"); dir && *dir)
        return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "trellis";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache" / "trellis";
    return {};
}

class Writer {
public:
    void u64(std::uint64_t v) { m_out.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void str(std::string_view s) {
        u64(s.size());
        m_out.append(s);
    }
    void list(const std::vector<std::string>& v) {
        u64(v.size());
        for (const auto& s : v)
            str(s);
    }
    // The revision as a length-prefixed string, written in place.
    void revision(const Revision& r) {
        r.require_sql();
        auto start = m_out.size();
        u64(0);
        fields(r);
        std::uint64_t length = m_out.size() - start - sizeof length;
        std::memcpy(m_out.data() + start, &length, sizeof length);
    }
    std::string& out() { return m_out; }

private:
    void fields(const Revision& r) {
        str(r.id);
        list(r.down_revisions);
        list(r.branch_labels);
        list(r.depends_on);
        str(r.message);
        str(r.create_date);
        u64(r.transactional);
        for (int line : {r.revision_line, r.down_revision_line, r.depends_on_line, r.branch_labels_line})
            u64(static_cast<std::uint64_t>(line));
        str(r.body);
        u64(r.sections.size());
        for (const auto& s : r.sections) {
            u64(static_cast<std::uint64_t>(s.kind));
            str(s.dialect);
            u64(static_cast<std::uint64_t>(s.first_line));
            str(s.text);
        }
    }

    std::string m_out;
};

// Reads what Writer wrote; any overrun marks the reader failed instead of reading past the end.
class Reader {
public:
    Reader(std::string_view data, std::size_t offset)
        : m_data(data)
        , m_at(offset) {}
    bool ok() const { return m_ok; }
    std::size_t at() const { return m_at; }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        if (m_at + sizeof v > m_data.size()) {
            m_ok = false;
            return 0;
        }
        std::memcpy(&v, m_data.data() + m_at, sizeof v);
        m_at += sizeof v;
        return v;
    }
    std::string_view view() {
        auto n = u64();
        if (!m_ok || n > m_data.size() - m_at) {
            m_ok = false;
            return {};
        }
        auto s = m_data.substr(m_at, n);
        m_at += n;
        return s;
    }
    std::string str() { return std::string(view()); }
    std::vector<std::string> list() {
        std::vector<std::string> v(std::min<std::uint64_t>(u64(), 1u << 16));
        for (auto& s : v)
            s = str();
        return v;
    }
    FileStamp stamp() { return {u64(), u64(), u64(), u64(), u64()}; }
    Revision revision(const std::string& path, RevisionContent content) {
        Revision r;
        r.id = str();
        r.down_revisions = list();
        r.branch_labels = list();
        r.depends_on = list();
        r.message = str();
        r.create_date = str();
        r.transactional = u64() != 0;
        r.revision_line = static_cast<int>(u64());
        r.down_revision_line = static_cast<int>(u64());
        r.depends_on_line = static_cast<int>(u64());
        r.branch_labels_line = static_cast<int>(u64());
        r.path = path;
        if (content == RevisionContent::header_only) {
            r.has_sql = false;
            return r;
        }
        r.body = str();
        r.sections.resize(std::min<std::uint64_t>(u64(), 16));
        for (auto& s : r.sections) {
            s.kind = static_cast<SectionKind>(u64() % 3);
            s.dialect = str();
            s.first_line = static_cast<int>(u64());
            s.text = str();
        }
        return r;
    }

private:
    std::string_view m_data;
    std::size_t m_at;
    bool m_ok = true;
};

// Reads the header of a cache file, its magic and the version path it was written for, and
// leaves the reader at the entries; the reader has failed when the data is no cache file of this
// format (an older one included).
Reader read_header(std::string_view data, std::string_view& version_path) {
    Reader reader(data, data.starts_with(k_magic) ? k_magic.size() : data.size());
    version_path = reader.view();
    return reader;
}

// Removes the cache files of version paths that are gone, and those of older formats, at most
// once a day: temporary checkouts and test directories would otherwise leave one file each,
// forever. Reads only the first page of each file.
void prune(const std::filesystem::path& directory) {
    constexpr auto k_interval = std::chrono::hours(24);
    auto marker = directory / "pruned";
    std::error_code error;
    auto last = std::filesystem::last_write_time(marker, error);
    if (!error && std::filesystem::file_time_type::clock::now() - last < k_interval)
        return;
    try {
        files::write_atomically(marker, "");
    } catch (const Error&) {
        return;
    }
    try {
        for (const auto& entry : std::filesystem::directory_iterator(directory)) {
            if (entry.path().extension() != ".cache")
                continue;
            files::MappedFile file(entry.path().string());
            std::string_view version_path;
            bool current = read_header(file.view(), version_path).ok() &&
                           std::filesystem::exists(std::filesystem::path(version_path), error);
            if (!current)
                std::filesystem::remove(entry.path(), error);
        }
    } catch (const std::filesystem::filesystem_error&) {
        // The directory became unreadable midway: the next prune tries again.
    }
}

std::optional<FileStamp> statx_stamp(int fd, const char* name, int flags) {
    struct statx info {};
    if (::statx(fd, name, flags, STATX_SIZE | STATX_MTIME | STATX_CTIME | STATX_INO, &info) != 0)
        return std::nullopt;
    auto ns = [](const statx_timestamp& t) { return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; };
    return FileStamp{info.stx_size, ns(info.stx_mtime), ns(info.stx_ctime), info.stx_ino,
                     (static_cast<std::uint64_t>(info.stx_dev_major) << 32) | info.stx_dev_minor};
}

} // namespace

std::optional<FileStamp> stamp_of(int directory_fd, const char* name) {
    return statx_stamp(directory_fd, name, 0);
}

std::optional<FileStamp> stamp_of(int fd) {
    return statx_stamp(fd, "", AT_EMPTY_PATH);
}

ParseCache::ParseCache(const std::filesystem::path& version_path) {
    auto directory = cache_directory();
    if (directory.empty())
        return;
    std::error_code error;
    m_version_path = std::filesystem::absolute(version_path, error).lexically_normal().string();
    m_file = directory / fmt::format("{:016x}.cache", text::fnv1a(m_version_path));
    m_mapped = std::make_unique<files::MappedFile>(m_file.string());
    // magic, the version path (a hash collision must not mix two directories), then the entries
    // sorted by name, each with its length so that reading the index parses no revision.
    auto data = m_mapped->view();
    std::string_view recorded;
    auto reader = read_header(data, recorded);
    if (!reader.ok() || recorded != m_version_path)
        return;
    auto count = reader.u64();
    m_entries.reserve(std::min<std::uint64_t>(count, data.size() / 64));
    for (std::uint64_t k = 0; k < count && reader.ok(); ++k) {
        Entry entry;
        entry.name = reader.view();
        entry.stamp = reader.stamp();
        entry.revision = reader.view();
        m_entries.push_back(entry);
    }
    auto by_name = [](const Entry& a, const Entry& b) { return a.name < b.name; };
    if (!reader.ok() || !std::is_sorted(m_entries.begin(), m_entries.end(), by_name))
        m_entries.clear();
}

ParseCache::~ParseCache() = default;

const ParseCache::Entry* ParseCache::entry(std::string_view name, std::size_t hint) const {
    if (hint < m_entries.size() && m_entries[hint].name == name)
        return &m_entries[hint];
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), name,
                               [](const Entry& entry, std::string_view n) { return entry.name < n; });
    return it != m_entries.end() && it->name == name ? &*it : nullptr;
}

std::optional<Revision> ParseCache::find(std::string_view name, std::size_t hint, const FileStamp& stamp,
                                         const std::string& path, RevisionContent content) const {
    const auto* found = entry(name, hint);
    if (!found || !(found->stamp == stamp))
        return std::nullopt;
    Reader reader(found->revision, 0);
    auto revision = reader.revision(path, content);
    if (!reader.ok() || (content == RevisionContent::full && reader.at() != found->revision.size()))
        return std::nullopt;
    return revision;
}

void ParseCache::save(const std::vector<std::string>& names, const std::vector<std::optional<FileStamp>>& stamps,
                      std::span<const Revision> revisions, const std::vector<char>& cached) const {
    auto hits = static_cast<std::size_t>(std::count(cached.begin(), cached.end(), 1));
    if (m_file.empty() || (hits == revisions.size() && hits == m_entries.size()))
        return;
    auto now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::vector<std::size_t> kept;
    for (std::size_t k = 0; k < revisions.size(); ++k)
        if (stamps[k] && now > std::max(stamps[k]->mtime_ns, stamps[k]->ctime_ns) + k_racy_ns)
            kept.push_back(k);
    Writer writer;
    std::size_t estimate = k_magic.size() + m_version_path.size() + 16;
    for (auto k : kept)
        estimate += names[k].size() + stamps[k]->size + 256;
    writer.out().reserve(estimate);
    writer.out() = k_magic;
    writer.str(m_version_path);
    writer.u64(kept.size());
    for (auto k : kept) { // `names` is sorted, and so are the entries
        writer.str(names[k]);
        for (auto v : {stamps[k]->size, stamps[k]->mtime_ns, stamps[k]->ctime_ns, stamps[k]->inode, stamps[k]->device})
            writer.u64(v);
        // An entry served from the cache is copied as it was: a header_only load holds no SQL.
        if (const auto* old = cached[k] ? entry(names[k], k) : nullptr) {
            writer.str(old->revision);
            continue;
        }
        writer.revision(revisions[k]);
    }
    try {
        std::error_code error;
        std::filesystem::create_directories(m_file.parent_path(), error);
        files::write_atomically(m_file, writer.out());
    } catch (const Error&) {
        return;
    }
    prune(m_file.parent_path());
}

} // namespace trellis
