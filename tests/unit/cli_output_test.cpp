// What the command line shows beyond its answers: autogenerate's `Detected ...` lines (Alembic's),
// colour on a terminal only, and verify's ticking status line. Terminals come from script(1)
// (bsdutils), which gives trellis a pseudo-terminal and logs what it drew.
#include "demo_database.hpp"
#include "model_project.hpp"
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace trellis;
using namespace trellis::test;
using nlohmann::json;

namespace {

// Runs `trellis ARGS` in `dir` on a pseudo-terminal with `env` (e.g. `TERM=xterm`); what the
// terminal showed (stdout and stderr together).
std::string on_terminal(const std::filesystem::path& dir, const std::string& env, const std::string& args) {
    TempDir log_dir;
    auto log = (log_dir / "tty.log").string();
    shell(fmt::format("cd '{}' && env -u NO_COLOR {} script -qfec \"'{}' {}\" '{}' >/dev/null 2>&1 || true",
                      dir.string(), env, TRELLIS_BINARY, args, log));
    return read_file(log);
}

} // namespace

TEST_SUITE("cli output") {
    TEST_CASE("autogenerate prints each detected change as Alembic does, drops loudly; -q silences; --json lists") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                ModelProject p(dialect);
                Models m{{table("attendee", {column("name", types::varchar(40))})}, {}};
                p.set_models(m);
                auto first = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "attendees"});
                REQUIRE_MESSAGE(first.exit_code == 0, first.err);
                CHECK(contains(first.err, "Detected added table 'attendee'\n"));
                CHECK(lines(first.out).size() == 1); // stdout is the path alone
                REQUIRE(p.run({"-q", "upgrade"}).exit_code == 0);

                m.tables[0] = table("attendee", {column("badge", types::integer())});
                m.tables.push_back(table("guest_requests", {column("user_data", types::text())}));
                p.set_models(m);
                auto quiet = p.run({"-q", "revision", "--autogenerate", "--plugin", "json_models", "-m", "q"});
                REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
                CHECK_FALSE(contains(quiet.err, "Detected"));
                std::filesystem::remove(p.dir() / lines(quiet.out).at(0));

                auto second = p.run({"revision", "--autogenerate", "--plugin", "json_models", "-m", "badges"});
                REQUIRE_MESSAGE(second.exit_code == 0, second.err);
                CHECK(contains(second.err, "Detected added column 'attendee.badge'\n"));
                CHECK(contains(second.err, "Detected removed column 'attendee.name' (its data is lost)\n"));
                CHECK(contains(second.err, "Detected added table 'guest_requests'\n"));
                CHECK_FALSE(contains(second.err, "\033[")); // not a terminal: no colour
                std::filesystem::remove(p.dir() / lines(second.out).at(0));

                auto listed = p.run({"--json", "revision", "--autogenerate", "--plugin", "json_models", "-m", "j"});
                REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
                auto document = json::parse(listed.out);
                REQUIRE(document.at("revisions").size() == 1);
                const auto& detected = document["revisions"][0].at("detected");
                CHECK(detected.size() == 3);
                bool dropped = false;
                for (const auto& op : detected)
                    if (op.at("operation") == "drop_column") {
                        dropped = true;
                        CHECK(op.at("table") == "attendee");
                        CHECK(op.at("subject") == "name");
                        CHECK(op.at("destructive") == true);
                    }
                CHECK(dropped);
                CHECK(document["revisions"][0].at("plugin") == "json_models");
                CHECK(document["written"][0] == document["revisions"][0]["path"]);
            }
        }
    }

    TEST_CASE("colour on a terminal only: heads, pending and applied in status, errors; never with NO_COLOR, "
              "--no-color, TERM=dumb or a pipe") {
        DemoDatabase db("sqlite");
        REQUIRE(demo(db.url, {"-q", "upgrade", "uber@head"}).exit_code == 0);
        auto on_demo = [&](const std::string& env, const std::string& args) {
            return on_terminal(TRELLIS_SOURCE_DIR, env,
                               fmt::format("--url {} --plugin-path {} {}", db.url, TRELLIS_PLUGIN_DIR, args));
        };
        auto status = on_demo("TERM=xterm", "status");
        CHECK(contains(status, "uber: 4 of 4 applied, \033[32mup to date\033[0m"));
        CHECK(contains(status, "\033[33mpending\033[0m  "));
        CHECK(contains(on_demo("TERM=xterm", "heads"), "7bab885ed2bd (panels) \033[1;36m(head)\033[0m"));
        CHECK(contains(on_demo("TERM=xterm", "upgrade nope"), "trellis: \033[1;31merror:\033[0m unknown"));

        for (const auto& [env, args, expected] :
             {std::tuple{"TERM=xterm NO_COLOR=1", "status", "uber: 4 of 4 applied, up to date"},
              {"TERM=xterm", "--no-color status", "uber: 4 of 4 applied, up to date"},
              {"TERM=dumb", "status", "uber: 4 of 4 applied, up to date"},
              {"TERM=xterm NO_COLOR=1", "upgrade nope", "trellis: error: unknown"}}) {
            auto plain = on_demo(env, args);
            CHECK_MESSAGE(contains(plain, expected), plain);
            CHECK_MESSAGE(!contains(plain, "\033["), env << " " << args);
        }
        // A pipe is no terminal, even with colour allowed.
        auto piped =
            shell(fmt::format("cd '{}' && env -u NO_COLOR TERM=xterm '{}' --url '{}' --plugin-path '{}' status "
                              "2>&1 | cat",
                              TRELLIS_SOURCE_DIR, TRELLIS_BINARY, db.url, TRELLIS_PLUGIN_DIR));
        CHECK(contains(piped, "uber: 4 of 4 applied, up to date"));
        CHECK_FALSE(contains(piped, "\033["));
    }

    TEST_CASE("on a terminal verify shows a ticking status line: k of N, the check, the revision and its branch") {
        Project project("postgresql");
        project.branch("app");
        project.revision("app", "slow01", {}, "SELECT pg_sleep(0.3);", "");
        auto args = fmt::format("--url '{}' verify --orders 0", project.url());
        auto screen = on_terminal(project.dir(), "TERM=dumb", args);
        CHECK(contains(screen, "[1/6] lint every revision"));
        CHECK(contains(screen, "[3/6] upgrade heads from empty, default order"));
        std::size_t redraws = 0;
        auto roundtrip = std::string("[5/6] upgrade, downgrade, upgrade slow01 (app)");
        for (std::size_t at = 0; (at = screen.find(roundtrip, at)) != std::string::npos; ++at)
            ++redraws;
        CHECK(redraws >= 2); // it ticks while the revision runs (twice 0.3 s)
        CHECK(contains(screen, "verify: 0 finding(s)"));
        // Without a terminal, no status line.
        auto piped = shell(fmt::format("cd '{}' && '{}' {} 2>&1 | cat", project.dir().string(), TRELLIS_BINARY, args));
        CHECK(contains(piped, "verify: 0 finding(s)"));
        CHECK_FALSE(contains(piped, "[1/6]"));
    }
}
