#include "commands/ownership.hpp"

#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

namespace trellis {

namespace {

// The words of a statement, lower-cased, quotes taken off, comments left out; punctuation
// `( ) , ; .` as words of their own.
std::vector<std::string> words_of(const std::string& sql) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < sql.size();) {
        char c = sql[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            i = sql.find('\n', i);
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            i = sql.find("*/", i);
            i = i == std::string::npos ? i : i + 2;
        } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
            char close = c == '[' ? ']' : c;
            auto end = sql.find(close, i + 1);
            if (c != '\'')
                out.push_back(text::to_lower(sql.substr(i + 1, end - i - 1)));
            else
                out.push_back("'");
            i = end == std::string::npos ? end : end + 1;
        } else if (std::string_view("(),;.").find(c) != std::string_view::npos) {
            out.emplace_back(1, c);
            ++i;
        } else {
            auto end = i;
            while (end < sql.size() && !std::isspace(static_cast<unsigned char>(sql[end])) &&
                   std::string_view("(),;.\"'`[").find(sql[end]) == std::string_view::npos)
                ++end;
            out.push_back(text::to_lower(sql.substr(i, end - i)));
            i = end;
        }
    }
    return out;
}

class Reader {
public:
    explicit Reader(std::vector<std::string> words)
        : m_words(std::move(words)) {}

    bool done() const { return m_at >= m_words.size(); }
    // Consumes the words if they come next.
    bool accept(std::initializer_list<std::string_view> expected) {
        auto at = m_at;
        for (auto e : expected)
            if (at >= m_words.size() || m_words[at++] != e)
                return false;
        m_at = at;
        return true;
    }
    // A possibly schema-qualified name: its last part.
    std::string name() {
        if (done())
            return "";
        auto out = m_words[m_at++];
        while (m_at + 1 < m_words.size() && m_words[m_at] == ".")
            out = m_words[m_at + 1], m_at += 2;
        return out;
    }
    void skip() { ++m_at; }
    // Moves past the next `,` outside parentheses; false at the end.
    bool next_item() {
        for (int depth = 0; m_at < m_words.size(); ++m_at) {
            const auto& w = m_words[m_at];
            depth += w == "(" ? 1 : w == ")" ? -1 : 0;
            if (depth == 0 && w == ",") {
                ++m_at;
                return true;
            }
        }
        return false;
    }

private:
    std::vector<std::string> m_words;
    std::size_t m_at = 0;
};

bool constraint_word(const std::string& w) {
    static const std::set<std::string> k_words{"constraint", "primary", "unique", "foreign", "check", "exclude", "("};
    return k_words.count(w) > 0;
}

// What one statement creates (an upgrade), or, read from a stored downgrade, what the revision
// had created (its downgrade drops it).
struct Found {
    std::vector<std::string> tables, columns, indexes; // columns as `table.column`
    // A stored downgrade that rebuilds a table (SQLite): the new table's columns, and its rename.
    std::map<std::string, std::vector<std::string>> created_with;
    std::map<std::string, std::string> renamed; // new table -> the name it takes
};

// `( a INTEGER, b TEXT, PRIMARY KEY (a) )`: a, b.
std::vector<std::string> column_list(Reader& r) {
    std::vector<std::string> out;
    if (!r.accept({"("}))
        return out;
    do {
        auto word = r.name();
        if (!word.empty() && !constraint_word(word) && word != ")")
            out.push_back(word);
    } while (r.next_item());
    return out;
}

