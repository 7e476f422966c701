// The parse cache never serves a stale revision: a cached load equals a parsed one, an in-place
// edit of the same size is seen at once, a corrupt cache file is ignored, and it can be turned off.
#include "graph/graph.hpp"
#include "support.hpp"
#include "util/error.hpp"

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

// Branch `app`: the chain r000 <- r001 <- ... <- r299 in `versions`, loaded with the cache in `cache`.
std::vector<BranchSpec> cached_chain(const std::filesystem::path& versions, const std::filesystem::path& cache) {
    ::setenv("TRELLIS_CACHE_DIR", cache.c_str(), 1);
    ::unsetenv("TRELLIS_NO_CACHE");
    for (int k = 0; k < 300; ++k)
        write_file(
            versions / fmt::format("r{:03}.sql", k),
            revision_text(fmt::format("r{:03}", k), k ? fmt::format("r{:03}", k - 1) : "", fmt::format("t{:03}", k)));
    return {{"app", {}, versions, "test"}};
}

std::string upgrade_sql(const Graph& graph, std::string_view id) {
    const auto* section = graph.revision(*graph.find(id)).section_for(SectionKind::upgrade, "sqlite");
    return section ? section->text : "<no upgrade section>";
}

// The message of the error a load ends in, which must be bad input; empty when it loads.
std::string load_error(const std::vector<BranchSpec>& specs) {
    try {
        Graph::load(specs);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    return "";
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
    auto specs = cached_chain(versions, cache);

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

TEST_CASE("parse cache: a header-only load lists what a full one does, and the cache it rewrites keeps the SQL") {
    TempDir dir;
    auto versions = dir / "versions";
    auto specs = cached_chain(versions, dir / "cache");
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    Graph::load(specs); // writes the cache

    // Served from the cache without SQL: the same revisions in the same order, and any use of
    // the SQL is refused rather than answered empty.
    auto outline = Graph::load(specs, RevisionContent::header_only);
    CHECK(outline.content() == RevisionContent::header_only);
    REQUIRE(outline.size() == 300);
    std::string listed;
    for (int i : outline.order())
        listed += outline.revision(i).id + " ";
    std::string expected;
    for (int k = 0; k < 300; ++k)
        expected += fmt::format("r{:03} ", k);
    CHECK(listed == expected);
    CHECK_THROWS_AS(outline.revision(0).checksum(), std::logic_error);
    CHECK_THROWS_AS(outline.revision(0).section_for(SectionKind::upgrade, "sqlite"), std::logic_error);

    // An edit makes the header-only load rewrite the cache; the entries it did not read in full
    // are carried over whole, so a full load from that cache has every statement.
    write_file(versions / "r100.sql", revision_text("r100", "r099", "u100"));
    Graph::load(specs, RevisionContent::header_only);
    auto full = Graph::load(specs);
    CHECK(full.content() == RevisionContent::full);
    CHECK_NOTHROW(summary(full)); // every checksum: every revision has its SQL
    CHECK(upgrade_sql(full, "r101") == "CREATE TABLE t101 (id INTEGER);\n");
    CHECK(upgrade_sql(full, "r100") == "CREATE TABLE u100 (id INTEGER);\n");
    ::unsetenv("TRELLIS_CACHE_DIR");
}

TEST_CASE("loading: of several malformed files, the first in plugin and name order is reported, every time") {
    TempDir dir;
    ::setenv("TRELLIS_NO_CACHE", "1", 1);
    std::vector<BranchSpec> specs;
    for (std::string label : {"app", "extra", "more"}) {
        specs.push_back({label, label == "app" ? std::vector<std::string>{} : std::vector<std::string>{"app"},
                         dir / label, "test"});
        for (int k = 0; k < 400; ++k)
            write_file(dir / label / fmt::format("{}{:03}.sql", label, k),
                       revision_text(fmt::format("{}{:03}", label, k), k ? fmt::format("{}{:03}", label, k - 1) : "",
                                     fmt::format("{}{}", label, k)));
    }
    // `more` sorts after `extra` by name, and both depend on `app`: plugin order app, extra, more.
    write_file(dir / "more" / "more005.sql", "-- revision: more005\n-- colour: blue\n");
    write_file(dir / "extra" / "extra390.sql", "-- revision: extra390\n-- down_revision: extra389\n");
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto message = load_error(specs);
        CHECK_MESSAGE(message.find("extra390.sql") != std::string::npos, message);
    }
    ::unsetenv("TRELLIS_NO_CACHE");
}

TEST_CASE("parse cache: the files of version paths that are gone, or of an older format, are pruned once a day") {
    TempDir dir;
    auto cache = dir / "cache";
    ::setenv("TRELLIS_CACHE_DIR", cache.c_str(), 1);
    ::unsetenv("TRELLIS_NO_CACHE");
    auto make_branch = [&](const std::string& label) {
        for (int k = 0; k < 3; ++k)
            write_file(dir / label / fmt::format("{}{}.sql", label, k),
                       revision_text(fmt::format("{}{}", label, k), k ? fmt::format("{}{}", label, k - 1) : "",
                                     fmt::format("{}{}", label, k)));
        return std::vector<BranchSpec>{{label, {}, dir / label, "test"}};
    };
    auto kept = make_branch("kept");
    auto gone = make_branch("gone");
    Graph::load(kept);
    Graph::load(gone);
    REQUIRE(cache_files(cache) == 2);
    write_file(cache / "0000000000000000.cache", "trellis-parse-cache 1\nan older format");
    write_file(cache / "notes.txt", "not ours");
    std::filesystem::remove_all(dir / "gone");

    // Pruned at most once a day: the first loads did it, so nothing goes yet.
    Graph::load(kept);
    CHECK(cache_files(cache) == 3);
    std::filesystem::last_write_time(cache / "pruned",
                                     std::filesystem::file_time_type::clock::now() - std::chrono::hours(25));
    Graph::load(kept); // its files are younger than two seconds: the cache is written again
    REQUIRE(cache_files(cache) == 1);
    for (const auto& entry : std::filesystem::directory_iterator(cache))
        if (entry.path().extension() == ".cache")
            CHECK(read_file(entry.path()).find((dir / "kept").string()) != std::string::npos);
    CHECK(std::filesystem::exists(cache / "notes.txt"));
    ::unsetenv("TRELLIS_CACHE_DIR");
}

TEST_CASE("loading: two branches naming one directory, however spelled, are refused by name") {
    TempDir dir;
    write_file(dir / "shared" / "a.sql", revision_text("a", "", "t"));
    std::vector<BranchSpec> specs{{"app", {}, dir / "shared", "trellis.ini [plugin.app]"},
                                  {"extra", {"app"}, dir / "shared" / "." / "", "trellis.ini [plugin.extra]"}};
    auto message = load_error(specs);
    CHECK_MESSAGE(message.find("branches `app` (trellis.ini [plugin.app]) and `extra` (trellis.ini [plugin.extra]) "
                               "share the version path") != std::string::npos,
                  message);
}

TEST_CASE("loading: a version path that cannot be read is an error naming it; a missing one is an empty branch") {
    TempDir dir;
    write_file(dir / "app" / "a.sql", revision_text("a", "", "t"));
    write_file(dir / "notes.txt", "not a directory");
    std::vector<BranchSpec> specs{{"app", {}, dir / "app", "trellis.ini [plugin.app]"},
                                  {"extra", {"app"}, dir / "notes.txt", "trellis.ini [plugin.extra]"}};
    auto message = load_error(specs);
    CHECK_MESSAGE(message.find("notes.txt: cannot read the version path: Not a directory (branch `extra`, "
                               "trellis.ini [plugin.extra])") != std::string::npos,
                  message);
    specs[1].version_path = dir / "not-yet";
    auto graph = Graph::load(specs);
    CHECK(graph.size() == 1);
    CHECK(graph.branches().size() == 2);
}
