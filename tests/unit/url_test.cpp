// Database URLs (db/url.cpp) and the config file (config/config.cpp): hostile passwords parse to
// what the user meant, and no message, in any output form, shows a byte of a password.
#include "config/config.hpp"
#include "db/url.hpp"
#include "project.hpp"
#include "support.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace trellis;
using namespace trellis::test;

namespace {

struct Hostile {
    std::string url, user, password, host;
    int port;
    std::string database;
};

// Passwords as users paste them: `/`, `?`, `:`, `@`, `#`, `&` unencoded, and a percent-escape.
const std::vector<Hostile> k_hostile = {
    {"postgresql://frank:Tr0ub/4dor@127.0.0.1:55501/db", "frank", "Tr0ub/4dor", "127.0.0.1", 55501, "db"},
    {"postgresql://hal:pa?ss=1@127.0.0.1:55501/db", "hal", "pa?ss=1", "127.0.0.1", 55501, "db"},
    {"postgresql://erin:ab:cd/ef@127.0.0.1:55501/db", "erin", "ab:cd/ef", "127.0.0.1", 55501, "db"},
    {"postgresql://bob:p@ss/w:rd%40#?&x@db.example:5432/app?sslmode=disable", "bob", "p@ss/w:rd@#?&x", "db.example",
     5432, "app"},
    {"postgres://carol:s3cr%2Ft@localhost/carol_db", "carol", "s3cr/t", "localhost", 0, "carol_db"},
};

// URLs that cannot parse, each with the secret it holds.
const std::vector<std::pair<std::string, std::string>> k_unparsable = {
    {"postgresql://frank:Tr0ubador/db", "Tr0ubador"},         // `@` forgotten: the password reads as a port
    {"postgresql://dave:LeakMe%zz99@host/db", "LeakMe%zz99"}, // a broken escape in the password
    {"postgresql://erin:Secret42@host:99999/db", "Secret42"}, // a port out of range
    {"postgresql://gina:Hunter22@host", "Hunter22"},          // no database name
    {"postgresql://ivan:Opt1onal@host/db?sslmode", "Opt1onal"},
    {"ivan:Opt1onal@host://db", "Opt1onal"}, // no scheme at all
    {"mysql://judy:MyPass77@host/db", "MyPass77"},
};

// Whether any piece of `secret` of 4 characters or more shows in `text`.
bool shows_part_of(const std::string& text, const std::string& secret) {
    for (std::size_t at = 0; at + 4 <= secret.size(); ++at)
        if (text.find(secret.substr(at, 4)) != std::string::npos)
            return true;
    return false;
}

std::string error_of(const std::string& url) {
    try {
        parse_url(url, "/tmp");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    FAIL("parsed: " << url);
    return {};
}

} // namespace

TEST_SUITE("url") {
    TEST_CASE("a password with unencoded / ? : @ # & parses to what the user typed") {
        for (const auto& h : k_hostile) {
            CAPTURE(h.url);
            auto url = parse_url(h.url, "/tmp");
            CHECK(url.dialect == Dialect::postgresql);
            CHECK(url.user == h.user);
            CHECK(url.password == h.password);
            CHECK(url.host == h.host);
            CHECK(url.port == h.port);
            CHECK(url.database == h.database);
            CHECK_FALSE(shows_part_of(url.display(), h.password));
        }
    }

    TEST_CASE("a URL that does not parse is named by its scheme only, never by a part of its password") {
        for (const auto& [url, secret] : k_unparsable) {
            CAPTURE(url);
            auto message = error_of(url);
            CHECK_FALSE(shows_part_of(message, secret));
        }
        CHECK(contains(error_of("postgresql://frank:Tr0ubador/db"), "the port after the host is not a number"));
        CHECK(contains(error_of("postgresql://gina:Hunter22@host"), "no database name"));
    }

    TEST_CASE("the trellis binary keeps passwords out of stderr, stdout, -v and --json") {
        TempDir dir;
        write_file(dir / "trellis.ini", "[plugin.app]\nversion_path = versions\n");
        for (const auto& [url, secret] : k_unparsable)
            for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"-v"}, {"--json"}}) {
                auto args = extra;
                args.insert(args.end(), {"--url", url, "current"});
                auto result = run_trellis(args, dir.path());
                CAPTURE(url);
                CHECK(result.exit_code == 2);
                CHECK_FALSE(shows_part_of(result.out + result.err, secret));
            }
        // A URL that parses but cannot connect: the message shows the masked URL.
        auto result = run_trellis({"--url", "postgresql://frank:Tr0ub/4dor@127.0.0.1:1/db", "current"}, dir.path());
        CHECK(result.exit_code == 3);
        CHECK(contains(result.err, "postgresql://frank:***@127.0.0.1:1/db"));
        CHECK_FALSE(shows_part_of(result.out + result.err, "Tr0ub/4dor"));
    }
}

TEST_SUITE("config") {
    TEST_CASE("a config line that does not parse is named by file and line, and its value is not shown") {
        TempDir dir;
        write_file(dir / "trellis.ini", "dev = true\nurl: postgresql://alice:LeakMe99@db/app\n");
        auto result = run_trellis({"heads"}, dir.path());
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "trellis.ini:2:"));
        CHECK_FALSE(shows_part_of(result.err + result.out, "LeakMe99"));
    }

    TEST_CASE("a key set twice is refused with both lines, not silently the last one") {
        TempDir dir;
        write_file(dir / "trellis.ini", "url = sqlite:///a.db\n# the other database\nurl = sqlite:///b.db\n");
        auto result = run_trellis({"heads"}, dir.path());
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "trellis.ini:3: `url` is set twice (first on line 1)"));

        write_file(dir / "trellis.ini",
                   "[plugin.a]\nversion_path = v\n[plugin.b]\nversion_path = v\nversion_path = w\n");
        result = run_trellis({"heads"}, dir.path());
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "trellis.ini:5: `version_path` is set twice in [plugin.b] (first on line 4)"));
    }

    TEST_CASE("no config and no plugin, or a directory named trellis.ini, is said, not an empty answer") {
        TempDir dir;
        auto result = run_trellis({"heads"}, dir.path());
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "no trellis.ini in"));
        CHECK(contains(result.err, "trellis init"));

        std::filesystem::create_directory(dir / "trellis.ini");
        result = run_trellis({"heads"}, dir.path());
        CHECK(result.exit_code == 2);
        CHECK(contains(result.err, "trellis.ini is not a file"));
    }
}
