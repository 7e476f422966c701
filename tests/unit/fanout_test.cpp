// Many databases at once: two PostgreSQL servers and a directory of SQLite files upgraded in one
// run, each revision once per database; failures named and bounded; canary; shards; resume.
#include "project.hpp"
#include "support.hpp"

#include <algorithm>
#include <csignal>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace trellis::test;

namespace {

std::string pg_bin() {
    const char* bin = std::getenv("PG_BIN");
    return bin && *bin ? bin : "/usr/lib/postgresql/15/bin";
}

// A second throwaway PostgreSQL server (the test script starts the first): its own directory
// and loopback port, stopped with the object.
class SecondServer {
public:
    SecondServer() {
        m_dir = shell("mktemp -d /tmp/trellis-pg2.XXXXXX");
        m_dir.erase(m_dir.find_last_not_of('\n') + 1);
        auto as_owner = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
        if (::geteuid() == 0)
            shell("chown postgres:postgres " + m_dir);
        shell(fmt::format("cd {} && {}{}/initdb -D {}/data --auth=trust -U postgres --no-sync >/dev/null", m_dir,
                          as_owner, pg_bin(), m_dir));
        for (int attempt = 0; attempt < 5 && m_url.empty(); ++attempt) {
            int port = 20000 + static_cast<int>((::getpid() * 7919 + attempt * 104729) % 40000);
            auto start = fmt::format("cd {0} && {1}{2}/pg_ctl -w -t 60 -D {0}/data -l {0}/server.log -o \"-c fsync=off "
                                     "-c listen_addresses=127.0.0.1 -c port={3} -c unix_socket_directories={0} -c "
                                     "max_connections=100\" start >/dev/null 2>&1",
                                     m_dir, as_owner, pg_bin(), port);
            if (std::system(start.c_str()) == 0)
                m_url = fmt::format("postgresql://postgres@127.0.0.1:{}/postgres", port);
        }
        REQUIRE_MESSAGE(!m_url.empty(), "the second PostgreSQL server did not start: see " << m_dir);
    }
    ~SecondServer() {
        auto as_owner = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
        auto stop = fmt::format("cd {0} && {1}{2}/pg_ctl -D {0}/data -m immediate -w stop >/dev/null 2>&1; rm -rf {0}",
                                m_dir, as_owner, pg_bin());
        if (std::system(stop.c_str()) != 0)
            MESSAGE("could not stop the second server in " << m_dir);
    }
    const std::string& url() const { return m_url; }

private:
    std::string m_dir, m_url;
};

// `count` fresh databases on the server of `server_url`, dropped with the object.
class Databases {
public:
    Databases(std::string server_url, const std::string& prefix, int count)
        : m_server(std::move(server_url)) {
        std::string script;
        for (int k = 0; k < count; ++k) {
            m_names.push_back(fmt::format("{}_{}_{}", prefix, ::getpid(), k));
            script += "CREATE DATABASE " + m_names.back() + ";\n";
        }
        run_script(script, true);
    }
    ~Databases() {
        std::string script;
        for (const auto& name : m_names)
            script += "DROP DATABASE IF EXISTS " + name + " WITH (FORCE);\n";
        run_script(script, false);
    }
    std::string url(std::size_t k) const { return m_server.substr(0, m_server.rfind('/') + 1) + m_names[k]; }
    std::size_t size() const { return m_names.size(); }

private:
    void run_script(const std::string& script, bool must) const {
        TempDir dir;
        write_file(dir / "script.sql", script);
        auto command = fmt::format("psql -X -q -v ON_ERROR_STOP=1 '{}' -f '{}' >/dev/null 2>&1", m_server,
                                   (dir / "script.sql").string());
        int status = std::system(command.c_str());
        if (must)
            REQUIRE_MESSAGE(status == 0, "could not create the test databases");
    }
    std::string m_server;
    std::vector<std::string> m_names;
};

// An SQL-only project of three revisions, each creating a table, plus `extra` SQL in the first.
struct Fleet {
    Project project{"sqlite"};
    std::vector<std::string> sqlite_urls;

