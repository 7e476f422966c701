#include "lint/lint.hpp"

#include "lint/nolint.hpp"
#include "lint/section_check.hpp"
#include "revision/sql_split.hpp"
#include "sql/pg_parser.hpp"
#include "sql/sqlite_complete.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <tuple>

namespace trellis {

namespace {

using lint::KnownSchema;

// Both dialects run a generic section, and what each knows of the tables can differ (a dialect
// section before it), so the section is checked once per dialect and the findings merged.
constexpr std::array<std::string_view, 2> k_dialects = {"sqlite", "postgresql"};
constexpr std::size_t k_postgresql = 1;

// The statements of `section` on `dialect`, and the quoting their tokens are read with. The
// generic section on SQLite is split as SQLite splits it, unless that split differs from
// PostgreSQL's and SQLite cannot parse a piece of it: then the section is PostgreSQL's SQL (a
// `$$` function body) that no SQLite database runs whole, and lint reads it as PostgreSQL
// splits it rather than lint the statements of a function body as the section's own.
std::pair<std::vector<Statement>, sql::Quoting> statements_on(const Section& section, std::string_view dialect) {
    auto statements = split_statements(section, dialect);
    if (dialect != "sqlite")
        return {std::move(statements), sql::Quoting::postgresql};
    if (!section.dialect.empty())
        return {std::move(statements), sql::Quoting::sqlite};
    auto postgres = split_statements(section, "postgresql");
    auto same = [](const Statement& a, const Statement& b) { return a.sql == b.sql && a.call == b.call; };
    if (std::equal(statements.begin(), statements.end(), postgres.begin(), postgres.end(), same))
        return {std::move(statements), sql::Quoting::sqlite};
    std::vector<std::string> pieces;
    for (const auto& s : statements)
        if (s.call.empty())
            pieces.push_back(s.sql);
    if (sql::sqlite_parses(pieces))
        return {std::move(statements), sql::Quoting::sqlite};
    return {std::move(postgres), sql::Quoting::postgresql};
}

const LintRule& rule(std::string_view code) {
    const auto& rules = lint_rules();
    return *std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
}

// The section's statements read by PostgreSQL's parser: the trees of those it parses, a T001
// finding for each it rejects (whose token-level rules still run). Without the parser, a note.
struct ParsedSection {
    std::vector<sql::PgParse> parses;
    std::vector<std::vector<const sql::Node*>> trees;
    std::vector<lint::SectionFinding> syntax;
};

// The parser's message on one line and short: `at or near "..."` quotes the rest of the statement.
std::string one_line(const std::string& message) {
    constexpr std::size_t k_longest = 160;
    std::string out;
    for (char c : message) {
        bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
        if (!(space && (out.empty() || out.back() == ' ')))
            out += space ? ' ' : c;
    }
    if (out.size() > k_longest)
        out = out.substr(0, k_longest) + "...";
    return out;
}

ParsedSection parse_section(const std::vector<Statement>& statements, const LintOptions& options) {
    ParsedSection parsed;
    parsed.parses.resize(statements.size());
    parsed.trees.resize(statements.size());
    for (std::size_t i = 0; i < statements.size(); ++i) {
        if (!statements[i].call.empty())
            continue;
        std::string why;
        auto parse = sql::parse_postgres(statements[i].sql, &why);
        if (!parse) {
            auto note = fmt::format("PostgreSQL's parser is not available ({}): the lock, rewrite and syntax rules "
                                    "did not run",
                                    why);
            if (options.notes && std::find(options.notes->begin(), options.notes->end(), note) == options.notes->end())
                options.notes->push_back(std::move(note));
            return {};
        }
        parsed.parses[i] = std::move(*parse);
        const auto& p = parsed.parses[i];
        if (p.tree) {
            for (const auto& stmt : (*p.tree)["stmts"].items())
                parsed.trees[i].push_back(&stmt["stmt"]);
            continue;
        }
        const auto& sql = statements[i].sql;
        auto offset = std::min<std::size_t>(p.error_offset < 0 ? 0 : p.error_offset, sql.size());
        int line = statements[i].line + static_cast<int>(std::count(sql.begin(), sql.begin() + offset, '\n'));
        parsed.syntax.push_back(
            {"T001", i,
             fmt::format("PostgreSQL {} rejects this statement: {}", sql::k_parser_version, one_line(p.error)), "",
             line});
    }
    return parsed;
}

class Linter {
public:
    explicit Linter(const LintOptions& options)
        : m_options(options) {}

