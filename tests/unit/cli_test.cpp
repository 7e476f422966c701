// What the command line tells an Alembic user on the first day: ranges and --plugin scopes,
// Alembic's `Running upgrade` lines, the plan of a downgrade that cascades, a status line that
// ticks on a terminal, JSON errors, ISO times, help and typo suggestions.
#include "demo_database.hpp"
#include "project.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace trellis::test;

namespace {

// The branch labels of `history` lines, in order (`A -> B (label)...`).
std::vector<std::string> labels_of(const std::string& out) {
    std::vector<std::string> labels;
    for (const auto& line : lines(out)) {
        auto open = line.find(" (");
        labels.push_back(line.substr(open + 2, line.find(')', open) - open - 2));
    }
    return labels;
}

bool all_are(const std::vector<std::string>& labels, const std::string& label) {
    return !labels.empty() && std::all_of(labels.begin(), labels.end(), [&](auto& l) { return l == label; });
}

} // namespace

TEST_SUITE("cli") {
    TEST_CASE("history -r takes LABEL@base and one branch's range, and --plugin scopes history, heads and status") {
        DemoDatabase db("sqlite");
        auto panels = demo(db.url, {"history", "-r", "panels@base:panels@head"});
        CHECK(panels.exit_code == 0);
        CHECK(labels_of(panels.out).size() == 4);
        CHECK(all_are(labels_of(panels.out), "panels"));
        auto mivs = demo(db.url, {"history", "-r", "mivs@base:heads"});
        CHECK(labels_of(mivs.out).size() == 3);
        CHECK(all_are(labels_of(mivs.out), "mivs"));
        auto from_uber = demo(db.url, {"history", "-r", "uber@base:"});
        CHECK(labels_of(from_uber.out).size() == 20); // everything builds on uber

        CHECK(all_are(labels_of(demo(db.url, {"--plugin", "guests", "history"}).out), "guests"));
        CHECK(demo(db.url, {"--plugin", "panels", "heads"}).out == "7bab885ed2bd (panels) (head)\n");
        auto status = demo(db.url, {"--plugin", "tabletop", "status"});
        CHECK(contains(status.out, "tabletop: 0 of 3 applied"));
        CHECK_FALSE(contains(status.out, "uber:"));
        auto unknown = demo(db.url, {"--plugin", "nope", "heads"});
        CHECK(unknown.exit_code == 2);
        CHECK(contains(unknown.err, "unknown branch `nope` (known branches: uber, "));
    }

    TEST_CASE("upgrade and downgrade say each revision as Alembic does, and a cascading downgrade shows its plan") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoDatabase db(dialect);
                auto up = demo(db.url, {"upgrade", "uber@head"});
                CHECK(up.exit_code == 0);
                CHECK(
                    contains(up.err, "Running upgrade  -> 6da727332f2d (uber), create attendee and attendee_group\n"));
                CHECK(contains(up.err, "Running upgrade 6da727332f2d -> 79c4dcd72ebb (uber), "));
                CHECK(demo(db.url, {"-q", "upgrade"}).exit_code == 0);
                auto down = demo(db.url, {"downgrade", "panels@-1"});
                CHECK(down.exit_code == 0);
                CHECK(contains(down.err, "This downgrade reaches 3 branches:"));
                for (const auto& branch : {"panels (1):", "guests (1):", "tabletop (1):"})
                    CHECK(contains(down.err, branch));
                CHECK(contains(down.err, "Running downgrade 7bab885ed2bd -> c259062e8958 (panels), "));
                // The plan comes before the first revision runs.
                CHECK(down.err.find("This downgrade") < down.err.find("Running downgrade"));
                // One branch only: no plan, just the line.
                auto one = demo(db.url, {"downgrade", "mivs@-1"});
                CHECK_FALSE(contains(one.err, "This downgrade"));
                CHECK(contains(one.err, "Running downgrade a0b76d191a7f -> f7b9389d28d6 (mivs), "));
            }
        }
    }

    TEST_CASE("on a terminal the status line ticks while one long revision runs") {
        Project project("postgresql");
        project.branch("app");
        project.revision("app", "slow01", {}, "SELECT pg_sleep(1.5);", "");
        // script(1) from bsdutils gives trellis a pseudo-terminal; its output is the terminal's.
        TempDir dir;
        auto log = (dir / "tty.log").string();
        shell(fmt::format("cd '{}' && TERM=dumb script -qfec \"'{}' --url '{}' upgrade\" '{}' >/dev/null",
                          project.dir().string(), TRELLIS_BINARY, project.url(), log));
        auto screen = read_file(log);
        std::size_t redraws = 0;
        for (std::size_t at = 0; (at = screen.find("[1/1] slow01 (app)", at)) != std::string::npos; ++at)
            ++redraws;
        CHECK(redraws >= 4); // every fifth of a second, not only when the revision starts
        CHECK(contains(screen, "Running upgrade  -> slow01 (app)"));
    }

    TEST_CASE("under --json an error is also one JSON object on stdout, and applied_at is ISO 8601") {
        DemoDatabase db("sqlite");
        auto bad = demo(db.url, {"--json", "upgrade", "panels@hed"});
        CHECK(bad.exit_code == 2);
        auto error = nlohmann::json::parse(bad.out);
        CHECK(error["error"]["exit_code"] == 2);
        CHECK(contains(error["error"]["message"].get<std::string>(), "did you mean `panels@head`?"));
        CHECK(contains(bad.err, "trellis: error: unknown target `panels@hed`: did you mean `panels@head`?"));

        CHECK(demo(db.url, {"-q", "upgrade"}).exit_code == 0);
        auto current = nlohmann::json::parse(demo(db.url, {"--json", "current"}).out);
        auto applied_at = current["current"][0]["applied_at"].get<std::string>();
        CHECK(applied_at.size() >= 20);
        CHECK(applied_at[10] == 'T');
        CHECK(applied_at.back() == 'Z');
        // upgrade --json says what ran, and the heads before and after.
        auto down = nlohmann::json::parse(demo(db.url, {"--json", "downgrade", "mivs@-1"}).out);
        CHECK(down["steps"].size() == 1);
        CHECK(std::find(down["before"].begin(), down["before"].end(), "a0b76d191a7f") != down["before"].end());
        CHECK(std::find(down["after"].begin(), down["after"].end(), "f7b9389d28d6") != down["after"].end());
    }

    TEST_CASE("current -v shows each head's parent, and help pages have no empty sections") {
        DemoDatabase db("sqlite");
        CHECK(demo(db.url, {"-q", "upgrade"}).exit_code == 0);
        auto current = demo(db.url, {"-v", "current"});
        CHECK(contains(current.out, "7bab885ed2bd (panels) (head)\n    Parent: c259062e8958\n"));
        auto help = demo(db.url, {"status", "--help"});
        CHECK(help.exit_code == 0);
        CHECK_FALSE(contains(help.out, "Options of `trellis status`"));
        CHECK(contains(demo(db.url, {"--help"}).out, "--version"));
        CHECK(demo(db.url, {"heads", "--version"}).out == demo(db.url, {"--version"}).out);
    }

    TEST_CASE("graph pictures mark heads, merges, branch points and applied revisions, and svg goes through Graphviz") {
        DemoDatabase db("sqlite");
        CHECK(demo(db.url, {"-q", "upgrade", "uber@head"}).exit_code == 0);
        auto dot = demo(db.url, {"graph", "--format", "dot"});
        CHECK(dot.exit_code == 0);
        CHECK(contains(dot.out, "\"c17a64bc2452\" [label=\"c17a64bc2452 (head, applied)\\nadd attendee_group.status\", "
                                "penwidth=2, style=filled"));
        CHECK(contains(dot.out, "add attendee.placeholder and badge_print…"));        // cut at 40, and said so
        CHECK(contains(dot.out, "\"7bab885ed2bd\" [label=\"7bab885ed2bd (head)\\n")); // not applied: not filled
        auto mermaid = demo(db.url, {"graph", "--format", "mermaid"});
        CHECK(contains(mermaid.out,
                       "rc17a64bc2452([\"c17a64bc2452 (head, applied)<br/>add attendee_group.status\"]):::applied"));
        CHECK(contains(mermaid.out, "classDef applied"));

        auto svg = demo(db.url, {"graph", "--format", "svg"});
        CHECK_MESSAGE(svg.exit_code == 0, svg.err);
        CHECK(svg.out.starts_with("<?xml"));
        CHECK(contains(svg.out, "c17a64bc2452 (head, applied)"));
        auto png = demo(db.url, {"graph", "--format", "png"});
        CHECK(png.out.substr(1, 3) == "PNG");

        TempDir empty;
        auto without = run_trellis({"--url", db.url, "--plugin-path", TRELLIS_PLUGIN_DIR, "graph", "--format", "svg"},
                                   TRELLIS_SOURCE_DIR, {{"PATH", empty.path().string()}});
        CHECK(without.exit_code == 2);
        CHECK(contains(without.err, "needs Graphviz's `dot`, which is not on PATH"));
    }

    TEST_CASE("a revision whose file is gone is shown from the ledger, and history -i says it is applied") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Project p(dialect);
                p.branch("app");
                p.branch("extra", {"app"});
                p.revision("app", "a0001", {}, "CREATE TABLE a (id INTEGER);", "DROP TABLE a;");
                p.revision("extra", "e0001", {}, "CREATE TABLE e (id INTEGER);", "DROP TABLE e;", {"a0001"});
                CHECK(p.run({"-q", "upgrade"}).exit_code == 0);
                p.remove_branch("extra");
                auto show = p.run({"show", "e0001"});
                CHECK_MESSAGE(show.exit_code == 0, show.err);
                CHECK(contains(show.out, "Path: <ledger:e0001>"));
                CHECK(contains(show.out, "-- the ledger's stored downgrade:\nDROP TABLE e;"));
                auto history = p.run({"history", "-i"});
                CHECK(contains(history.out,
                               "e0001 (extra) (head) (applied), (file gone; the ledger keeps its downgrade)"));
                CHECK_FALSE(contains(history.out, "reverted"));
            }
        }
    }

    TEST_CASE("messages that name the cause: a corrupt library, an unknown option, revision without -m") {
        TempDir dir;
        write_file(dir / "libbroken.so", "not an ELF file\n");
        write_file(dir / "trellis.ini", "[plugin.app]\nversion_path = versions\n");
        auto corrupt = run_trellis({"--plugin-path", dir.path().string(), "heads"}, dir.path());
        CHECK(corrupt.exit_code == 2);
        CHECK(contains(corrupt.err, "libbroken.so: not a plugin library: the dynamic loader refused it ("));
        CHECK_FALSE(contains(corrupt.err, "Bad file descriptor"));

        auto option = run_trellis({"--exclude-tables", "foo", "check"}, dir.path());
        CHECK(option.exit_code == 2);
        CHECK(contains(option.err, "unknown option `--exclude-tables` before `foo`"));

        std::filesystem::remove(dir / "libbroken.so");
        auto bare = run_trellis({"revision", "--rev-id", "abc123"}, dir.path());
        CHECK_MESSAGE(bare.exit_code == 0, bare.err);
        CHECK(std::filesystem::exists(dir / "versions" / "abc123.sql"));
        CHECK(run_trellis({"heads"}, dir.path()).out == "abc123 (app) (head)\n");
    }

    TEST_CASE("a first upgrade that meets a table already there names stamp and prepare") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                DemoDatabase db(dialect);
                db.sql("CREATE TABLE attendee (id INTEGER PRIMARY KEY)");
                auto r = demo(db.url, {"upgrade"});
                CHECK(r.exit_code == 3);
                CHECK(contains(r.err, "already exists"));
                CHECK(contains(r.err, "hint: the database holds this schema but has no ledger"));
                CHECK(contains(r.err, "`trellis stamp"));
                // With a ledger, the same failure is a revision's own, and gets no such hint.
                db.sql("DROP TABLE attendee");
                CHECK(demo(db.url, {"-q", "upgrade", "uber@head"}).exit_code == 0);
                db.sql("CREATE TABLE panel_application (id INTEGER PRIMARY KEY)");
                auto later = demo(db.url, {"upgrade"});
                CHECK(later.exit_code == 3);
                CHECK_FALSE(contains(later.err, "has no ledger"));
            }
        }
    }
}
