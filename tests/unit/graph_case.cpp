#include "graph_case.hpp"

#include "support.hpp"

#include <fmt/format.h>
#include <fstream>

namespace trellis::test {

namespace {

constexpr const char* k_default_date = "2026-01-01T00:00:00Z";

bool starts_with_word(std::string_view line, std::string_view word) {
    return line == word || (line.starts_with(word) && line.size() > word.size() && line[word.size()] == ' ');
}

std::string_view trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos)
        return {};
    auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::vector<std::string> words_of(std::string_view s) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < s.size()) {
        auto start = s.find_first_not_of(" \t", at);
        if (start == std::string_view::npos)
            break;
        auto end = s.find_first_of(" \t", start);
        if (end == std::string_view::npos)
            end = s.size();
        words.emplace_back(s.substr(start, end - start));
        at = end;
    }
    return words;
}

// `a, b,c` as written across one or more words: the names without commas.
void append_names(std::vector<std::string>& to, const std::string& word) {
    std::size_t at = 0;
    while (at <= word.size()) {
        auto comma = word.find(',', at);
        if (comma == std::string::npos)
            comma = word.size();
        if (comma > at)
            to.push_back(word.substr(at, comma - at));
        at = comma + 1;
    }
}

void drop_trailing_blanks(std::vector<std::string>& lines) {
    while (!lines.empty() && trim(lines.back()).empty())
        lines.pop_back();
}

class CaseParser {
public:
    explicit CaseParser(const std::filesystem::path& file) {
        m_case.source = file;
        std::ifstream in(file);
        if (!in)
            throw CaseSyntaxError(fmt::format("{}: cannot read", file.string()));
        for (std::string line; std::getline(in, line);)
            m_lines.push_back(line);
    }

    GraphCase parse() {
        while (m_at < m_lines.size()) {
            const std::string line = m_lines[m_at];
            int number = line_number();
            ++m_at;
            if (trim(line).empty() || line.starts_with("#"))
                continue;
            if (starts_with_word(line, "branch"))
                parse_branch(line, number);
            else if (starts_with_word(line, "file"))
                parse_file(line, number);
            else if (line == "ini")
                parse_ini(number);
            else if (line.starts_with("$ ") || line.starts_with("@ "))
                parse_step(line, number);
            else
                fail(number, fmt::format("expected `branch`, `file`, `ini`, `$ COMMAND` or `@ CHECK`, not `{}`", line));
        }
        return std::move(m_case);
    }

private:
    int line_number() const { return static_cast<int>(m_at) + 1; }

    [[noreturn]] void fail(int line, const std::string& what) const {
        throw CaseSyntaxError(fmt::format("{}:{}: {}", m_case.source.string(), line, what));
    }

    void require_before_steps(int number, std::string_view what) const {
        if (!m_case.steps.empty())
            fail(number, fmt::format("`{}` after the first command: declare the graph first", what));
    }

    // The indented lines that follow (blank lines included, trailing ones dropped), with the
    // two-space indentation removed.
    std::vector<std::string> indented_block() {
        std::vector<std::string> block;
        while (m_at < m_lines.size()) {
            const auto& line = m_lines[m_at];
            if (!trim(line).empty() && !line.starts_with(" "))
                break;
            block.push_back(line.starts_with("  ") ? line.substr(2) : std::string(trim(line)));
            ++m_at;
        }
        drop_trailing_blanks(block);
        return block;
    }

    void parse_branch(const std::string& line, int number) {
        require_before_steps(number, "branch");
        CaseBranch branch;
        auto words = words_of(std::string_view(line).substr(6));
        if (words.empty())
            fail(number, "`branch` needs a name");
        branch.name = words[0];
        if (words.size() > 1) {
            if (words[1] != ":")
                fail(number, "expected `branch NAME : DEP, ...`");
            for (std::size_t k = 2; k < words.size(); ++k)
                append_names(branch.depends, words[k]);
        }
        int first = line_number();
        auto block = indented_block();
        for (std::size_t k = 0; k < block.size(); ++k) {
            auto text = trim(block[k]);
            if (!text.empty() && !text.starts_with("#"))
                branch.revisions.push_back(parse_revision(text, first + static_cast<int>(k)));
        }
        m_case.branches.push_back(std::move(branch));
    }

    CaseRevision parse_revision(std::string_view text, int number) const {
        CaseRevision revision;
        auto words = words_of(text);
        revision.id = words[0];
        std::vector<std::string>* list = nullptr;
        for (std::size_t k = 1; k < words.size(); ++k) {
            const auto& word = words[k];
            if (word == "<-") {
                list = &revision.parents;
            } else if (word == "depends") {
                list = &revision.depends;
            } else if (word == "labels") {
                list = &revision.labels;
            } else if (word == "irreversible") {
                revision.irreversible = true;
                list = nullptr;
            } else if (word == "date") {
                if (k + 1 >= words.size())
                    fail(number, "`date` needs a value");
                revision.date = words[++k];
                list = nullptr;
            } else if (word == "message") {
                auto at = text.find("message") + 7;
                revision.message = std::string(trim(text.substr(at)));
                break;
            } else if (list) {
                append_names(*list, word);
            } else {
                fail(number, fmt::format("unexpected `{}` in a revision line (keywords: <-, depends, labels, "
                                         "date, irreversible, message)",
                                         word));
            }
        }
        return revision;
    }

