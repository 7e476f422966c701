// Modules: parts of trellis built as shared libraries of their own (`trellis_postgresql.so`,
// `trellis_pgparse.so`) and loaded through Boost.DLL on first use, so that commands which never
// need them do not pay for their libraries at start-up. A module is looked for beside the binary
// (the build tree), then in `../lib/trellis`, then in the installed module directory; an
// environment variable may name the file instead. Loaded once, never unloaded.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>

namespace boost::dll {
class shared_library;
}

namespace trellis::module {

struct Loaded {
    void* entry = nullptr; // the entry point's address; null when the module could not be loaded
    std::string error;     // why not: where it looked, or the loader's message
    std::string path;      // the file loaded, for messages about what it holds
};

// Thread-safe; the same answer for every call with the same file name.
Loaded load(const std::string& file_name, const char* override_variable, const char* entry_point);

// Loads `path` for the life of the process (RTLD_NOW, RTLD_LOCAL and RTLD_NODELETE, so its code
// stays mapped even while the libraries are destroyed at exit) into a list this file owns; null,
// with `error` set, when the dynamic loader refuses it. Plugins and modules load through it.
boost::dll::shared_library* load_for_good(const std::filesystem::path& path, std::error_code& error);

} // namespace trellis::module
