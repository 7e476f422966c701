#include "schema/constraint_names.hpp"
#include "schema/ddl_read.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/reflect_dialects.hpp"
#include "schema/types.hpp"
#include "sql/scanner.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace trellis {

namespace {

// The text inside the parentheses that open at `open`, and where they close.
std::pair<std::string, std::size_t> parenthesised(const std::string& s, std::size_t open) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = open; i < s.size(); ++i) {
        char c = s[i];
        if (quote) {
            quote = c == quote ? 0 : quote;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`')
            quote = c;
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if (depth == 0)
            return {s.substr(open + 1, i - open - 1), i};
    }
    return {s.substr(open + 1), s.size()};
}

// Splits on the commas outside parentheses and quotes.
std::vector<std::string> top_level(const std::string& s) {
    std::vector<std::string> out{""};
    int depth = 0;
    char quote = 0;
    for (char c : s) {
        if (quote)
            quote = c == quote ? 0 : quote;
        else if (c == '\'' || c == '"' || c == '`')
            quote = c;
        else
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if (c == ',' && depth == 0 && !quote)
            out.emplace_back();
        else
            out.back() += c;
    }
    for (auto& piece : out)
        piece = std::string(text::trim(piece));
    return out;
}

// The first word of a definition (a name, maybe quoted) and the rest.
std::pair<std::string, std::string> first_word(const std::string& s) {
    std::size_t end = 0;
    if (!s.empty() && (s[0] == '"' || s[0] == '`' || s[0] == '[')) {
        char close = s[0] == '[' ? ']' : s[0];
        end = s.find(close, 1);
        end = end == std::string::npos ? s.size() : end + 1;
    } else {
        while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != '(')
            ++end;
    }
    return {s.substr(0, end), std::string(text::trim(s.substr(end)))};
}

// `sql` with its comments blanked: SQLite keeps a CREATE TABLE as written, comments included, and
// an apostrophe in one (`-- the demo's tables`) would otherwise read as a string to the end.
std::string without_comments(const std::string& sql) {
    std::string out = sql;
    sql::Scanner scanner(sql);
    for (auto l = scanner.next(); l.kind != sql::LexemeKind::end; l = scanner.next())
        if (l.kind == sql::LexemeKind::line_comment || l.kind == sql::LexemeKind::block_comment)
            for (auto i = l.begin; i < l.end; ++i)
                out[i] = out[i] == '\n' ? '\n' : ' ';
    return out;
}

// What a CREATE TABLE statement says that no pragma does: constraint names, AUTOINCREMENT,
// generation expressions, deferrable keys.
struct TableText {
    std::string sql;                      // the CREATE TABLE
    std::vector<std::string> definitions; // columns and table constraints, as written

    explicit TableText(const std::string& written)
        : sql(written) {
        auto sql = without_comments(written);
        auto open = sql.find('(');
        if (open != std::string::npos)
            definitions = top_level(parenthesised(sql, open).first);
    }

    // A column's definition, after its name and type.
    std::string column(const std::string& name) const {
        for (const auto& d : definitions)
            if (auto [word, rest] = first_word(d); unquote(word) == name)
                return rest;
        return "";
    }

    // `CONSTRAINT name <kind> (columns)`: the name, for `kind` "primary", "unique" or "foreign".
    std::string name_of(const std::string& kind, const std::vector<std::string>& columns) const {
        for (const auto& d : definitions) {
            auto [word, rest] = first_word(d);
            if (text::to_lower(word) == "constraint") {
                auto [name, clause] = first_word(rest);
                auto [clause_kind, tail] = first_word(clause);
                if (text::to_lower(clause_kind) == kind && columns_of(tail) == columns)
                    return unquote(name);
            } else if ((kind == "primary" || kind == "foreign") && columns.size() == 1 && unquote(word) == columns[0]) {
                // Inline: `id INTEGER CONSTRAINT pk PRIMARY KEY`, `poc_id INTEGER CONSTRAINT fk_x
                // REFERENCES attendee (id)` (how trellis writes a single-column key on SQLite).
                auto lower = text::to_lower(rest);
                for (auto at = lower.find("constraint "); at != std::string::npos;
                     at = lower.find("constraint ", at + 1)) {
                    auto [name, clause] = first_word(std::string(text::trim(rest.substr(at + 11))));
                    auto clause_kind = text::to_lower(first_word(clause).first);
                    if (clause_kind == (kind == "primary" ? "primary" : "references"))
                        return unquote(name);
                }
            }
        }
        return "";
    }