    void parse_file(const std::string& line, int number) {
        auto path = std::string(trim(std::string_view(line).substr(4)));
        if (path.empty())
            fail(number, "`file` needs a path");
        std::string content;
        for (const auto& l : indented_block())
            content += l + "\n";
        if (m_case.steps.empty()) {
            m_case.files.push_back({path, content});
            return;
        }
        CaseStep step;
        step.kind = StepKind::write_file;
        step.line = number;
        step.text = path;
        step.content = content;
        m_case.steps.push_back(std::move(step));
    }

    void parse_ini(int number) {
        require_before_steps(number, "ini");
        for (const auto& l : indented_block())
            m_case.ini_lines.push_back(l);
    }

    void parse_step(const std::string& line, int number) {
        CaseStep step;
        step.line = number;
        step.text = std::string(trim(std::string_view(line).substr(2)));
        step.kind = line.starts_with("$") ? StepKind::command : StepKind::check;
        step.args = words_of(step.text);
        if (step.args.empty())
            fail(number, "empty command");
        if (step.kind == StepKind::check && step.text != "tables" && step.text != "log")
            fail(number, fmt::format("unknown check `@ {}` (known: tables, log)", step.text));
        step.expect = parse_expectation();
        m_case.steps.push_back(std::move(step));
    }

    static bool ends_expectation(const std::string& line) {
        return line.starts_with("$ ") || line.starts_with("@ ") || starts_with_word(line, "file");
    }

    Expectation parse_expectation() {
        Expectation expect;
        while (m_at < m_lines.size() && !ends_expectation(m_lines[m_at])) {
            const auto& line = m_lines[m_at];
            int number = line_number();
            ++m_at;
            if (line.starts_with("#"))
                continue;
            if (line.starts_with("! exit ")) {
                try {
                    expect.exit_code = std::stoi(line.substr(7));
                } catch (const std::exception&) {
                    fail(number, "expected `! exit N`");
                }
            } else if (line.starts_with("!~ ")) {
                expect.lacks.push_back(line.substr(3));
            } else if (line.starts_with("~ ")) {
                expect.contains.push_back(line.substr(2));
            } else if (line.starts_with("| ") || line == "|") {
                expect.out.push_back(line.size() > 2 ? line.substr(2) : "");
            } else {
                expect.out.push_back(line);
            }
        }
        drop_trailing_blanks(expect.out);
        expect.has_out = !expect.out.empty();
        return expect;
    }

    std::vector<std::string> m_lines;
    std::size_t m_at = 0;
    GraphCase m_case;
};

std::string list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

// The SQL of each section: a real table per revision, so upgrades and downgrades run on SQLite,
// and a row in `case_log` so a case can check the order in which they ran.
std::string section_sql(const CaseRevision& r, bool up) {
    return fmt::format("CREATE TABLE IF NOT EXISTS case_log (step TEXT);\n"
                       "INSERT INTO case_log VALUES ('{} {}');\n"
                       "{};\n",
                       up ? "up" : "down", r.id,
                       up ? fmt::format("CREATE TABLE t_{} (x INTEGER)", r.id) : fmt::format("DROP TABLE t_{}", r.id));
}

std::string ini_text(const GraphCase& graph_case) {
    std::string ini = "url = sqlite:///db.sqlite\n";
    for (const auto& line : graph_case.ini_lines)
        ini += line + "\n";
    for (const auto& branch : graph_case.branches) {
        ini += fmt::format("\n[plugin.{}]\nversion_path = {}\n", branch.name, branch.name);
        if (!branch.depends.empty())
            ini += fmt::format("depends = {}\n", list(branch.depends));
    }
    return ini;
}

} // namespace

GraphCase parse_case(const std::filesystem::path& file) {
    return CaseParser(file).parse();
}

std::string revision_file_text(const CaseRevision& r) {
    std::string date = r.date.empty() ? k_default_date : r.date;
    if (date.size() == 10) // `2026-01-02`: a day, at midnight
        date += "T00:00:00Z";
    std::string text = fmt::format("-- revision: {}\n-- down_revision: {}\n", r.id, list(r.parents));
    if (!r.labels.empty())
        text += fmt::format("-- branch_labels: {}\n", list(r.labels));
    if (!r.depends.empty())
        text += fmt::format("-- depends_on: {}\n", list(r.depends));
    text += fmt::format("-- message: {}\n-- create_date: {}\n\n", r.message, date);
    text += "-- +upgrade\n" + section_sql(r, true) + "\n";
    text += r.irreversible ? std::string("-- +irreversible\n") : "-- +downgrade\n" + section_sql(r, false);
    return text;
}

void write_graph(const GraphCase& graph_case, const std::filesystem::path& dir) {
    write_file(dir / "trellis.ini", ini_text(graph_case));
    for (const auto& branch : graph_case.branches) {
        std::filesystem::create_directories(dir / branch.name);
        for (const auto& r : branch.revisions)
            write_file(dir / branch.name / (r.id + ".sql"), revision_file_text(r));
    }
    for (const auto& file : graph_case.files)
        write_file(dir / file.path, file.content);
}

} // namespace trellis::test
