// The runner of the data-driven graph cases (tests/graph_cases/*.case, format in its README.md):
// each case is a subcase named after its file. Its graph is written into a fresh directory as
// real revision files with a trellis.ini and an SQLite database, the real `trellis` binary runs
// its commands, and every mismatch is reported with the case file, line, command and a line diff.
// One case alone: trellis_tests -tc='graph cases' -sc='NAME.case'
#include "graph_case.hpp"
#include "support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sstream>

namespace trellis::test {

namespace {

std::vector<std::filesystem::path> case_files() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(TRELLIS_GRAPH_CASES))
        if (entry.path().extension() == ".case")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line.erase(line.find_last_not_of(" \t\r") + 1); // trailing white space is never meaningful
        lines.push_back(line);
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    return lines;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty())
        return;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// Output with the case's temporary directory written as `$DIR`, so paths can be expected.
std::string portable(std::string text, const std::filesystem::path& dir) {
    std::error_code error;
    auto canonical = std::filesystem::canonical(dir, error);
    if (!error && canonical != dir)
        replace_all(text, canonical.string(), "$DIR");
    replace_all(text, dir.string(), "$DIR");
    return text;
}

// A line diff (longest common subsequence; outputs are short): `  ` both, `- ` expected only,
// `+ ` actual only.
std::string diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
    auto n = expected.size(), m = actual.size();
    std::vector<std::vector<int>> common(n + 1, std::vector<int>(m + 1, 0));
    for (auto i = n; i-- > 0;)
        for (auto j = m; j-- > 0;)
            common[i][j] =
                expected[i] == actual[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    std::string out;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && expected[i] == actual[j]) {
            out += "    " + expected[i++] + "\n";
            ++j;
        } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
            out += "  - " + expected[i++] + "\n";
        } else {
            out += "  + " + actual[j++] + "\n";
        }
    }
    return out.empty() ? "    (empty)\n" : out;
}

std::string indented(const std::string& text) {
    std::string out;
    for (const auto& line : lines_of(text))
        out += "    " + line + "\n";
    return out.empty() ? "    (empty)\n" : out;
}

struct Outcome {
    int exit_code = 0;
    std::string out, err;
};

// `@ tables`: the tables the revisions created; `@ log`: the sections that ran since the last
// `@ log`, in the order they ran.
Outcome check_database(const std::string& check, const std::filesystem::path& dir) {
    auto url = "sqlite:///" + (dir / "db.sqlite").string();
    if (check == "tables")
        return {0,
                query(url, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' "
                           "ESCAPE '\\' ORDER BY name;"),
                ""};
    return {0,
            query(url, "CREATE TABLE IF NOT EXISTS case_log (step TEXT); SELECT step FROM case_log ORDER BY "
                       "rowid; DELETE FROM case_log;"),
            ""};
}

// Every way `outcome` misses `expect`; empty when it meets it.
std::string mismatches(const Expectation& expect, const Outcome& outcome) {
    std::string report;
    if (outcome.exit_code != expect.exit_code)
        report += fmt::format("  exit code: expected {}, got {}\n", expect.exit_code, outcome.exit_code);
    auto actual = lines_of(outcome.out);
    if (expect.has_out && actual != expect.out)
        report += "  stdout differs (- expected, + actual):\n" + diff(expect.out, actual);
    auto both = outcome.out + "\n" + outcome.err;
    for (const auto& text : expect.contains)
        if (both.find(text) == std::string::npos)
            report += fmt::format("  output lacks: {}\n", text);
    for (const auto& text : expect.lacks)
        if (both.find(text) != std::string::npos)
            report += fmt::format("  output should not contain: {}\n", text);
    if (report.empty())
        return report;
    if (!expect.has_out)
        report += "  stdout:\n" + indented(outcome.out);
    return report + "  stderr:\n" + indented(outcome.err);
}

void run_case(const std::filesystem::path& file) {
    GraphCase graph_case;
    try {
        graph_case = parse_case(file);
    } catch (const CaseSyntaxError& e) {
        FAIL_CHECK(e.what());
        return;
    }
    TempDir dir;
    write_graph(graph_case, dir.path());
    auto name = std::filesystem::relative(file, TRELLIS_SOURCE_DIR).string();
    for (const auto& step : graph_case.steps) {
        if (step.kind == StepKind::write_file) {
            write_file(dir / step.text, step.content);
            continue;
        }
        Outcome outcome;
        if (step.kind == StepKind::check) {
            outcome = check_database(step.text, dir.path());
        } else {
            auto result = run_trellis(step.args, dir.path());
            outcome = {result.exit_code, result.out, result.err};
        }
        outcome.out = portable(outcome.out, dir.path());
        outcome.err = portable(outcome.err, dir.path());
        auto report = mismatches(step.expect, outcome);
        if (!report.empty())
            FAIL_CHECK(fmt::format("{}:{}: {} {}\n{}", name, step.line,
                                   step.kind == StepKind::check ? "@" : "$ trellis", step.text, report));
    }
}

} // namespace

TEST_CASE("graph cases: the folder holds the cases the issue asks for") {
    CHECK_MESSAGE(case_files().size() >= 45, "expected at least 45 cases in " << TRELLIS_GRAPH_CASES);
}

TEST_CASE("graph cases") {
    for (const auto& file : case_files()) {
        SUBCASE(file.filename().string().c_str()) {
            run_case(file);
        }
    }
}

} // namespace trellis::test
