// The demo application (the repository's trellis.ini and plugins) as a fixture: a database for
// one dialect and a way to run trellis on the demo against it.
#pragma once

#include "project.hpp"

#include <memory>
#include <string>
#include <vector>

namespace trellis::test {

// Runs trellis on the demo against `url`, from the repository root.
inline Result demo(const std::string& url, std::vector<std::string> args) {
    std::vector<std::string> all{"--url", url, "--plugin-path", TRELLIS_PLUGIN_DIR};
    all.insert(all.end(), args.begin(), args.end());
    return run_trellis(all, TRELLIS_SOURCE_DIR);
}

// A database for one dialect: a file in a temporary directory, or a fresh PostgreSQL database.
struct DemoDatabase {
    TempDir dir;
    std::unique_ptr<PostgresDatabase> pg;
    std::string url;
    explicit DemoDatabase(const std::string& dialect) {
        if (dialect == "postgresql") {
            pg = std::make_unique<PostgresDatabase>();
            url = pg->url();
        } else {
            url = "sqlite:///" + (dir.path() / "demo.db").string();
        }
    }
    std::string sql(const std::string& q) const { return query(url, q); }
};

} // namespace trellis::test
