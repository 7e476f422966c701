// Alembic's offline mode (issue 17): `upgrade base:heads --sql`, `upgrade A:B --sql` and
// `downgrade B:A --sql` print the script with no database reachable. The range's first side says
// what the script assumes applied; the configured URL gives only the dialect. Each script is
// checked against the one trellis prints online from a database in that state.
#include "project.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace trellis::test;

namespace {

// A URL no connection could reach: a name that cannot resolve (.invalid), or a file in a
// directory that does not exist. A command that tried to connect would fail with exit 3.
std::string unreachable(const std::string& dialect) {
    return dialect == "sqlite" ? "sqlite:////nonexistent-trellis-dir/app.db"
                               : "postgresql://app:hunter2@db.invalid:5432/app?connect_timeout=2";
}

// uber u0000..u0002, panels p0000..p0001 on uber's u0001; the ledger named with its schema on
// PostgreSQL, so the offline script and the online one name it alike.
struct Offline {
    Project project;
    explicit Offline(const std::string& dialect)
        : project(dialect) {
        if (dialect == "postgresql")
            project.settings("version_schema = public\n");
        project.branch("uber");
        project.branch("panels", {"uber"});
        auto uber = project.chain("uber", "u", 3);
        project.chain("panels", "p", 2, std::nullopt, {uber[1]});
    }
    Result offline(const std::vector<std::string>& args) const {
        std::vector<std::string> all{"--url", unreachable(project.dialect())};
        all.insert(all.end(), args.begin(), args.end());
        return run_trellis(all, project.dir());
    }
};

// The revisions a script runs, in its order (`-- upgrade ID (branch): ...`).
std::vector<std::string> revisions_of(const std::string& script) {
    std::vector<std::string> ids;
    for (const auto& line : lines(script))
        if (line.starts_with("-- upgrade ") || line.starts_with("-- downgrade "))
            ids.push_back(line.substr(line.find(' ', 3) + 1, line.find(" (") - line.find(' ', 3) - 1));
    return ids;
}

// The revisions of the ledger statements, in the script's order: `+id` inserted, `-id` deleted.
std::vector<std::string> ledger_writes(const std::string& script) {
    std::vector<std::string> writes;
    for (const auto& line : lines(script)) {
        if (line.starts_with("INSERT INTO")) {
            auto values = line.find("VALUES ('") + 9;
            writes.push_back("+" + line.substr(values, line.find('\'', values) - values));
        } else if (line.starts_with("DELETE FROM")) {
            auto id = line.find("revision = '") + 12;
            writes.push_back("-" + line.substr(id, line.find('\'', id) - id));
        }
    }
    return writes;
}

// A script without its first line (the title, which names the command).
std::string body(const std::string& script) {
    return script.substr(script.find('\n') + 1);
}

int count(const std::string& text, const std::string& part) {
    int n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_SUITE("offline_sql") {
    TEST_CASE("upgrade base:heads --sql prints the whole script, ledger created, without a database") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Offline t(dialect);
                auto script = t.offline({"upgrade", "base:heads", "--sql"});
                REQUIRE_MESSAGE(script.exit_code == 0, script.err);
                CHECK(lines(script.out).front() ==
                      fmt::format("-- trellis upgrade base:heads: 5 revision(s) on {}, offline (no database read)",
                                  dialect));
                CHECK(revisions_of(script.out) ==
                      std::vector<std::string>{"u0000", "u0001", "u0002", "p0000", "p0001"});
                CHECK(ledger_writes(script.out) ==
                      std::vector<std::string>{"+u0000", "+u0001", "+u0002", "+p0000", "+p0001"});
                CHECK(count(script.out, "CREATE TABLE IF NOT EXISTS") == 1);
                CHECK_FALSE(contains(script.out + script.err, "hunter2"));
                // What trellis prints online for an empty database, word for word.
                auto online = t.project.run({"upgrade", "heads", "--sql"});
                REQUIRE_MESSAGE(online.exit_code == 0, online.err);
                CHECK(body(script.out) == body(online.out));
                // `:heads` and `base:` say the same.
                CHECK(body(t.offline({"upgrade", ":heads", "--sql"}).out) == body(script.out));
                CHECK(body(t.offline({"upgrade", "base:", "--sql"}).out) == body(script.out));
                CHECK(t.project.tables().empty());
            }
        }
    }

    TEST_CASE("upgrade A:B --sql assumes A applied and writes from there to B, in plan order") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Offline t(dialect);
                auto script = t.offline({"upgrade", "u0000:p0000", "--sql"});
                REQUIRE_MESSAGE(script.exit_code == 0, script.err);
                CHECK(revisions_of(script.out) == std::vector<std::string>{"u0001", "p0000"});
                CHECK(ledger_writes(script.out) == std::vector<std::string>{"+u0001", "+p0000"});
                CHECK_FALSE(contains(script.out, "CREATE TABLE IF NOT EXISTS")); // A applied: the ledger is there
                CHECK(contains(script.out, "CREATE TABLE u_1"));
                auto branch_range = t.offline({"upgrade", "panels@base:panels@head", "--sql"});
                CHECK(revisions_of(branch_range.out) == std::vector<std::string>{"p0000", "p0001"});

                REQUIRE(t.project.run({"upgrade", "u0000"}).exit_code == 0);
                auto online = t.project.run({"upgrade", "p0000", "--sql"});
                REQUIRE_MESSAGE(online.exit_code == 0, online.err);
                CHECK(body(script.out) == body(online.out));
            }
        }
    }

    TEST_CASE("downgrade B:A --sql reverts from B to A with the files' downgrades, without a database") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                Offline t(dialect);
                auto script = t.offline({"downgrade", "p0001:u0000", "--sql"});
                REQUIRE_MESSAGE(script.exit_code == 0, script.err);
                CHECK(revisions_of(script.out) == std::vector<std::string>{"p0001", "p0000", "u0001"});
                CHECK(ledger_writes(script.out) == std::vector<std::string>{"-p0001", "-p0000", "-u0001"});
                CHECK(contains(script.out, "DROP TABLE p_0;"));
                auto all = t.offline({"downgrade", "heads:base", "--sql"});
                CHECK(ledger_writes(all.out) ==
                      std::vector<std::string>{"-p0001", "-p0000", "-u0002", "-u0001", "-u0000"});

                REQUIRE(t.project.run({"upgrade", "p0001"}).exit_code == 0);
                auto online = t.project.run({"downgrade", "u0000", "--sql"});
                REQUIRE_MESSAGE(online.exit_code == 0, online.err);
                CHECK(body(script.out) == body(online.out));
            }
        }
    }

    TEST_CASE("a range is refused online and where it cannot name a script") {
        Offline t("sqlite");
        auto online = t.project.run({"upgrade", "base:heads"});
        CHECK(online.exit_code == 2);
        CHECK(contains(online.err, "the range `base:heads` is for a SQL script: `trellis upgrade base:heads --sql`"));
        auto no_end = t.offline({"downgrade", "heads:", "--sql"});
        CHECK(no_end.exit_code == 2);
        CHECK(contains(no_end.err, "name where it ends"));
        auto unknown = t.offline({"upgrade", "u0001:nope", "--sql"});
        CHECK(unknown.exit_code == 2);
        CHECK(contains(unknown.err, "unknown revision `nope`"));
        auto twice = t.offline({"upgrade", "a:b:c", "--sql"});
        CHECK(twice.exit_code == 2);
        CHECK(contains(twice.err, "bad range `a:b:c`"));
    }
}
