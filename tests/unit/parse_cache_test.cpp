// The parse cache never serves a stale revision: a cached load equals a parsed one, an in-place
// edit of the same size is seen at once, a corrupt cache file is ignored, and it can be turned off.
#include "graph/graph.hpp"
#include "support.hpp"

#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <thread>

using namespace trellis;
using namespace trellis::test;

namespace {

std::string revision_text(const std::string& id, const std::string& parent, const std::string& table) {
    return fmt::format(
        "-- revision: {}\n-- down_revision: {}\n-- message: make {}\n\n-- +upgrade\nCREATE TABLE {} (id INTEGER);\n\n"
        "-- +downgrade\nDROP TABLE {};\n",
        id, parent, table, table, table);
}

// Everything the graph knows of each revision, in order, as text.
std::string summary(const Graph& graph) {
    std::string out;
    for (int i : graph.order()) {
        const auto& r = graph.revision(i);
        out += fmt::format("{} <- [{}] {} {} {}|", r.id, fmt::join(r.down_revisions, ","), r.message, r.checksum(),
                           r.path);
    }
    return out;
}

std::size_t cache_files(const std::filesystem::path& directory) {
    std::size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        n += entry.path().extension() == ".cache";
    return n;
}

} // namespace

TEST_CASE("parse cache: a cached load equals a parse, and an edit is seen at once") {
    TempDir dir;
    auto versions = dir / "versions";
    auto cache = dir / "cache";
    ::setenv("TRELLIS_CACHE_DIR", cache.c_str(), 1);
    ::unsetenv("TRELLIS_NO_CACHE");
    for (int k = 0; k < 300; ++k)
        write_file(
            versions / fmt::format("r{:03}.sql", k),
            revision_text(fmt::format("r{:03}", k), k ? fmt::format("r{:03}", k - 1) : "", fmt::format("t{:03}", k)));
    std::vector<BranchSpec> specs{{"app", {}, versions, "test"}};

    auto fresh = summary(Graph::load(specs));
    // Files younger than two seconds are not cached (an edit within the same timestamp granule
    // could go unseen); once they are older, a load writes the cache and the next one uses it.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    CHECK(summary(Graph::load(specs)) == fresh);
    REQUIRE(cache_files(cache) == 1);
    CHECK(summary(Graph::load(specs)) == fresh);

    // The same size, another parent: the stamp (mtime, ctime) differs, so the file is read again.
    write_file(versions / "r200.sql", revision_text("r200", "r198", "t200"));
    auto edited = Graph::load(specs);
    CHECK(edited.revision(*edited.find("r200")).down_revisions == std::vector<std::string>{"r198"});

    // A truncated cache is ignored, and the graph is what the files say.
    for (const auto& entry : std::filesystem::directory_iterator(cache))
        std::filesystem::resize_file(entry.path(), std::filesystem::file_size(entry.path()) / 2);
    CHECK(summary(Graph::load(specs)) == summary(edited));

    ::setenv("TRELLIS_NO_CACHE", "1", 1);
    std::filesystem::remove_all(cache);
    Graph::load(specs);
    CHECK_FALSE(std::filesystem::exists(cache));
    ::unsetenv("TRELLIS_CACHE_DIR");
}