void read_statement(const std::string& sql, bool downgrade, Found& found) {
    Reader r(words_of(sql));
    if (downgrade && r.accept({"create", "table"})) {
        r.accept({"if", "not", "exists"});
        auto table = r.name();
        found.created_with[table] = column_list(r);
        return;
    }
    auto creating = downgrade ? "drop" : "create";
    if (r.accept({creating})) {
        r.accept({"unique"});
        if (r.accept({"table"})) {
            do {
                r.accept({"if", "not", "exists"}) || r.accept({"if", "exists"});
                found.tables.push_back(r.name());
            } while (downgrade && r.accept({","}));
        } else if (r.accept({"index"})) {
            r.accept({"concurrently"});
            r.accept({"if", "not", "exists"}) || r.accept({"if", "exists"});
            found.indexes.push_back(r.name());
        }
        return;
    }
    if (!r.accept({"alter", "table"}))
        return;
    r.accept({"if", "exists"});
    r.accept({"only"});
    auto table = r.name();
    if (r.accept({"rename", "to"})) {
        found.renamed[table] = r.name();
        return;
    }
    auto adding = downgrade ? "drop" : "add";
    do {
        if (!r.accept({adding}))
            continue;
        r.accept({"column"});
        r.accept({"if", "not", "exists"}) || r.accept({"if", "exists"});
        auto column = r.name();
        if (!column.empty() && !constraint_word(column))
            found.columns.push_back(table + "." + column);
    } while (r.next_item());
}

std::string key(const std::string& name) {
    return text::to_lower(name);
}

std::string lookup(const std::map<std::string, std::string>& map, const std::string& name) {
    auto it = map.find(key(name));
    return it == map.end() ? "" : it->second;
}

} // namespace

Ownership::Ownership(const Graph& graph, const std::vector<LoadedPlugin>& plugins,
                     const std::vector<std::string>& applied) {
    for (const auto& branch : graph.branches()) {
        auto plugin = std::find_if(plugins.begin(), plugins.end(),
                                   [&](const LoadedPlugin& p) { return p.descriptor.name == branch.label(); });
        if (plugin != plugins.end())
            m_kinds[branch.label()] = plugin->has_models() ? OwnerKind::modelled : OwnerKind::sql_only;
        else // a branch the config declares has a version path; one only the ledger knows has none
            m_kinds[branch.label()] = branch.spec.version_path.empty() ? OwnerKind::gone : OwnerKind::sql_only;
    }
    std::vector<bool> done(graph.size(), false);
    auto visit = [&](int i) {
        if (!done[i])
            read(graph.revision(i), graph.branch(graph.branch_of(i)).label());
        done[i] = true;
    };
    for (const auto& id : applied)
        if (auto i = graph.find(id))
            visit(*i);
    for (int i : graph.order())
        visit(i);
}

void Ownership::read(const Revision& revision, const std::string& branch) {
    Found found;
    // A revision whose file is gone kept only its downgrade: what it drops, it had created.
    auto wanted = revision.from_ledger ? SectionKind::downgrade : SectionKind::upgrade;
    // Every dialect's section: a SQLite rebuild says less than PostgreSQL's ALTER of one change.
    for (const auto& section : revision.sections)
        if (section.kind == wanted)
            for (const auto& statement : split_statements(section))
                if (statement.call.empty())
                    read_statement(statement.sql, revision.from_ledger, found);
    for (const auto& t : found.tables) {
        // A rebuild drops the table and renames the new one into its place: it made nothing.
        bool rebuilt = std::any_of(found.renamed.begin(), found.renamed.end(),
                                   [&](const auto& rename) { return key(rename.second) == key(t); });
        if (!rebuilt)
            m_tables.emplace(key(t), branch);
    }
    for (const auto& c : found.columns)
        m_columns.emplace(key(c), branch);
    for (const auto& i : found.indexes)
        m_indexes.emplace(key(i), branch);
    for (const auto& [from, to] : found.renamed)
        if (auto it = found.created_with.find(from); it != found.created_with.end())
            m_rebuilt.push_back({key(to), it->second, branch});
}

std::string Ownership::rebuilt_without(const std::string& table, const std::string& column) const {
    for (const auto& r : m_rebuilt)
        if (r.table == key(table) && std::find(r.columns.begin(), r.columns.end(), key(column)) == r.columns.end())
            return r.branch;
    return "";
}

std::string Ownership::table_origin(const std::string& table) const {
    return lookup(m_tables, table);
}

std::string Ownership::column_origin(const std::string& table, const std::string& column) const {
    return lookup(m_columns, table + "." + column);
}

