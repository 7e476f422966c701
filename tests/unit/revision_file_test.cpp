// The revision file format of SPEC.md: parsing, writing back byte for byte, every malformed input
// named by file and line (bytes that are not text and transaction control included), and
// checksums that ignore header edits and line endings.
#include "revision/create_date.hpp"
#include "revision/revision_file.hpp"
#include "revision/sql_split.hpp"
#include "revision/transaction_control.hpp"
#include "util/error.hpp"
#include "util/utf8.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace trellis;

namespace {

const std::string k_example = R"(-- revision: 4c1a9e2b7f30
-- down_revision: 416eb615ff1a
-- branch_labels: panels
-- depends_on: 29b1b9a4e601, 7d3e01aa9c42
-- message: add panel_applicant.pronouns
-- create_date: 2026-11-22T23:04:11Z
-- transactional: true

-- +upgrade
ALTER TABLE panel_applicant ADD COLUMN pronouns VARCHAR(255) NOT NULL DEFAULT '';

-- +downgrade
ALTER TABLE panel_applicant DROP COLUMN pronouns;
)";

// The message of the error that parsing `content` raises, or "" when it parses.
std::string parse_error(const std::string& content) {
    try {
        revision_file::parse(content, "v/bad.sql");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::bad_input);
        return e.what();
    }
    return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string file_with(const std::string& upgrade, const std::string& header = "") {
    return "-- revision: r1\n-- down_revision:\n" + header + "\n-- +upgrade\n" + upgrade + "\n-- +downgrade\n";
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The first transaction-control statement of `sql` as one section, or "".
std::string control_in(const std::string& sql) {
    auto statements = split_statements(Section{SectionKind::upgrade, "", 1, sql}, "postgresql");
    const auto* found = find_transaction_control(statements);
    return found ? found->sql : "";
}

} // namespace

