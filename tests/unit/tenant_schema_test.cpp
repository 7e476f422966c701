// A PostgreSQL schema per tenant as a target (`?schema=NAME`): several tenants in one database
// upgraded in one run, each with its own ledger and lock inside its schema and nothing in
// `public`; a failing tenant named; status per schema; names that need quoting; hostile names.
// And the fan-out's workers: one that dies fails only the database it was running.
#include "project.hpp"
#include "support.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace trellis::test;

namespace {

// An SQL-only project of two revisions against one PostgreSQL database holding tenant schemas.
struct Tenants {
    Project project{"postgresql"};

    explicit Tenants(const std::vector<std::string>& schemas, const std::string& first_extra = "") {
        project.branch("app");
        project.revision("app", "s0001", {}, "CREATE TABLE invoice (id INTEGER PRIMARY KEY);" + first_extra,
                         "DROP TABLE invoice;");
        project.revision("app", "s0002", {"s0001"}, "ALTER TABLE invoice ADD COLUMN total NUMERIC(12, 2);",
                         "ALTER TABLE invoice DROP COLUMN total;");
        std::string script;
        for (const auto& schema : schemas)
            script += fmt::format("CREATE SCHEMA \"{}\";", schema);
        project.sql(script);
    }
    std::string url(const std::string& schema) const { return project.url() + "?schema=" + schema; }
    // The catalog is the tenants' own database: its schemas named `t_*` or `T_*`.
    void catalog() const {
        write_file(project.dir() / "trellis.ini",
                   fmt::format("catalog_url = {0}\ncatalog_query = SELECT nspname FROM pg_namespace WHERE nspname "
                               "ILIKE 't\\_%' ORDER BY nspname\ntenant_url = {0}?schema={{name}}\n",
                               project.url()) +
                       read_file(project.dir() / "trellis.ini"));
    }
    Result run(const std::vector<std::string>& args) const { return run_trellis(args, project.dir()); }
    // The revisions in `schema`'s own ledger.
    std::vector<std::string> ledger(const std::string& schema) const {
        return lines(project.sql(fmt::format("SELECT revision FROM \"{}\".trellis_version ORDER BY 1", schema)));
    }
    std::string tables(const std::string& schema) const {
        return project.sql(fmt::format(
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '{}'", schema));
    }
};

// The pids of `parent`'s children.
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    std::ifstream file(fmt::format("/proc/{0}/task/{0}/children", parent));
    for (pid_t pid; file >> pid;)
        out.push_back(pid);
    return out;
}

} // namespace

TEST_SUITE("fanout") {
    TEST_CASE("tenant schemas of one database are upgraded in one run, each with its own ledger, none in public") {
        Tenants tenants({"t_acme", "t_globex", "T_Initech", "t_broken"});
        tenants.catalog();
        // t_broken has an invoice table already: its first revision fails there, and only there.
        tenants.project.sql("CREATE TABLE t_broken.invoice (id INTEGER)");
        auto result = tenants.run({"--all-databases", "--max-failures", "2", "upgrade"});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.out, "3 ok, 0 with findings, 1 failed, 0 not started"));
        CHECK(contains(result.err, "t_broken: "));
        CHECK(contains(result.err, "invoice"));
        for (const auto* schema : {"t_acme", "t_globex", "T_Initech"}) {
            CHECK(tenants.ledger(schema) == std::vector<std::string>{"s0001", "s0002"});
            CHECK(tenants.tables(schema) == "invoice,trellis_version,trellis_version_lock\n");
        }
        CHECK(tenants.tables("t_broken") == "invoice,trellis_version_lock\n");
        CHECK(tenants.tables("public") == "\n");

        // status per schema: one tenant behind, grouped apart; a rerun does only what is left.
        tenants.project.sql("DROP TABLE t_broken.invoice");
        auto status = tenants.run({"--all-databases", "status"});
        CHECK(status.exit_code == 0);
        CHECK(contains(status.out, "up to date (3): "));
        CHECK(contains(status.out, "app 2 pending (1): t_broken"));
        auto rerun = tenants.run({"--all-databases", "--json", "upgrade"});
        CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
        CHECK(tenants.ledger("t_broken") == std::vector<std::string>{"s0001", "s0002"});

