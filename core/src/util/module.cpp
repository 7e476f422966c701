#include "util/module.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <deque>
#include <dlfcn.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#ifndef TRELLIS_MODULE_DIR
#define TRELLIS_MODULE_DIR ""
#endif

namespace trellis::module {

namespace {

std::vector<std::filesystem::path> candidates(const std::string& file_name, const char* override_variable) {
    std::vector<std::filesystem::path> found;
    if (const char* forced = std::getenv(override_variable); forced && *forced)
        found.emplace_back(forced);
    std::error_code error;
    auto here = boost::dll::program_location(error).parent_path();
    found.push_back(here / file_name);
    found.push_back(here.parent_path() / "lib" / "trellis" / file_name);
    if (*TRELLIS_MODULE_DIR)
        found.push_back(std::filesystem::path(TRELLIS_MODULE_DIR) / file_name);
    return found;
}

Loaded load_now(const std::string& file_name, const char* override_variable, const char* entry_point) {
    std::string tried;
    for (const auto& path : candidates(file_name, override_variable)) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) {
            tried += " " + path.string();
            continue;
        }
        // Never unloaded: the module's code backs objects that live until exit.
        auto* library = load_for_good(path, error);
        if (!library)
            return {nullptr, "cannot load " + path.string() + ": " + error.message(), path.string()};
        if (!library->has(entry_point))
            return {nullptr, path.string() + " has no entry point " + entry_point, path.string()};
        return {reinterpret_cast<void*>(&library->get<void()>(entry_point)), "", path.string()};
    }
    return {nullptr, file_name + " is not installed; looked in:" + tried, ""};
}

} // namespace

boost::dll::shared_library* load_for_good(const std::filesystem::path& path, std::error_code& error) {
    static std::mutex mutex;
    static std::deque<boost::dll::shared_library> libraries; // a deque: what it hands out stays put
    boost::dll::shared_library library;
    library.load(path,
                 boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
                     static_cast<boost::dll::load_mode::type>(RTLD_NODELETE),
                 error);
    if (error)
        return nullptr;
    std::lock_guard lock(mutex);
    return &libraries.emplace_back(std::move(library));
}

Loaded load(const std::string& file_name, const char* override_variable, const char* entry_point) {
    static std::mutex mutex;
    static std::map<std::string, Loaded> loaded;
    std::lock_guard lock(mutex);
    auto it = loaded.find(file_name);
    if (it == loaded.end())
        it = loaded.emplace(file_name, load_now(file_name, override_variable, entry_point)).first;
    return it->second;
}

} // namespace trellis::module
