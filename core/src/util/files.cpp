#include "util/files.hpp"

#include "util/error.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trellis::files {

std::string read(const std::string& path) {
    return OpenFile(AT_FDCWD, path.c_str(), path).read();
}

OpenFile::OpenFile(int directory_fd, const char* name, const std::string& path)
    : m_fd(::openat(directory_fd, name, O_RDONLY | O_CLOEXEC))
    , m_path(path) {
    if (m_fd < 0)
        throw input_error("{}: cannot read: {}", display(path), std::strerror(errno));
}

OpenFile::~OpenFile() {
    ::close(m_fd);
}

std::string OpenFile::read() const {
    // Plain POSIX calls: loading tens of thousands of revision files is the hot path of every
    // read-only command, and iostreams cost several times more per file.
    std::string content;
    char buffer[65536];
    while (true) {
        auto n = ::read(m_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw input_error("{}: cannot read: {}", display(m_path), std::strerror(errno));
        content.append(buffer, static_cast<std::size_t>(n));
        // A short read of a regular file is its end: one read per revision file, not two.
        if (static_cast<std::size_t>(n) < sizeof buffer)
            break;
    }
    return content;
}

void write_atomically(const std::filesystem::path& path, std::string_view content) {
    auto temporary = path;
    // Unique to this process and this call: threads may write files of one name at once.
    static std::atomic<unsigned> serial{0};
    temporary += fmt::format(".{}.{}.tmp", ::getpid(), serial++);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        throw input_error("{}: cannot write: {}", display(path), std::strerror(errno));
    bool written = true;
    for (std::size_t at = 0; written && at < content.size();) {
        auto n = ::write(fd, content.data() + at, content.size() - at);
        if (n < 0 && errno == EINTR)
            continue;
        written = n > 0;
        at += written ? static_cast<std::size_t>(n) : 0;
    }
    written = ::close(fd) == 0 && written;
    std::error_code error;
    if (written)
        std::filesystem::rename(temporary, path, error);
    if (!written || error) {
        std::filesystem::remove(temporary, error);
        throw input_error("{}: cannot write", display(path));
    }
}

MappedFile::MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        auto size = static_cast<std::size_t>(info.st_size);
        void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data != MAP_FAILED) {
            m_data = static_cast<const char*>(data);
            m_size = size;
        }
    }
    ::close(fd);
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(const_cast<char*>(m_data), m_size);
}

std::string display(const std::filesystem::path& path) {
    std::error_code error;
    auto relative = std::filesystem::relative(path, std::filesystem::current_path(error), error);
    if (error || relative.empty() || relative.native().starts_with(".."))
        return path.string();
    return relative.string();
}

} // namespace trellis::files
