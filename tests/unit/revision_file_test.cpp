// The revision file format of SPEC.md: parsing, writing back byte for byte, every malformed input
// named by file and line, and checksums that ignore header edits and line endings.
#include "revision/revision_file.hpp"
#include "revision/sql_split.hpp"
#include "util/error.hpp"

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
    Section section_of(const std::string& text) {
        return Section{SectionKind::upgrade, "", 10, text};
    }

    TEST_CASE("statements split on top-level semicolons and keep their first line") {
        auto s = split_statements(
            section_of("CREATE TABLE a (x INT);\n\n-- a comment; with a semicolon\nINSERT INTO a VALUES (1);\n"));
        REQUIRE(s.size() == 2);
        CHECK(s[0].sql == "CREATE TABLE a (x INT)");
        CHECK(s[0].line == 10);
        CHECK(s[1].sql == "INSERT INTO a VALUES (1)");
        CHECK(s[1].line == 13);
    }

    TEST_CASE("quotes, dollar quotes and block comments hide semicolons") {
        auto s = split_statements(section_of("INSERT INTO a VALUES ('x;y', E'it\\'s;', \"c;d\");\n"
                                             "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 1; RETURN "
                                             "NEW; END; $body$ LANGUAGE plpgsql;\n"
                                             "/* a; /* nested; */ comment */ SELECT $$;$$;"));
        REQUIRE(s.size() == 3);
        CHECK(s[1].sql.ends_with("LANGUAGE plpgsql"));
        CHECK(s[2].line == 12);
    }

    TEST_CASE("SQLite trigger bodies and BEGIN ATOMIC bodies stay whole") {
        auto s = split_statements(section_of(
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  DELETE "
            "FROM b;\nEND;\n"
            "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;"));
        REQUIRE(s.size() == 3);
        CHECK(s[0].sql.ends_with("END"));
        CHECK(s[1].sql.ends_with("END"));
        CHECK(s[2].sql == "SELECT 3");
    }

    TEST_CASE("-- +call lines become step calls in order") {
        auto s =
            split_statements(section_of("UPDATE a SET x = 1;\n-- +call panels:backfill_slugs\nUPDATE a SET x = 2;"));
        REQUIRE(s.size() == 3);
        CHECK(s[1].call == "panels:backfill_slugs");
        CHECK(s[1].line == 11);
    }
}