TEST_SUITE("revision_file") {
    TEST_CASE("the example of SPEC.md parses into its fields") {
        auto r = revision_file::parse(k_example, "v/4c1a9e2b7f30_add.sql");
        CHECK(r.id == "4c1a9e2b7f30");
        CHECK(r.down_revisions == std::vector<std::string>{"416eb615ff1a"});
        CHECK(r.branch_labels == std::vector<std::string>{"panels"});
        CHECK(r.depends_on == std::vector<std::string>{"29b1b9a4e601", "7d3e01aa9c42"});
        CHECK(r.message == "add panel_applicant.pronouns");
        CHECK(r.create_date == "2026-11-22T23:04:11Z");
        CHECK(r.transactional);
        REQUIRE(r.sections.size() == 2);
        CHECK(r.sections[0].kind == SectionKind::upgrade);
        CHECK(r.sections[0].first_line == 10);
        CHECK(r.sections[0].text ==
              "ALTER TABLE panel_applicant ADD COLUMN pronouns VARCHAR(255) NOT NULL DEFAULT '';\n");
        CHECK(r.sections[1].kind == SectionKind::downgrade);
        CHECK(r.sections[1].text == "ALTER TABLE panel_applicant DROP COLUMN pronouns;");
    }

    TEST_CASE("a file trellis wrote parses back to the same revision and writes back byte for byte") {
        Revision r;
        r.id = "0123456789ab";
        r.down_revisions = {"aaaaaaaaaaaa", "bbbbbbbbbbbb"};
        r.branch_labels = {"guests"};
        r.depends_on = {"cccc"};
        r.message = "merge the guest heads";
        r.create_date = "2026-11-22T23:04:11Z";
        r.transactional = false;
        r.body = revision_file::new_body("CREATE INDEX CONCURRENTLY i ON t (x);", "DROP INDEX i;");
        auto written = revision_file::write(r);
        auto parsed = revision_file::parse(written, "v/x.sql");
        CHECK(parsed.id == r.id);
        CHECK(parsed.down_revisions == r.down_revisions);
        CHECK(parsed.depends_on == r.depends_on);
        CHECK(parsed.branch_labels == r.branch_labels);
        CHECK(parsed.message == r.message);
        CHECK_FALSE(parsed.transactional);
        CHECK(revision_file::write(parsed) == written);
        CHECK(revision_file::write(revision_file::parse(k_example, "v/x.sql")) == k_example);
    }

    TEST_CASE("a base has an empty or absent down_revision") {
        CHECK(revision_file::parse(replace(k_example, "-- down_revision: 416eb615ff1a\n", ""), "v/x.sql").is_base());
        CHECK(revision_file::parse(replace(k_example, "416eb615ff1a", ""), "v/x.sql").is_base());
    }

    TEST_CASE("every malformed header is an error naming the file and the line") {
        CHECK(parse_error(replace(k_example, "-- revision: 4c1a9e2b7f30\n", "")) ==
              "v/bad.sql:1: no `-- revision: ID` line in the header");
        CHECK(parse_error(replace(k_example, "-- message:", "-- mesage:")) ==
              "v/bad.sql:5: unknown header key `mesage` (did you mean `message`?)");
        CHECK(parse_error(replace(k_example, "-- transactional: true", "-- transactional: true\n-- message: again")) ==
              "v/bad.sql:8: duplicate header key `message`");
        CHECK(parse_error(replace(k_example, "4c1a9e2b7f30", "4c1a-9e2b"))
                  .starts_with("v/bad.sql:1: `4c1a-9e2b` is not a revision id"));
        CHECK(parse_error(replace(k_example, "-- down_revision: 416eb615ff1a", "-- down_revision 416eb615ff1a"))
                  .starts_with("v/bad.sql:2: malformed header line"));
        CHECK(parse_error(replace(k_example, "transactional: true", "transactional: maybe")) ==
              "v/bad.sql:7: transactional must be `true` or `false`, not `maybe`");
        CHECK(parse_error(replace(k_example, "2026-11-22T23:04:11Z", "yesterday"))
                  .starts_with("v/bad.sql:6: create_date"));
        CHECK(parse_error(replace(k_example, "29b1b9a4e601, 7d3e01aa9c42", "29b1b9a4e601, not-an-id"))
                  .starts_with("v/bad.sql:4: `depends_on`: `not-an-id`"));
    }

    TEST_CASE("every malformed body is an error naming the file and the line") {
        CHECK(
            parse_error(replace(k_example, "-- +downgrade\n", "")) ==
            "v/bad.sql:8: no `-- +downgrade` section (an empty one is a no-op; `-- +irreversible` forbids downgrades)");
        CHECK(parse_error(replace(k_example, "-- +upgrade\n", "")) ==
              "v/bad.sql:9: SQL outside a section: put it under `-- +upgrade` or `-- +downgrade`");
        CHECK(parse_error(replace(k_example, "-- +upgrade", "-- +upgrade mysql")) ==
              "v/bad.sql:9: unknown dialect `mysql` (expected sqlite or postgresql)");
        CHECK(parse_error(replace(k_example, "-- +upgrade", "-- +upgrde"))
                  .starts_with("v/bad.sql:9: unknown section marker `-- +upgrde`"));
        CHECK(parse_error(k_example + "\n-- +upgrade\nSELECT 1;\n") == "v/bad.sql:15: a second upgrade section");
        CHECK(parse_error(replace(k_example, "-- +downgrade\nALTER TABLE panel_applicant DROP COLUMN pronouns;",
                                  "-- +downgrade\n-- +irreversible")) == "v/bad.sql:13: a second downgrade section");
        CHECK(parse_error(replace(k_example, "\n-- +upgrade", "\nSELECT 1;\n-- +upgrade")) ==
              "v/bad.sql:9: SQL outside a section: put it under `-- +upgrade` or `-- +downgrade`");
        CHECK(parse_error(replace(k_example, "\n-- +upgrade", "\n-- +call panels:x\n-- +upgrade")) ==
              "v/bad.sql:9: `-- +call` outside a section: put it under `-- +upgrade` or `-- +downgrade`");
        CHECK(parse_error(replace(k_example, "-- +upgrade\n", "-- +upgrade\n-- +call no_colon\n")) ==
              "v/bad.sql:10: malformed step call: expected `-- +call plugin:step`");
    }

    TEST_CASE("comments and blank lines outside sections are allowed") {
        auto text = replace(k_example, "\n-- +upgrade", "\n-- Why: the panels team asked for pronouns.\n\n-- +upgrade");
        CHECK(parse_error(text).empty());
    }

    TEST_CASE("dialect sections replace the generic one on their dialect only") {
        auto r = revision_file::parse(
            k_example + "\n-- +upgrade postgresql\nALTER TABLE x ALTER COLUMN y SET NOT NULL;\n", "v/x.sql");
        CHECK(r.section_for(SectionKind::upgrade, "postgresql")->dialect == "postgresql");
        CHECK(r.section_for(SectionKind::upgrade, "sqlite")->dialect.empty());
        CHECK(r.section_for(SectionKind::downgrade, "postgresql")->dialect.empty());
    }

    TEST_CASE("-- +irreversible in place of the downgrade marks the revision irreversible") {
        auto r = revision_file::parse(
            replace(k_example, "-- +downgrade\nALTER TABLE panel_applicant DROP COLUMN pronouns;", "-- +irreversible"),
            "v/x.sql");
        CHECK(r.irreversible());
        CHECK(r.section_for(SectionKind::downgrade, "sqlite")->kind == SectionKind::irreversible);
    }

    TEST_CASE("checksums: CRLF and LF agree, header edits do not count, statement edits do") {
        auto lf = revision_file::parse(k_example, "v/x.sql").checksum();
        std::string crlf;
        for (char c : k_example)
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        CHECK(revision_file::parse(crlf, "v/x.sql").checksum() == lf);
        CHECK(revision_file::parse(replace(k_example, "add panel_applicant.pronouns", "add pronouns (typo fixed)"),
                                   "v/x.sql")
                  .checksum() == lf);
        CHECK(revision_file::parse(replace(k_example, "DEFAULT '';", "DEFAULT '';   "), "v/x.sql").checksum() == lf);
        CHECK(revision_file::parse(replace(k_example, "DEFAULT ''", "DEFAULT 'x'"), "v/x.sql").checksum() != lf);
        CHECK(revision_file::parse(replace(k_example, "DROP COLUMN", "DROP COLUMN IF EXISTS"), "v/x.sql").checksum() !=
              lf);
        CHECK(lf.size() == 64);
    }

    TEST_CASE("file names are the id and a slug of the message") {
        Revision r;
        r.id = "4c1a9e2b7f30";
        r.message = "Add panel_applicant.pronouns (again!)";
        CHECK(revision_file::file_name(r) == "4c1a9e2b7f30_add_panel_applicant_pronouns_again.sql");
        r.message = std::string(100, 'x');
        CHECK(revision_file::file_name(r) == "4c1a9e2b7f30_" + std::string(40, 'x') + ".sql");
    }
}

