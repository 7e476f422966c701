#include "lint/lint.hpp"

#include "lint/nolint.hpp"
#include "lint/section_check.hpp"
#include "revision/sql_split.hpp"

#include <algorithm>
#include <array>

namespace trellis {

namespace {

using lint::KnownSchema;

// Both dialects run a generic section, and what each knows of the tables can differ (a dialect
// section before it), so the section is checked once per dialect and the findings merged.
constexpr std::array<std::string_view, 2> k_dialects = {"sqlite", "postgresql"};

const LintRule& rule(std::string_view code) {
    const auto& rules = lint_rules();
    return *std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
}

class Linter {
public:
    // Checks `revision` against what the revisions before it created, then remembers what it
    // changes; with `report` off it only remembers.
    void read(const Revision& revision, bool report, std::vector<Finding>& out) {
        if (revision.from_ledger)
            return; // its upgrade is gone with its file
        std::size_t first = out.size();
        for (std::size_t d = 0; d < k_dialects.size(); ++d) {
            const auto* section = revision.section_for(SectionKind::upgrade, k_dialects[d]);
            if (!section)
                continue;
            auto statements = split_statements(*section);
            auto found = lint::check_section(statements, m_schemas[d]);
            if (report)
                add(revision, *section, k_dialects[d], statements, found, first, out);
        }
        std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                         [](const Finding& a, const Finding& b) { return a.line < b.line; });
    }

private:
    // A finding of the generic section that both dialects find is shown once, for both (no
    // dialect); one that a single dialect finds names it.
    void add(const Revision& revision, const Section& section, std::string_view dialect,
             const std::vector<Statement>& statements, const std::vector<lint::SectionFinding>& found,
             std::size_t first, std::vector<Finding>& out) {
        lint::NolintIndex nolint(section);
        for (const auto& f : found) {
            int line = statements[f.statement].line;
            if (nolint.at(line).silences(f.code))
                continue;
            auto same =
                std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), [&](const Finding& o) {
                    return o.code == f.code && o.line == line && o.message == f.message && !o.dialect.empty() &&
                           o.dialect != dialect;
                });
            if (same != out.end()) {
                same->dialect.clear();
                continue;
            }
            const auto& r = rule(f.code);
            out.push_back({f.code, std::string(r.family), revision.id, revision.path, line, std::string(dialect),
                           f.message, f.hint.empty() ? std::string(r.hint) : f.hint});
        }
    }

    std::array<KnownSchema, k_dialects.size()> m_schemas;
};

} // namespace

const std::vector<LintRule>& lint_rules() {
    static const std::vector<LintRule> rules = {
        {"T101", "destructive", "a table is dropped",
         "Its rows are gone once this runs. If nothing needs them any more, say so with `-- trellis:nolint T101`."},
        {"T102", "destructive", "a column is dropped",
         "Its data is gone once this runs, and code still reading it breaks: deploy code that no longer uses it "
         "first, then silence with `-- trellis:nolint T102`."},
        {"T201", "data", "a NOT NULL column without a default is added to an existing table",
         "Rows already in the table have no value for it: give it a DEFAULT, or add it nullable, fill it, and "
         "make it NOT NULL in a later revision."},
        {"T202", "data", "an existing column is made NOT NULL",
         "Fill the NULLs first (UPDATE ... WHERE column IS NULL) in the same revision, or silence with "
         "`-- trellis:nolint T202` when a step does it."},
        {"T203", "data", "a unique index, unique constraint or primary key is added over existing rows",
         "Look for duplicates first (SELECT columns, count(*) ... GROUP BY columns HAVING count(*) > 1) and "
         "resolve them in the same revision."},
        {"T204", "data", "a column's type is narrowed",
         "Check that every value fits the new type (the longest string, the largest number) before running it."},
        {"T301", "compatibility", "a table or column is renamed",
         "Code deployed against the old name breaks until it is updated; when old and new code run at once, "
         "add the new name, copy, switch the code, then drop the old name."},
        {"T302", "compatibility", "a column is dropped and another added in one revision (it looks like a rename)",
         "If this is a rename, ALTER TABLE ... RENAME COLUMN keeps the data; the DROP loses it."},
    };
    return rules;
}

std::vector<Finding> lint_revisions(const Graph& graph, const std::vector<int>& selected) {
    std::vector<bool> wanted(graph.size(), false);
    for (int i : selected)
        wanted[i] = true;
    std::size_t left = std::count(wanted.begin(), wanted.end(), true);
    Linter linter;
    std::vector<Finding> findings;
    for (int i : graph.order()) {
        if (left == 0)
            break;
        linter.read(graph.revision(i), wanted[i], findings);
        left -= wanted[i] ? 1 : 0;
    }
    return findings;
}

std::vector<Finding> lint_revisions(const std::vector<Revision>& revisions) {
    Linter linter;
    std::vector<Finding> findings;
    for (const auto& revision : revisions)
        linter.read(revision, true, findings);
    return findings;
}

} // namespace trellis