    // The table-level `FOREIGN KEY (columns) ...` clause, or the REFERENCES of a column.
    std::string key_clause(const std::vector<std::string>& columns) const {
        for (const auto& d : definitions) {
            auto lower = text::to_lower(d);
            auto at = lower.find("foreign key");
            if (at != std::string::npos && columns_of(d.substr(at + 11)) == columns)
                return lower;
            if (columns.size() == 1 && unquote(first_word(d).first) == columns[0] &&
                lower.find(" references ") != std::string::npos)
                return lower;
        }
        return "";
    }

    static std::vector<std::string> columns_of(const std::string& tail) {
        auto open = tail.find('(');
        std::vector<std::string> out;
        if (open == std::string::npos)
            return out;
        for (const auto& c : top_level(parenthesised(tail, open).first))
            out.push_back(unquote(first_word(c).first));
        return out;
    }
};

// A string literal's text (`'it''s'` -> `it's`), or nullopt when `s` is not one literal.
std::optional<std::string> string_value(const std::string& s) {
    if (s.size() < 2 || s.front() != '\'' || s.back() != '\'')
        return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '\'' && s[i + 1] != '\'')
            return std::nullopt;
        out += s[i];
        i += s[i] == '\'' ? 1 : 0;
    }
    return out;
}

// An enum column as trellis writes it on SQLite: a declared type it does not model and
// `CHECK ("col" IN ('a', 'b'))` (schema/ddl.hpp). The labels, or nullopt for any other check.
std::optional<std::vector<std::string>> enum_labels(const std::string& name, const std::string& definition) {
    auto at = text::to_lower(definition).find("check");
    auto open = at == std::string::npos ? std::string::npos : definition.find('(', at);
    if (open == std::string::npos)
        return std::nullopt;
    auto [column, rest] = first_word(std::string(text::trim(parenthesised(definition, open).first)));
    auto [in, list] = first_word(rest);
    if (unquote(column) != name || text::to_lower(in) != "in" || !list.starts_with("("))
        return std::nullopt;
    std::vector<std::string> labels;
    for (const auto& item : top_level(parenthesised(list, 0).first)) {
        auto label = string_value(item);
        if (!label)
            return std::nullopt;
        labels.push_back(*label);
    }
    return labels;
}

std::optional<std::string> generation(const std::string& definition) {
    auto lower = text::to_lower(definition);
    auto at = lower.find(" as (");
    if (at == std::string::npos && lower.starts_with("as ("))
        at = 0;
    if (at == std::string::npos)
        return std::nullopt;
    return plain_expression(parenthesised(definition, definition.find('(', at)).first);
}

void read_columns(Database& db, std::map<std::string, Table>& tables, std::map<std::string, TableText>& texts,
                  const SkipTable& skip) {
    std::map<std::string, std::vector<std::pair<int, std::string>>> primary;
    for (const auto& r : db.query("SELECT m.name, m.sql, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
                                  "FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p "
                                  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                  "ORDER BY m.name, p.cid")) {
        auto name = cell(r, 0);
        if (skip(name))
            continue;
        auto [it, fresh] = tables.try_emplace(name);
        auto& table = it->second;
        if (fresh) {
            table.name = name;
            texts.emplace(name, TableText(cell(r, 1)));
        }
        const auto& text_of = texts.at(name);
        Column column;
        column.name = cell(r, 2);
        column.type = column_type(cell(r, 3));
        column.nullable = cell(r, 4) == "0";
        auto definition = text_of.column(column.name);
        if (cell(r, 7) == "2" || cell(r, 7) == "3")
            column.generated = generation(definition);
        else
            column.server_default = normalize_default(r[5], column.type.kind);
        column.auto_increment = text::to_lower(definition).find("autoincrement") != std::string::npos;
        if (column.type.kind == ColumnKind::other && !column.type.array)
            if (auto labels = enum_labels(column.name, definition))
                column.type = types::enumeration(column.type.spelling, *labels);
        table.columns.push_back(column);
        if (auto pk = std::atoi(cell(r, 6).c_str()); pk > 0)
            primary[name].emplace_back(pk, column.name);
    }
    for (auto& [name, columns] : primary) {
        std::sort(columns.begin(), columns.end());
        for (const auto& [position, column] : columns)
            tables[name].primary_key.push_back(column);
        tables[name].primary_key_name = texts.at(name).name_of("primary", tables[name].primary_key);
    }
}

// `CREATE INDEX name ON table (key, ...) WHERE predicate`: keys and predicate as written.
void parse_index(const std::string& sql, Index& index) {
    auto lower = text::to_lower(sql);
    auto on = lower.find(" on ");
    auto open = on == std::string::npos ? std::string::npos : sql.find('(', on);
    if (open == std::string::npos)
        return;
    auto [keys, close] = parenthesised(sql, open);
    index.columns.clear();
    for (const auto& key : top_level(keys))
        index.columns.push_back(index_key(key).entry());
    auto rest = std::string(text::trim(sql.substr(std::min(close + 1, sql.size()))));
    if (text::to_lower(rest).starts_with("where"))
        index.where = plain_expression(rest.substr(5));
}

