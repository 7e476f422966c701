#include "util/files.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trellis::files {

std::string read(const std::string& path) {
    return read_at(AT_FDCWD, path.c_str(), path);
}

std::string read_at(int directory_fd, const char* name, const std::string& path) {
    // Plain POSIX calls: loading tens of thousands of revision files is the hot path of every
    // read-only command, and iostreams cost several times more per file.
    int fd = ::openat(directory_fd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw input_error("{}: cannot read: {}", display(path), std::strerror(errno));
    std::string content;
    char buffer[65536];
    while (true) {
        auto n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            throw input_error("{}: cannot read: {}", display(path), std::strerror(error));
        }
        content.append(buffer, static_cast<std::size_t>(n));
        // A short read of a regular file is its end: one read per revision file, not two.
        if (static_cast<std::size_t>(n) < sizeof buffer)
            break;
    }
    ::close(fd);
    return content;
}

void write_atomically(const std::filesystem::path& path, const std::string& content) {
    auto temporary = path;
    temporary += ".tmp";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file)
        throw input_error("{}: cannot write: {}", display(path), std::strerror(errno));
    bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    written = std::fclose(file) == 0 && written;
    std::error_code error;
    if (written)
        std::filesystem::rename(temporary, path, error);
    if (!written || error) {
        std::filesystem::remove(temporary, error);
        throw input_error("{}: cannot write", display(path));
    }
}

std::string display(const std::filesystem::path& path) {
    std::error_code error;
    auto relative = std::filesystem::relative(path, std::filesystem::current_path(error), error);
    if (error || relative.empty() || relative.native().starts_with(".."))
        return path.string();
    return relative.string();
}

} // namespace trellis::files