std::string Ownership::index_origin(const std::string& index) const {
    return lookup(m_indexes, index);
}

OwnerKind Ownership::kind(const std::string& branch) const {
    auto it = m_kinds.find(branch);
    return it == m_kinds.end() ? OwnerKind::gone : it->second;
}

namespace {

// The columns an index, key or constraint that an operation drops is on.
std::vector<std::string> columns_of(const Operation& op) {
    if (op.kind == OpKind::drop_index)
        for (const auto& i : op.before.indexes)
            if (i.name == op.subject)
                return i.columns;
    if (op.kind == OpKind::drop_foreign_key)
        for (const auto& f : op.before.foreign_keys)
            if ((f.name.empty() ? text::join(f.columns, ",") : f.name) == op.subject)
                return f.columns;
    if (op.kind == OpKind::drop_unique)
        for (const auto& u : op.before.uniques)
            if (u.name == op.subject)
                return u.columns;
    return {};
}

// What a drop is about, for `left alone: ...`.
std::string what(const Operation& op) {
    switch (op.kind) {
    case OpKind::drop_table:
        return "table " + op.table;
    case OpKind::drop_column:
        return fmt::format("column {}.{}", op.table, op.subject);
    case OpKind::drop_index:
        return fmt::format("index {} on {}", op.subject, op.table);
    case OpKind::drop_foreign_key:
        return fmt::format("foreign key {} on {}", op.subject, op.table);
    default:
        return fmt::format("{} on {}", op.subject, op.table);
    }
}

} // namespace

void Ownership::leave_alone(std::vector<Operation>& operations, std::vector<Kept>& kept,
                            std::vector<std::string>& unowned) const {
    // First the tables and columns, then what sits on those columns.
    std::map<std::string, std::string> columns; // "table.column" -> the branch that created it
    std::erase_if(operations, [&](Operation& op) {
        std::string origin;
        if (op.kind == OpKind::drop_table) {
            origin = table_origin(op.table);
            if (origin.empty()) {
                unowned.push_back(op.table);
                return true;
            }
        } else if (op.kind == OpKind::drop_column) {
            origin = column_origin(op.table, op.subject);
            // A gone plugin's downgrade that rebuilds the table without the column had added it.
            if (origin.empty())
                origin = rebuilt_without(op.table, op.subject);
            // Whoever drops the column drops what sits on it, in the same revision.
            columns[op.table + "." + op.subject] = origin.empty() ? op.owner : origin;
        } else if (op.kind == OpKind::drop_index) {
            origin = index_origin(op.subject);
        }
        if (origin.empty())
            return false;
        if (kind(origin) == OwnerKind::modelled) {
            op.owner = origin;
            return false;
        }
        kept.push_back({origin, kind(origin), what(op)});
        return true;
    });
    std::erase_if(operations, [&](Operation& op) {
        for (const auto& column : columns_of(op)) {
            auto it = columns.find(op.table + "." + column);
            if (it == columns.end() || it->second.empty())
                continue;
            if (kind(it->second) == OwnerKind::modelled) {
                // An index or key on a column that goes away goes with it, in the same revision.
                op.owner = it->second;
                return false;
            }
            kept.push_back({it->second, kind(it->second), what(op)});
            return true;
        }
        return false;
    });
}

std::vector<std::string> gone_notes(const std::vector<Kept>& kept) {
    // What a gone plugin created is named, so that nobody mistakes it for another plugin's; what
    // branches without models own is simply theirs.
    std::map<std::string, std::vector<std::string>> gone;
    for (const auto& k : kept)
        if (k.kind == OwnerKind::gone)
            gone[k.owner].push_back(k.what);
    std::vector<std::string> out;
    for (const auto& [plugin, what] : gone)
        out.push_back(fmt::format("note: left alone, created by plugin `{}`, which is gone (its library is not "
                                  "loaded, its revisions are applied): {}; `trellis downgrade {}@base` uninstalls it",
                                  plugin, text::join(what, ", "), plugin));
    return out;
}

} // namespace trellis
