// The runner of the data-driven lint cases (tests/lint_cases/*.case, format in its README.md):
// SQL in, finding codes out. Each `case` is a revision linted after the file's `schema`
// revision (applied before it), on both dialects, with PostgreSQL's parser; a mismatch names the
// case file, its line and the findings it got.
// One file alone: trellis_tests -tc='lint cases' -sc='lock_index.case'
#include "lint/lint.hpp"
#include "revision/revision_file.hpp"
#include "support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sstream>

namespace trellis::test {

namespace {

struct LintCase {
    std::string name;
    int line = 0;        // of its `case` line
    std::string sql;     // the upgrade section
    std::string dialect; // empty: a generic section
    bool transactional = true;
    int pg_version = 15;
    std::vector<std::string> expected; // codes, in the order lint reports them
    std::vector<std::string> contains; // texts some finding's message must hold
};

struct CaseFile {
    std::string schema;
    bool schema_pending = false; // `schema pending`: the schema revision runs in the same upgrade
    std::vector<LintCase> cases;
};

CaseFile read_cases(const std::filesystem::path& path) {
    CaseFile file;
    std::istringstream in(read_file(path));
    std::string* sql = nullptr;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.starts_with("  ")) {
            REQUIRE_MESSAGE(sql, path.string() << ":" << number << ": SQL outside `schema` or `case`");
            *sql += line.substr(2) + "\n";
            continue;
        }
        std::istringstream words(line);
        std::string keyword;
        words >> keyword;
        if (keyword.empty() || keyword.starts_with("#"))
            continue;
        std::string rest;
        std::getline(words, rest);
        rest.erase(0, rest.find_first_not_of(' '));
        if (keyword == "schema") {
            sql = &file.schema;
            file.schema_pending = rest == "pending";
        } else if (keyword == "case") {
            file.cases.push_back({rest, number});
            sql = &file.cases.back().sql;
        } else {
            REQUIRE_MESSAGE(!file.cases.empty(), path.string()
                                                     << ":" << number << ": `" << keyword << "` before a case");
            auto& c = file.cases.back();
            if (keyword == "expect") {
                std::istringstream codes(rest);
                for (std::string code; codes >> code;)
                    c.expected.push_back(code);
            } else if (keyword == "message") {
                c.contains.push_back(rest);
            } else if (keyword == "dialect") {
                c.dialect = rest;
            } else if (keyword == "transactional") {
                c.transactional = rest != "false";
            } else if (keyword == "pg-version") {
                c.pg_version = std::stoi(rest);
            } else {
                FAIL(path.string() << ":" << number << ": unknown keyword `" << keyword << "`");
            }
        }
    }
    return file;
}

Revision revision(const std::string& id, const std::string& sql, const std::string& dialect, bool transactional) {
    auto suffix = dialect.empty() ? "" : " " + dialect;
    return revision_file::parse(fmt::format("-- revision: {}\n-- down_revision:\n-- transactional: {}\n\n"
                                            "-- +upgrade{}\n{}\n-- +downgrade{}\n",
                                            id, transactional ? "true" : "false", suffix, sql, suffix),
                                "versions/" + id + ".sql");
}

} // namespace

TEST_SUITE("lint") {
    TEST_CASE("lint cases") {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(TRELLIS_LINT_CASES))
            if (entry.path().extension() == ".case")
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        REQUIRE_FALSE(files.empty());
        for (const auto& path : files) {
            SUBCASE(path.filename().string().c_str()) {
                auto file = read_cases(path);
                for (const auto& c : file.cases) {
                    LintOptions options;
                    options.context = 1;
                    if (file.schema_pending)
                        options.run = {true, true};
                    options.pg_version = c.pg_version;
                    std::vector<Revision> revisions{revision("schema", file.schema, "", true),
                                                    revision("change", c.sql, c.dialect, c.transactional)};
                    auto findings = lint_revisions(revisions, options);
                    std::vector<std::string> codes;
                    std::string got;
                    for (const auto& f : findings) {
                        codes.push_back(f.code);
                        got += fmt::format("\n    {} line {} ({}): {}", f.code, f.line,
                                           f.dialect.empty() ? "both" : f.dialect, f.message);
                    }
                    std::string missing;
                    for (const auto& text : c.contains)
                        if (std::none_of(findings.begin(), findings.end(),
                                         [&](const Finding& f) { return contains(f.message, text); }))
                            missing += "\n    no message contains: " + text;
                    CHECK_MESSAGE((codes == c.expected && missing.empty()),
                                  fmt::format("{}:{}: case `{}`: expected [{}], got:{}{}", path.string(), c.line,
                                              c.name, fmt::join(c.expected, " "), got.empty() ? " nothing" : got,
                                              missing));
                }
            }
        }
    }
}

} // namespace trellis::test