TEST_SUITE("sql_split") {
    // A generic section as PostgreSQL splits it.
    std::vector<Statement> postgres_statements(const std::string& text) {
        return split_statements(Section{SectionKind::upgrade, "", 10, text}, "postgresql");
    }

    TEST_CASE("statements split on top-level semicolons and keep their first line") {
        auto s = postgres_statements(
            "CREATE TABLE a (x INT);\n\n-- a comment; with a semicolon\nINSERT INTO a VALUES (1);\n");
        REQUIRE(s.size() == 2);
        CHECK(s[0].sql == "CREATE TABLE a (x INT)");
        CHECK(s[0].line == 10);
        CHECK(s[1].sql == "INSERT INTO a VALUES (1)");
        CHECK(s[1].line == 13);
    }

    TEST_CASE("quotes, dollar quotes and block comments hide semicolons") {
        auto s = postgres_statements("INSERT INTO a VALUES ('x;y', E'it\\'s;', \"c;d\");\n"
                                     "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 1; RETURN "
                                     "NEW; END; $body$ LANGUAGE plpgsql;\n"
                                     "/* a; /* nested; */ comment */ SELECT $$;$$;");
        REQUIRE(s.size() == 3);
        CHECK(s[1].sql.ends_with("LANGUAGE plpgsql"));
        CHECK(s[2].line == 12);
    }

    TEST_CASE("SQLite trigger bodies and BEGIN ATOMIC bodies stay whole") {
        auto s = postgres_statements(
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  DELETE "
            "FROM b;\nEND;\n"
            "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;");
        REQUIRE(s.size() == 3);
        CHECK(s[0].sql.ends_with("END"));
        CHECK(s[1].sql.ends_with("END"));
        CHECK(s[2].sql == "SELECT 3");
    }

    TEST_CASE("-- +call lines become step calls in order") {
        auto s = postgres_statements("UPDATE a SET x = 1;\n-- +call panels:backfill_slugs\nUPDATE a SET x = 2;");
        REQUIRE(s.size() == 3);
        CHECK(s[1].call == "panels:backfill_slugs");
        CHECK(s[1].line == 11);
    }
}

