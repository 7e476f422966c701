#include "graph/parse_cache.hpp"

#include "util/files.hpp"
#include "util/text.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trellis {

namespace {

constexpr std::string_view k_magic = "trellis-parse-cache 1\n";
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
    void revision(const Revision& r) {
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
    std::string& out() { return m_out; }

private:
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
    Revision revision(const std::string& path) {
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
        r.body = str();
        r.sections.resize(std::min<std::uint64_t>(u64(), 16));
        for (auto& s : r.sections) {
            s.kind = static_cast<SectionKind>(u64() % 3);
            s.dialect = str();
            s.first_line = static_cast<int>(u64());
            s.text = str();
        }
        r.path = path;
        return r;
    }

private:
    std::string_view m_data;
    std::size_t m_at;
    bool m_ok = true;
};

} // namespace

std::optional<FileStamp> stamp_of(int directory_fd, const char* name) {
    struct statx info {};
    if (::statx(directory_fd, name, 0, STATX_SIZE | STATX_MTIME | STATX_CTIME | STATX_INO, &info) != 0)
        return std::nullopt;
    auto ns = [](const statx_timestamp& t) { return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; };
    return FileStamp{info.stx_size, ns(info.stx_mtime), ns(info.stx_ctime), info.stx_ino,
                     (static_cast<std::uint64_t>(info.stx_dev_major) << 32) | info.stx_dev_minor};
}

ParseCache::ParseCache(const std::filesystem::path& version_path) {
    auto directory = cache_directory();
    if (directory.empty())
        return;
    std::error_code error;
    m_version_path = std::filesystem::absolute(version_path, error).lexically_normal().string();
    m_file = directory / fmt::format("{:016x}.cache", text::fnv1a(m_version_path));
    try {
        m_data = files::read(m_file.string());
    } catch (...) {
        return;
    }
    // magic, the version path (a hash collision must not mix two directories), then entries.
    if (!std::string_view(m_data).starts_with(k_magic))
        return;
    Reader reader(m_data, k_magic.size());
    if (reader.view() != m_version_path)
        return;
    auto count = reader.u64();
    for (std::uint64_t k = 0; k < count && reader.ok(); ++k) {
        auto name = reader.view();
        auto stamp = reader.stamp();
        auto offset = reader.at();
        reader.revision("");
        if (reader.ok())
            m_entries.emplace(name, Entry{stamp, offset});
    }
    if (!reader.ok())
        m_entries.clear();
}

std::optional<Revision> ParseCache::find(std::string_view name, const FileStamp& stamp, const std::string& path) const {
    auto it = m_entries.find(name);
    if (it == m_entries.end() || !(it->second.stamp == stamp))
        return std::nullopt;
    Reader reader(m_data, it->second.offset);
    auto revision = reader.revision(path);
    if (!reader.ok())
        return std::nullopt;
    return revision;
}

void ParseCache::save(const std::vector<std::string>& names, const std::vector<std::optional<FileStamp>>& stamps,
                      const std::vector<Revision>& revisions, std::size_t hits) const {
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
    writer.out() = k_magic;
    writer.str(m_version_path);
    writer.u64(kept.size());
    for (auto k : kept) {
        writer.str(names[k]);
        for (auto v : {stamps[k]->size, stamps[k]->mtime_ns, stamps[k]->ctime_ns, stamps[k]->inode, stamps[k]->device})
            writer.u64(v);
        writer.revision(revisions[k]);
    }
    // A temporary file of this process's own, then a rename: a concurrent run reads the old cache
    // or the new one, never a mix.
    auto temporary = m_file;
    temporary += fmt::format(".{}.tmp", ::getpid());
    std::error_code error;
    std::filesystem::create_directories(m_file.parent_path(), error);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    const auto& data = writer.out();
    bool written = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
    written = ::close(fd) == 0 && written;
    if (written)
        std::filesystem::rename(temporary, m_file, error);
    if (!written || error)
        std::filesystem::remove(temporary, error);
}

} // namespace trellis