    explicit Fleet(int sqlite_files, const std::string& first_upgrade_extra = "") {
        project.branch("app");
        project.revision("app", "a0001", {}, "CREATE TABLE tenant_a (id INTEGER PRIMARY KEY);" + first_upgrade_extra,
                         "DROP TABLE tenant_a;");
        project.revision("app", "a0002", {"a0001"}, "CREATE TABLE tenant_b (id INTEGER PRIMARY KEY);",
                         "DROP TABLE tenant_b;");
        project.revision("app", "a0003", {"a0002"}, "CREATE TABLE tenant_c (id INTEGER PRIMARY KEY);",
                         "DROP TABLE tenant_c;");
        std::filesystem::create_directories(project.dir() / "tenants");
        for (int k = 0; k < sqlite_files; ++k)
            sqlite_urls.push_back(
                fmt::format("sqlite:///{}", (project.dir() / fmt::format("tenants/t{:03}.db", k)).string()));
    }
    // Lists the databases: the SQLite files in `databases_file`, `named` in `[databases]`.
    void list(const std::vector<std::pair<std::string, std::string>>& named) const {
        std::string file = "# one URL a line\n";
        for (const auto& url : sqlite_urls)
            file += url + "\n";
        write_file(project.dir() / "tenants.txt", file);
        // A top-level key goes before the first section.
        std::string section = "\n[databases]\n";
        for (const auto& [name, url] : named)
            section += name + " = " + url + "\n";
        write_file(project.dir() / "trellis.ini",
                   "databases_file = tenants.txt\n" + read_file(project.dir() / "trellis.ini") + section);
    }
    Result run(const std::vector<std::string>& args) const { return run_trellis(args, project.dir()); }
};

// The applied revisions of a database; none when it has no ledger yet.
std::vector<std::string> ledger_of(const std::string& url) {
    auto exists =
        query(url, url.starts_with("sqlite:") ? "SELECT count(*) FROM sqlite_master WHERE name = 'trellis_version'"
                                              : "SELECT count(*) FROM pg_tables WHERE tablename = 'trellis_version'");
    if (exists.starts_with("0"))
        return {};
    return lines(query(url, "SELECT revision FROM trellis_version ORDER BY revision"));
}

} // namespace