void read_indexes(Database& db, std::map<std::string, Table>& tables, std::map<std::string, TableText>& texts) {
    // origin c is CREATE INDEX, u a UNIQUE constraint, pk the primary key.
    for (const auto& r : db.query("SELECT m.name, il.name, il.\"unique\", il.origin, "
                                  "(SELECT group_concat(coalesce(ii.name, ''), char(31)) FROM "
                                  "(SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii), "
                                  "(SELECT s.sql FROM sqlite_master s WHERE s.type = 'index' AND s.name = il.name) "
                                  "FROM sqlite_master m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' "
                                  "ORDER BY m.name, il.name")) {
        auto it = tables.find(cell(r, 0));
        if (it == tables.end())
            continue;
        auto& table = it->second;
        Index index{cell(r, 1), text::split_list(cell(r, 4), '\x1f'), cell(r, 2) == "1", ""};
        if (cell(r, 3) == "c") {
            parse_index(cell(r, 5), index);
            table.indexes.push_back(index);
        } else if (cell(r, 3) == "u") {
            auto name = texts.at(table.name).name_of("unique", index.columns);
            if (name.empty()) // PostgreSQL's name for it, so that a PostgreSQL section names what it drops
                name = default_key_name(table.name, index.columns, "key");
            table.uniques.push_back({name, index.columns});
        }
    }
}

void read_keys_and_checks(Database& db, std::map<std::string, Table>& tables, std::map<std::string, TableText>& texts) {
    std::map<std::pair<std::string, std::string>, ForeignKey> keys;
    for (const auto& r : db.query("SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
                                  "FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f "
                                  "WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq")) {
        if (!tables.count(cell(r, 0)))
            continue;
        auto& fk = keys[{cell(r, 0), cell(r, 1)}];
        fk.referred_table = cell(r, 2);
        fk.columns.push_back(cell(r, 3));
        fk.referred_columns.push_back(cell(r, 4));
        fk.on_update = parse_action(cell(r, 5));
        fk.on_delete = parse_action(cell(r, 6));
    }
    for (auto& [key, fk] : keys) {
        const auto& text_of = texts.at(key.first);
        fk.name = text_of.name_of("foreign", fk.columns);
        if (fk.name.empty())
            fk.name = default_key_name(key.first, fk.columns, "fkey");
        auto clause = text_of.key_clause(fk.columns);
        fk.initially_deferred = clause.find("initially deferred") != std::string::npos;
        fk.deferrable = fk.initially_deferred || (clause.find("deferrable") != std::string::npos &&
                                                  clause.find("not deferrable") == std::string::npos);
        tables[key.first].foreign_keys.push_back(fk);
    }
    // Checks, named or not, at table level or on a column: PostgreSQL's name for one without. The
    // check that spells an enum column's labels is that column's type, not a check of its own.
    auto enum_check = [](const Table& table, const ConstraintFound& k) {
        auto definition = "CHECK (" + k.expression + ")";
        return k.name.empty() && std::any_of(table.columns.begin(), table.columns.end(), [&](const Column& c) {
                   return c.type.kind == ColumnKind::enumeration && enum_labels(c.name, definition) == c.type.values;
               });
    };
    for (auto& [name, table] : tables) {
        SqlFound found;
        read_statement(texts.at(name).sql, false, found);
        std::vector<std::string> columns;
        for (const auto& c : table.columns)
            columns.push_back(c.name);
        for (const auto& [created_name, created] : found.created)
            for (const auto& k : created.constraints)
                if (k.kind == "check" && !enum_check(table, k))
                    table.checks.push_back(
                        {k.name.empty() ? default_check_name(name, k.expression, columns) : k.name, k.expression});
    }
}

} // namespace

void reflect_sqlite(Database& db, std::map<std::string, Table>& tables, std::vector<SchemaObject>& objects,
                    const SkipTable& skip) {
    std::map<std::string, TableText> texts;
    read_columns(db, tables, texts, skip);
    read_indexes(db, tables, texts);
    read_keys_and_checks(db, tables, texts);
    for (const auto& r : db.query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', "
                                  "'trigger') AND sql IS NOT NULL ORDER BY rowid"))
        objects.push_back({cell(r, 0), cell(r, 1), cell(r, 2), cell(r, 3)});
}

} // namespace trellis