// What a revision file must be before its SQL reaches a database: UTF-8 text with no NUL byte
// (a NUL cut `DELETE FROM t1<NUL> WHERE id = 1` short, deleting every row), no statement that
// ends or nests the revision's transaction, and a create_date that names a real moment. Each
// refusal names the file and line; a byte order mark is no part of the header.
TEST_SUITE("revision_text") {
    TEST_CASE("a NUL byte is refused with the file, line and column, wherever it is") {
        using namespace std::string_literals;
        auto error = parse_error(file_with("DELETE FROM t1\0 WHERE id = 1;"s));
        CHECK(has(error, "v/bad.sql:5: a NUL byte at column 15"));
        CHECK(has(parse_error("-- revision: r1\n-- message: a\0b\n"s), "v/bad.sql:2: a NUL byte"));
        CHECK(has(parse_error(file_with("SELECT 1;\n-- a comment \0"s)), "v/bad.sql:6:"));
    }

    TEST_CASE("invalid UTF-8 is refused with the file, line and the byte") {
        auto error = parse_error(file_with("INSERT INTO t VALUES ('caf\xe9');"));
        CHECK(has(error, "v/bad.sql:5: invalid UTF-8 at column 27 (byte 0xe9)"));
        // Well-formed UTF-8 of every length passes; overlong forms and surrogates do not.
        CHECK(parse_error(file_with("INSERT INTO t VALUES ('café ☃ 𝄞');")).empty());
        for (std::string bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x98", "\x80"})
            CHECK_MESSAGE(utf8::find_invalid("abcdefghij" + bad + "xyz") == 10, bad);
        CHECK(utf8::find_invalid("plain ASCII, longer than eight bytes") == std::string_view::npos);
    }

    TEST_CASE("a UTF-8 byte order mark before the header is accepted") {
        auto r = revision_file::parse("\xEF\xBB\xBF" + file_with("CREATE TABLE t (x INT);"), "v/bad.sql");
        CHECK(r.id == "r1");
        REQUIRE(r.sections.size() == 2);
        CHECK(r.sections[0].first_line == 5);
        CHECK(r.sections[0].text == "CREATE TABLE t (x INT);");
    }

    TEST_CASE("transaction control in a transactional revision is refused at its line") {
        auto error = parse_error(file_with("CREATE TABLE a1 (x INT);\nROLLBACK;"));
        CHECK(has(error, "v/bad.sql:6: `ROLLBACK` controls the transaction trellis runs this revision in"));
        CHECK(has(error, "transactional: false"));
        for (std::string sql : {"COMMIT", "commit work", "END", "End Transaction", "BEGIN", "BEGIN IMMEDIATE",
                                "START TRANSACTION", "ABORT", "SAVEPOINT s", "RELEASE SAVEPOINT s", "RELEASE s",
                                "ROLLBACK TO SAVEPOINT s", "PREPARE TRANSACTION 'x'"}) {
            CHECK_MESSAGE(control_in("SELECT 1;\n" + sql + ";\nSELECT 2;") == sql, sql);
            CHECK_MESSAGE(has(parse_error(file_with("SELECT 1; /* c */ " + sql + ";")), "v/bad.sql:5:"), sql);
        }
        // Any white space the databases skip: form feeds and vertical tabs too.
        CHECK(has(parse_error(file_with("SELECT 1;\f\vCOMMIT;")), "v/bad.sql:5:"));
        // The statement's line, not the section's.
        CHECK(has(parse_error(file_with("SELECT 1;\n\n-- why\n  COMMIT;")), "v/bad.sql:8:"));
    }

    TEST_CASE("BEGIN and END inside bodies are not transaction control") {
        for (std::string sql : {
                 "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 1;\nEND;",
                 "CREATE TRIGGER t AFTER INSERT ON a FOR EACH ROW BEGIN SELECT CASE WHEN 1 THEN 2 END; END;",
                 "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN\n  NEW.x := 1;\n  COMMIT;\nEND;\n$$ LANGUAGE "
                 "plpgsql;",
                 "DO $body$ BEGIN PERFORM 1; END $body$;",
                 "CREATE FUNCTION g() RETURNS void AS ' BEGIN RAISE NOTICE ''x''; END; ' LANGUAGE plpgsql;",
                 "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO a VALUES (1); END;",
                 "SELECT CASE WHEN x > 0 THEN 'begin' ELSE 'end' END AS commit_flag FROM a;",
                 "INSERT INTO a (started, ended) VALUES (1, 2);\n-- COMMIT; in a comment\n/* ROLLBACK; */",
                 "CREATE TABLE begin_end (x INT);",
             }) {
            CHECK_MESSAGE(control_in(sql).empty(), sql);
            CHECK_MESSAGE(parse_error(file_with(sql)).empty(), sql);
        }
    }

    TEST_CASE("a COMMIT that only SQLite's split shows is refused where the section runs on SQLite; a PostgreSQL "
              "function body's is not") {
        // PostgreSQL reads a nested comment to its last `*/`; SQLite ends it at the first.
        auto hidden = "CREATE TABLE a (x INT);\n/* a /* b */ COMMIT; CREATE TABLE half (x INT); */";
        auto error = parse_error(file_with(hidden));
        CHECK(has(error, "v/bad.sql:6: `COMMIT` controls the transaction trellis runs this revision in as SQLite "
                         "reads this generic section"));
        CHECK(parse_error(file_with(hidden, "-- transactional: false\n")).empty());
        // A `-- +upgrade sqlite` section replaces the generic one on SQLite: only PostgreSQL reads it.
        CHECK(parse_error(file_with(std::string(hidden) + "\n-- +upgrade sqlite\nCREATE TABLE a (x INT);")).empty());
        // SQLite cannot parse the statement a function body starts in, so it never reaches the COMMIT.
        for (std::string sql : {"CREATE TABLE t (x INT);\nCREATE PROCEDURE p() LANGUAGE plpgsql AS $$\nBEGIN\n  "
                                "INSERT INTO t VALUES (1);\n  COMMIT;\nEND $$;",
                                "CREATE TABLE t (x INT);\nDO $$ BEGIN COMMIT; END $$;"})
            CHECK_MESSAGE(parse_error(file_with(sql)).empty(), sql);
        // SQLite reads `$$` as a parameter: this UPDATE runs on SQLite, and the COMMIT after it.
        CHECK(has(parse_error(file_with("UPDATE t SET note = $$done;\nCOMMIT; $$;")), "v/bad.sql:6: `COMMIT`"));
    }

    TEST_CASE("a transactional: false revision may manage its own transactions") {
        auto r = revision_file::parse(
            file_with("BEGIN;\nCREATE TABLE a (x INT);\nCOMMIT;", "-- transactional: false\n"), "v/bad.sql");
        CHECK_FALSE(r.transactional);
    }

    TEST_CASE("create_date must name a real day and time") {
        for (std::string good : {"2026-11-22T23:04:11Z", "2020-07-21 15:51:55.334506", "2024-02-29", "2026-01-01T00:00",
                                 "2026-06-30T23:59:60Z", "2026-01-01T10:00:00+02:00", "2026-01-01T10:00:00.5-05:30"})
            CHECK_MESSAGE(create_date_problem(good).empty(), good);
        CHECK(create_date_problem("2026-13-45T99:99:99Z") == "month 13 does not exist");
        CHECK(create_date_problem("2026-02-29") == "2026-02 has no day 29");
        CHECK(create_date_problem("2026-04-31T00:00:00Z") == "2026-04 has no day 31");
        CHECK(create_date_problem("2026-01-01T24:00:00Z") == "hour 24 does not exist");
        CHECK(create_date_problem("2026-01-01T10:60Z") == "minute 60 does not exist");
        CHECK_FALSE(create_date_problem("2026-01-01T10:00:00Q").empty());
        CHECK_FALSE(create_date_problem("2026-01-01 and more").empty());
        CHECK_FALSE(create_date_problem("26-01-01").empty());
        auto error = parse_error(file_with("SELECT 1;", "-- create_date: 2026-13-45T99:99:99Z\n"));
        CHECK(has(error, "v/bad.sql:3: create_date `2026-13-45T99:99:99Z`"));
        CHECK(has(error, "month 13 does not exist"));
    }
}