TEST_SUITE("fanout") {
    TEST_CASE("200 databases on two PostgreSQL servers and SQLite files are upgraded in one run, each revision once") {
        SecondServer second;
        Databases on_first(postgres_server_url(), "fan_a", 30);
        Databases on_second(second.url(), "fan_b", 30);
        Fleet fleet(140);
        std::vector<std::pair<std::string, std::string>> named;
        for (std::size_t k = 0; k < on_first.size(); ++k)
            named.emplace_back(fmt::format("first_{}", k), on_first.url(k));
        for (std::size_t k = 0; k < on_second.size(); ++k)
            named.emplace_back(fmt::format("second_{}", k), on_second.url(k));
        fleet.list(named);

        auto result = fleet.run({"--all-databases", "--jobs", "6", "upgrade"});
        CHECK_MESSAGE(result.exit_code == 0, result.err);
        CHECK(contains(result.out, "200 database(s)"));
        CHECK(contains(result.out, "200 ok, 0 with findings, 0 failed, 0 not started"));
        for (std::size_t k = 0; k < on_first.size(); ++k)
            CHECK(ledger_of(on_first.url(k)) == std::vector<std::string>{"a0001", "a0002", "a0003"});
        for (std::size_t k = 0; k < on_second.size(); ++k)
            CHECK(ledger_of(on_second.url(k)) == std::vector<std::string>{"a0001", "a0002", "a0003"});
        for (const auto& url : fleet.sqlite_urls)
            CHECK(ledger_of(url) == std::vector<std::string>{"a0001", "a0002", "a0003"});

        // A rerun has nothing left to do, and status groups the databases by their state.
        auto again = fleet.run({"--all-databases", "--json", "upgrade"});
        CHECK(again.exit_code == 0);
        CHECK(!contains(again.out, "\"a0001\""));
        auto status = fleet.run({"--all-databases", "status"});
        CHECK(status.exit_code == 0);
        CHECK(contains(status.out, "up to date (200)"));
    }

    TEST_CASE(
        "a failing database below --max-failures stops nothing else, and is named in the summary and the exit code") {
        Fleet fleet(8);
        fleet.list({});
        // t003 already has the first revision's table: its upgrade fails.
        query(fleet.sqlite_urls[3], "CREATE TABLE tenant_a (id INTEGER PRIMARY KEY)");
        auto result = fleet.run({"--all-databases", "--max-failures", "3", "upgrade"});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.out, "7 ok, 0 with findings, 1 failed, 0 not started"));
        CHECK(contains(result.err, "t003.db: "));
        CHECK(contains(result.err, "tenant_a"));
        for (std::size_t k = 0; k < fleet.sqlite_urls.size(); ++k)
            CHECK(ledger_of(fleet.sqlite_urls[k]).size() == (k == 3 ? 0u : 3u));
    }

    TEST_CASE("after --max-failures failures no new database starts") {
        Fleet fleet(6);
        fleet.list({});
        for (int k : {0, 1})
            query(fleet.sqlite_urls[k], "CREATE TABLE tenant_a (id INTEGER PRIMARY KEY)");
        auto result = fleet.run({"--all-databases", "--jobs", "1", "--max-failures", "2", "upgrade"});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.out, "0 ok, 0 with findings, 2 failed, 4 not started"));
        for (std::size_t k = 2; k < fleet.sqlite_urls.size(); ++k)
            CHECK_FALSE(std::filesystem::exists(fleet.sqlite_urls[k].substr(10)));
    }

    TEST_CASE("a failing canary touches no other database") {
        Fleet fleet(5);
        fleet.list({});
        query(fleet.sqlite_urls[0], "CREATE TABLE tenant_a (id INTEGER PRIMARY KEY)");
        auto result = fleet.run({"--all-databases", "--canary", "1", "upgrade"});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.out, "1 failed, 4 not started"));
        for (std::size_t k = 1; k < fleet.sqlite_urls.size(); ++k)
            CHECK_FALSE(std::filesystem::exists(fleet.sqlite_urls[k].substr(10)));
        // A good canary lets the rest go on.
        query(fleet.sqlite_urls[0], "DROP TABLE tenant_a");
        CHECK(fleet.run({"--all-databases", "--canary", "2", "-q", "upgrade"}).exit_code == 0);
        for (const auto& url : fleet.sqlite_urls)
            CHECK(ledger_of(url).size() == 3);
    }

    TEST_CASE("--shard I/N splits cover the list exactly once") {
        Fleet fleet(40);
        fleet.list({});
        std::multiset<std::string> seen;
        for (int i = 1; i <= 3; ++i) {
            auto result = fleet.run({"--all-databases", "--shard", fmt::format("{}/3", i), "status"});
            CHECK(result.exit_code == 0);
            for (const auto& line : lines(result.out))
                if (line.starts_with("sqlite:///"))
                    seen.insert(line.substr(0, line.find(' ')));
        }
        CHECK(seen.size() == 40);
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 40);
        auto bad = fleet.run({"--all-databases", "--shard", "4/3", "status"});
        CHECK(bad.exit_code == 2);
        CHECK(contains(bad.err, "--shard `4/3`"));
    }

    TEST_CASE("a fan-out killed half-way is resumed by a rerun that applies only what is left") {
        Databases tenants(postgres_server_url(), "fan_kill", 12);
        Fleet fleet(0, "\nSELECT pg_sleep(0.4);");
        std::vector<std::pair<std::string, std::string>> named;
        for (std::size_t k = 0; k < tenants.size(); ++k)
            named.emplace_back(fmt::format("tenant_{}", k), tenants.url(k));
        fleet.list(named);

        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::setpgid(0, 0);
            ::chdir(fleet.project.dir().c_str());
            ::execl(TRELLIS_BINARY, TRELLIS_BINARY, "--all-databases", "--jobs", "2", "-q", "upgrade", nullptr);
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        ::kill(-pid, SIGTERM); // the whole group, as a terminal or a job runner does
        int status = 0;
        ::waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) != 0);
        std::size_t done = 0;
        for (std::size_t k = 0; k < tenants.size(); ++k)
            done += ledger_of(tenants.url(k)).size() == 3;
        CHECK(done < tenants.size());

        auto rerun = fleet.run({"--all-databases", "--jobs", "4", "--json", "upgrade"});
        CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
        for (std::size_t k = 0; k < tenants.size(); ++k)
            CHECK(ledger_of(tenants.url(k)) == std::vector<std::string>{"a0001", "a0002", "a0003"});
    }

    TEST_CASE("catalog_query lists the databases: rows of (name, url) from a catalog database") {
        Fleet fleet(3);
        auto catalog = fleet.project.dir() / "catalog.db";
        std::string rows;
        for (std::size_t k = 0; k < fleet.sqlite_urls.size(); ++k)
            rows += fmt::format("{}('shop_{}', '{}')", k ? ", " : "", k, fleet.sqlite_urls[k]);
        query("sqlite:///" + catalog.string(),
              "CREATE TABLE tenants (name TEXT, url TEXT, active INT); INSERT INTO tenants (name, url) VALUES " + rows +
                  "; UPDATE tenants SET active = name <> 'shop_2'");
        write_file(fleet.project.dir() / "trellis.ini",
                   "catalog_url = sqlite:///catalog.db\ncatalog_query = SELECT name, url FROM tenants WHERE active\n" +
                       read_file(fleet.project.dir() / "trellis.ini"));
        auto result = fleet.run({"--all-databases", "upgrade"});
        CHECK_MESSAGE(result.exit_code == 0, result.err);
        CHECK(contains(result.out, "shop_0 "));
        CHECK(contains(result.out, "shop_1 "));
        CHECK_FALSE(contains(result.out, "shop_2"));
        CHECK(ledger_of(fleet.sqlite_urls[1]).size() == 3);
        CHECK(ledger_of(fleet.sqlite_urls[2]).empty());
    }

    TEST_CASE("repeated --url fans out, names databases without their passwords, and refuses other commands") {
        Fleet fleet(1);
        auto result =
            fleet.run({"--url", fleet.sqlite_urls[0], "--url", "postgresql://ops:Secr3tPw@127.0.0.1:1/x", "current"});
        CHECK(result.exit_code == 3);
        CHECK(contains(result.out, "postgresql://ops:***@127.0.0.1:1/x"));
        CHECK_FALSE(contains(result.out + result.err, "Secr3t"));
        auto other = fleet.run({"--url", fleet.sqlite_urls[0], "--url", fleet.sqlite_urls[0], "history"});
        CHECK(other.exit_code == 2);
        CHECK(contains(other.err, "`history` acts on one database"));
    }
}
