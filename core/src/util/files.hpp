// File access with errors that name the file.
#pragma once

#include <filesystem>
#include <string>

namespace trellis::files {

// The whole file; throws an input error naming `path` when it cannot be read.
std::string read(const std::string& path);
// The file `name` inside the open directory `directory_fd` (`path` names it in messages).
// Opening relative to the directory spares the kernel a walk of the whole path per file.
std::string read_at(int directory_fd, const char* name, const std::string& path);
// Writes through a temporary file and a rename, so a reader never sees half a file.
void write_atomically(const std::filesystem::path& path, const std::string& content);
// `path` relative to the working directory when it lies below it, else as given: for messages.
std::string display(const std::filesystem::path& path);

} // namespace trellis::files
