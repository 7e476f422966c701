#include "db/postgres_module.hpp"

#include "util/error.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <vector>

#ifndef TRELLIS_MODULE_DIR
#define TRELLIS_MODULE_DIR ""
#endif

namespace trellis {

namespace {

constexpr const char* k_module_name = "trellis_postgresql.so";

// Beside the binary (the build tree), then the installed module directory.
std::vector<std::filesystem::path> candidates() {
    std::vector<std::filesystem::path> found;
    if (const char* forced = std::getenv("TRELLIS_POSTGRESQL_MODULE"); forced && *forced)
        found.emplace_back(forced);
    std::error_code error;
    auto here = boost::dll::program_location(error).parent_path();
    found.push_back(here / k_module_name);
    found.push_back(here.parent_path() / "lib" / "trellis" / k_module_name);
    if (*TRELLIS_MODULE_DIR)
        found.push_back(std::filesystem::path(TRELLIS_MODULE_DIR) / k_module_name);
    return found;
}

PostgresqlConnect* load_module() {
    // Loaded once, never unloaded: its code backs every PostgreSQL connection object.
    static PostgresqlConnect* entry = [] {
        std::string tried;
        for (const auto& path : candidates()) {
            std::error_code error;
            if (!std::filesystem::exists(path, error)) {
                tried += " " + path.string();
                continue;
            }
            static boost::dll::shared_library library;
            library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, error);
            if (error)
                throw database_error("cannot load the PostgreSQL backend {}: {}", path.string(), error.message());
            return &library.get<PostgresqlConnect>(k_postgresql_entry);
        }
        throw database_error("the PostgreSQL backend ({}) is not installed; looked in:{}", k_module_name, tried);
    }();
    return entry;
}

} // namespace

std::unique_ptr<Database> connect_postgresql(const DatabaseUrl& url, int lock_timeout_seconds) {
    return std::unique_ptr<Database>(load_module()(url, lock_timeout_seconds));
}

} // namespace trellis
