// Not a plugin: an LD_PRELOAD library that makes the disk look full. Every write to a file whose
// path ends with $TRELLIS_TEST_ENOSPC_SUFFIX fails with ENOSPC, as on a full file system, so a
// test can see what trellis says when SQLite's COMMIT cannot write the database file (its journal,
// another name, is still written). Without the variable, writes pass through.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string_view>
#include <sys/types.h>
#include <unistd.h>

namespace {

bool full(int fd) {
    const char* suffix = std::getenv("TRELLIS_TEST_ENOSPC_SUFFIX");
    if (!suffix || !*suffix)
        return false;
    char link[64], path[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    auto n = ::readlink(link, path, sizeof path);
    return n > 0 && std::string_view(path, static_cast<std::size_t>(n)).ends_with(suffix);
}

// The real function `name` with the disk-full check in front.
template <typename... Args> ssize_t checked(const char* name, int fd, Args... args) {
    using Real = ssize_t (*)(int, Args...);
    if (full(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return reinterpret_cast<Real>(::dlsym(RTLD_NEXT, name))(fd, args...);
}

} // namespace

extern "C" {

ssize_t write(int fd, const void* data, size_t size) {
    return checked("write", fd, data, size);
}

ssize_t pwrite(int fd, const void* data, size_t size, off_t offset) {
    return checked("pwrite", fd, data, size, offset);
}

ssize_t pwrite64(int fd, const void* data, size_t size, off64_t offset) {
    return checked("pwrite64", fd, data, size, offset);
}

} // extern "C"
