// File access with errors that name the file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace trellis::files {

// The whole file; throws an input error naming `path` when it cannot be read.
std::string read(const std::string& path);
// A file opened for reading, closed on destruction.
class OpenFile {
public:
    // Opens `name` inside the open directory `directory_fd` (AT_FDCWD: the working directory);
    // throws an input error naming `path`. Opening relative to the directory spares the kernel
    // a walk of the whole path per file.
    OpenFile(int directory_fd, const char* name, const std::string& path);
    ~OpenFile();
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    int fd() const { return m_fd; }
    // The whole content; throws naming the file.
    std::string read() const;

private:
    int m_fd;
    std::string m_path; // for messages
};

// Writes through a temporary file of this call's own and a rename: a reader, or a concurrent
// writer, sees the old file or the new one, never half of one. Throws naming `path`.
void write_atomically(const std::filesystem::path& path, std::string_view content);
// A whole file mapped read-only, or nothing when it cannot be opened: for a large file read once
// and only partly used (the parse cache), with no copy. Files trellis rewrites are replaced by a
// rename, never truncated in place, so a mapping never loses its pages under it.
class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    std::string_view view() const { return {m_data, m_size}; }

private:
    const char* m_data = nullptr;
    std::size_t m_size = 0;
};

// `path` relative to the working directory when it lies below it, else as given: for messages.
std::string display(const std::filesystem::path& path);

} // namespace trellis::files