        // check reflects each tenant's schema alone: a table only one tenant has is seen there alone.
        tenants.project.sql("CREATE TABLE t_globex.stray (id INTEGER)");
        auto globex = tenants.run({"--url", tenants.url("t_globex"), "check"});
        CHECK(globex.exit_code == 0);
        CHECK_MESSAGE(contains(globex.out + globex.err, "stray"), globex.out << globex.err);
        auto acme = tenants.run({"--url", tenants.url("t_acme"), "check"});
        CHECK(acme.exit_code == 0);
        CHECK_FALSE(contains(acme.out + acme.err, "stray"));
        auto both = tenants.run({"--url", tenants.url("t_acme"), "--url", tenants.url("t_globex"), "check"});
        CHECK(contains(both.out, "2 ok, 0 with findings, 0 failed"));
    }

    TEST_CASE(
        "one tenant schema by URL: a name that needs quoting works, a missing one and a hostile one are refused") {
        Tenants tenants({"MixedCase"});
        auto upgrade = tenants.run({"--url", tenants.url("MixedCase"), "upgrade"});
        CHECK_MESSAGE(upgrade.exit_code == 0, upgrade.err);
        CHECK(tenants.ledger("MixedCase") == std::vector<std::string>{"s0001", "s0002"});
        auto current = tenants.run({"--url", tenants.url("MixedCase"), "current"});
        CHECK(contains(current.out, "s0002"));
        CHECK(tenants.tables("public") == "\n");
        // drop-db drops the tenant's tables and ledger, nothing of public's.
        tenants.project.sql("CREATE TABLE public.keep (id INTEGER)");
        auto dropped = tenants.run({"--url", tenants.url("MixedCase"), "drop-db", "--yes"});
        CHECK_MESSAGE(dropped.exit_code == 0, dropped.err);
        CHECK_FALSE(contains(tenants.tables("MixedCase"), "invoice"));
        CHECK(tenants.tables("public") == "keep\n");

        auto missing = tenants.run({"--url", tenants.url("nobody"), "current"});
        CHECK(missing.exit_code == 3);
        CHECK(contains(missing.err, "schema \"nobody\" does not exist"));

        for (const auto* hostile : {"x%22;DROP%20SCHEMA%20public;--", "a,public", "Mixed%20Case", "pg_catalog", ""}) {
            auto refused = tenants.run({"--url", tenants.url(hostile), "upgrade"});
            CHECK(refused.exit_code == 2);
            CHECK(contains(refused.err, "the schema after `?schema=`"));
        }
        CHECK(contains(tenants.project.sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"), "1"));

        // A name from the catalog that would change the URL is refused before it reaches one.
        tenants.project.sql("CREATE SCHEMA \"t_x&host=elsewhere\"");
        tenants.catalog();
        auto catalog = tenants.run({"--all-databases", "status"});
        CHECK(catalog.exit_code == 2);
        CHECK(contains(catalog.err, "not letters, digits, `_` or `-`"));
    }

    TEST_CASE("a fan-out worker that dies fails only the database it was running; a new one takes over") {
        Tenants tenants({"t_a", "t_b", "t_c", "t_d"}, "\nSELECT pg_sleep(CASE current_schema() WHEN 't_a' THEN 2 "
                                                      "ELSE 0 END);");
        tenants.project.settings("lock_lease = 1\n"); // the killed worker's lock is taken over soon
        tenants.catalog();
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::chdir(tenants.project.dir().c_str());
            int null = ::open("/dev/null", O_WRONLY);
            ::dup2(null, STDOUT_FILENO);
            ::execl(TRELLIS_BINARY, TRELLIS_BINARY, "--all-databases", "--jobs", "1", "--max-failures", "2", "--json",
                    "upgrade", nullptr);
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(800)); // t_a, the first, sleeps in its revision
        auto workers = children_of(pid);
        REQUIRE(workers.size() == 1);
        ::kill(workers[0], SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 3);
        CHECK(tenants.tables("t_a") == "trellis_version_lock\n"); // rolled back with the connection
        for (const auto* schema : {"t_b", "t_c", "t_d"})
            CHECK(tenants.ledger(schema) == std::vector<std::string>{"s0001", "s0002"});
        auto rerun = tenants.run({"--all-databases", "--lock-timeout", "40", "upgrade"});
        CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
        CHECK(contains(rerun.out, "t_a"));
    }
}