    // Checks `revision` against what the revisions before it created, then remembers what it
    // changes; with `report` off it only remembers. `in_run`: its tables are new to the next.
    void read(const Revision& revision, bool report, bool in_run, std::vector<Finding>& out) {
        std::size_t first = out.size();
        m_seen.clear();
        for (std::size_t d = 0; d < k_dialects.size(); ++d) {
            const auto* section = revision.section_for(SectionKind::upgrade, k_dialects[d]);
            if (!section)
                continue;
            auto [statements, quoting] = statements_on(*section, k_dialects[d]);
            lint::SectionContext context;
            context.pg_version = m_options.pg_version;
            context.transactional = revision.transactional;
            context.in_run = in_run;
            context.quoting = quoting;
            context.known_empty = m_options.known_empty;
            ParsedSection parsed;
            if (d == k_postgresql && report) {
                parsed = parse_section(statements, m_options);
                if (!parsed.trees.empty())
                    context.trees = &parsed.trees;
            }
            auto found = lint::check_section(statements, m_schemas[d], context);
            if (!parsed.syntax.empty() && m_options.notes)
                m_options.notes->push_back(
                    fmt::format("revision {}: {} statement(s) that PostgreSQL {}'s parser rejects were "
                                "read by trellis's scanner only (T001)",
                                revision.id, parsed.syntax.size(), sql::k_parser_version));
            found.insert(found.end(), parsed.syntax.begin(), parsed.syntax.end());
            if (report)
                add(revision, *section, k_dialects[d], statements, found, out);
        }
        std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                         [](const Finding& a, const Finding& b) { return a.line < b.line; });
    }

private:
    // A finding of the generic section that both dialects find is shown once, for both (no
    // dialect); one that a single dialect finds names it. The two passes may word one finding
    // differently (SQLite's reads tokens, PostgreSQL's the parse tree), so findings match by
    // code, line and their order among that code's findings on the line.
    void add(const Revision& revision, const Section& section, std::string_view dialect,
             const std::vector<Statement>& statements, const std::vector<lint::SectionFinding>& found,
             std::vector<Finding>& out) {
        lint::NolintIndex nolint(section);
        std::map<std::pair<std::string, int>, int> ordinal;
        for (const auto& f : found) {
            int line = f.line ? f.line : statements[f.statement].line;
            if (nolint.at(statements[f.statement].line).silences(f.code))
                continue;
            std::tuple<std::string, int, int> seen_key{f.code, line, ordinal[{f.code, line}]++};
            auto same = m_seen.find(seen_key);
            if (same != m_seen.end() && out[same->second].dialect != dialect) {
                out[same->second].dialect.clear();
                continue;
            }
            const auto& r = rule(f.code);
            m_seen[seen_key] = out.size();
            out.push_back({f.code, std::string(r.family), revision.id, revision.path, line, std::string(dialect),
                           f.message, f.hint.empty() ? std::string(r.hint) : f.hint});
        }
    }

    const LintOptions& m_options;
    std::array<KnownSchema, k_dialects.size()> m_schemas;
    std::map<std::tuple<std::string, int, int>, std::size_t> m_seen; // this revision's findings
};

} // namespace

std::vector<Finding> lint_revisions(const Graph& graph, const std::vector<int>& selected, const LintOptions& options) {
    std::vector<bool> wanted(graph.size(), false);
    for (int i : selected)
        wanted[i] = true;
    std::size_t left = std::count(wanted.begin(), wanted.end(), true);
    Linter linter(options);
    std::vector<Finding> findings;
    for (int i : graph.order()) {
        if (left == 0)
            break;
        bool in_run = static_cast<std::size_t>(i) < options.run.size() && options.run[i];
        linter.read(graph.revision(i), wanted[i], in_run, findings);
        left -= wanted[i] ? 1 : 0;
    }
    return findings;
}

std::vector<Finding> lint_revisions(const std::vector<Revision>& revisions, const LintOptions& options) {
    Linter linter(options);
    std::vector<Finding> findings;
    for (std::size_t i = 0; i < revisions.size(); ++i)
        linter.read(revisions[i], i >= options.context, i < options.run.size() && options.run[i], findings);
    return findings;
}

} // namespace trellis
