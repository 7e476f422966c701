#include "schema/ddl.hpp"

#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

std::string sql_string(std::string_view text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string alter_table(const std::string& table) {
    return "ALTER TABLE " + quote(table);
}

namespace {

// SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`: only the one primary-key column, declared inline.
bool sqlite_rowid(const Table& table, const Column& c, Dialect dialect) {
    return dialect == Dialect::sqlite && c.auto_increment && table.primary_key.size() == 1 &&
           table.primary_key.front() == c.name;
}

std::string index_entry(const std::string& entry) {
    auto key = index_key(entry);
    return (key.expression ? "(" + key.text + ")" : quote(key.text)) + (key.descending ? " DESC" : "");
}

// The rows of `q` (a quoted column) whose value `to` cannot hold; empty when trellis cannot tell
// or nothing is lost.
std::string misfit(const std::string& q, const ColumnType& from, const ColumnType& to, Dialect dialect) {
    if (widens_or_keeps(from, to) || from.array || to.array)
        return "";
    if (to.kind == ColumnKind::enumeration && !to.values.empty()) {
        std::vector<std::string> labels;
        for (const auto& l : to.values)
            labels.push_back(sql_string(l));
        return fmt::format("CAST({} AS TEXT) NOT IN ({})", q, text::join(labels, ", "));
    }
    bool stringy = from.kind == ColumnKind::text || from.kind == ColumnKind::varchar ||
                   from.kind == ColumnKind::character || from.kind == ColumnKind::other;
    auto rank = [](ColumnKind k) {
        return k == ColumnKind::smallint ? 1 : k == ColumnKind::integer ? 2 : k == ColumnKind::bigint ? 3 : 0;
    };
    if ((to.kind == ColumnKind::varchar || to.kind == ColumnKind::character) && to.length > 0)
        return stringy ? fmt::format("length({}) > {}", q, to.length)
                       : fmt::format("length(CAST({} AS TEXT)) > {}", q, to.length);
    if (rank(to.kind) && rank(from.kind) > rank(to.kind))
        return to.kind == ColumnKind::integer ? fmt::format("{} NOT BETWEEN -2147483648 AND 2147483647", q)
                                              : fmt::format("{} NOT BETWEEN -32768 AND 32767", q);
    if (to.kind == ColumnKind::numeric && to.precision > 0 && !stringy) {
        auto limit = "1" + std::string(static_cast<std::size_t>(to.precision - to.scale), '0');
        return fmt::format("abs({0}) >= {1} OR CAST({0} AS NUMERIC) <> round(CAST({0} AS NUMERIC), {2})", q, limit,
                           to.scale);
    }
    if (to.kind == ColumnKind::real && from.kind == ColumnKind::double_precision && dialect == Dialect::postgresql)
        return fmt::format("{0} <> CAST(CAST({0} AS REAL) AS DOUBLE PRECISION)", q);
    // Fewer digits of a second: PostgreSQL rounds where SQLite keeps the text as it is.
    bool clock = to.kind == ColumnKind::time || to.kind == ColumnKind::timestamp || to.kind == ColumnKind::timestamp_tz;
    if (clock && from.kind == to.kind && dialect == Dialect::postgresql)
        return fmt::format("{0} <> CAST({0} AS {1})", q, render_type(to, dialect));
    return "";
}

// SQLite has no statement that raises: a CHECK on a temporary table fails while `rows` (a FROM
// clause) has rows, and the failing statement names `what`.
std::string sqlite_guard(const std::string& what, const std::string& rows) {
    return fmt::format("CREATE TEMP TABLE IF NOT EXISTS trellis_guard (what TEXT, rows_to_fix INTEGER "
                       "CHECK (rows_to_fix = 0));\nINSERT INTO temp.trellis_guard SELECT {}, count(*) FROM {};\n",
                       sql_string(what), rows);
}

} // namespace

std::optional<std::string> fill_value(const Table& table, const Column& c) {
    if (c.server_default)
        return *c.server_default;
    if (in_foreign_key(table, c.name))
        return std::nullopt;
    if (c.type.array)
        return "'{}'";
    switch (c.type.kind) {
    case ColumnKind::boolean:
        return "false";
    case ColumnKind::text:
    case ColumnKind::varchar:
    case ColumnKind::character:
    case ColumnKind::binary:
        return "''";
    case ColumnKind::date:
        return "'1970-01-01'";
    case ColumnKind::time:
        return "'00:00:00'";
    case ColumnKind::timestamp:
    case ColumnKind::timestamp_tz:
        return "CURRENT_TIMESTAMP";
    case ColumnKind::uuid:
        return "'00000000-0000-0000-0000-000000000000'";
    case ColumnKind::json:
    case ColumnKind::jsonb:
        return "'{}'";
    case ColumnKind::enumeration:
        if (c.type.values.empty())
            return std::nullopt;
        return sql_string(c.type.values.front());
    case ColumnKind::other:
        return std::nullopt;
    default:
        return "0";
    }
}

std::string enum_check(const Column& c) {
    if (c.type.kind != ColumnKind::enumeration || c.type.array || c.type.values.empty())
        return "";
    std::vector<std::string> labels;
    for (const auto& l : c.type.values)
        labels.push_back(sql_string(l));
    return fmt::format(" CHECK ({} IN ({}))", quote(c.name), text::join(labels, ", "));
}

std::string column_definition(const Table& table, const Column& c, Dialect dialect) {
    if (sqlite_rowid(table, c, dialect))
        return fmt::format("{} INTEGER {}PRIMARY KEY AUTOINCREMENT", quote(c.name),
                           table.primary_key_name.empty() ? "" : "CONSTRAINT " + quote(table.primary_key_name) + " ");
    auto type = render_type(c.type, dialect);
    auto out = type.empty() ? quote(c.name) : fmt::format("{} {}", quote(c.name), type);
    if (c.generated)
        out += fmt::format(" GENERATED ALWAYS AS ({}) STORED", *c.generated);
    if (c.auto_increment && dialect == Dialect::postgresql)
        out += " GENERATED BY DEFAULT AS IDENTITY";
    if (!c.nullable || in_primary_key(table, c.name))
        out += " NOT NULL";
    if (c.server_default && !c.generated && !c.auto_increment)
        out += " DEFAULT " + *c.server_default;
    if (dialect == Dialect::sqlite)
        out += enum_check(c);
    return out;
}

std::string references_clause(const ForeignKey& f) {
    auto out = fmt::format("REFERENCES {} ({})", quote(f.referred_table), quote_list(f.referred_columns));
    if (f.on_delete != ReferentialAction::no_action)
        out += " ON DELETE " + action_sql(f.on_delete);
    if (f.on_update != ReferentialAction::no_action)
        out += " ON UPDATE " + action_sql(f.on_update);
    if (f.deferrable || f.initially_deferred)
        out += f.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
    return out;
}

std::string foreign_key_clause(const ForeignKey& f) {
    return fmt::format("FOREIGN KEY ({}) {}", quote_list(f.columns), references_clause(f));
}

// On SQLite a single-column foreign key is written on its column, as `ADD COLUMN ... REFERENCES`
// writes it: SQLite can drop such a column later (ALTER TABLE DROP COLUMN), and refuses to when
// the key is a clause of the table. A table made from the models downgrades like one the
// revisions built.
bool on_its_column(const ForeignKey& f, Dialect dialect) {
    return dialect == Dialect::sqlite && f.columns.size() == 1;
}

std::string constraint(const std::string& name, const std::string& clause) {
    return name.empty() ? clause : fmt::format("CONSTRAINT {} {}", quote(name), clause);
}

std::string index_sql(const std::string& table, const Index& i) {
    std::vector<std::string> entries;
    for (const auto& c : i.columns)
        entries.push_back(index_entry(c));
    return fmt::format("CREATE {}INDEX {} ON {} ({}){};\n", i.unique ? "UNIQUE " : "", quote(i.name), quote(table),
                       text::join(entries, ", "), i.where.empty() ? "" : " WHERE " + i.where);
}

std::string create_table_body(const Table& t, const std::string& name, Dialect dialect,
                              const std::vector<std::string>& skip_keys) {
    std::vector<std::string> lines;
    bool rowid = false;
    for (const auto& c : t.columns) {
        lines.push_back(column_definition(t, c, dialect));
        rowid = rowid || sqlite_rowid(t, c, dialect);
        for (const auto& f : t.foreign_keys)
            if (on_its_column(f, dialect) && f.columns.front() == c.name)
                lines.back() += " " + constraint(f.name, references_clause(f));
    }
    if (!t.primary_key.empty() && !rowid)
        lines.push_back(constraint(t.primary_key_name, fmt::format("PRIMARY KEY ({})", quote_list(t.primary_key))));
    for (const auto& u : t.uniques)
        if (dialect == Dialect::sqlite || u.columns != t.primary_key)
            lines.push_back(constraint(u.name.starts_with("sqlite_autoindex") ? "" : u.name,
                                       fmt::format("UNIQUE ({})", quote_list(u.columns))));
    for (const auto& f : t.foreign_keys)
        if (!on_its_column(f, dialect) && std::find(skip_keys.begin(), skip_keys.end(), f.name) == skip_keys.end())
            lines.push_back(constraint(f.name, foreign_key_clause(f)));
    for (const auto& c : t.checks)
        lines.push_back(constraint(c.name, fmt::format("CHECK ({})", c.expression)));
    return fmt::format("CREATE TABLE {} (\n    {}\n);\n", quote(name), text::join(lines, ",\n    "));
}

std::string narrowing_guard(const std::string& table, const Column& from, const ColumnType& to, Dialect dialect) {
    auto where = misfit(quote(from.name), from.type, to, dialect);
    if (where.empty())
        return "";
    auto what = fmt::format("{}.{}: values that do not fit {}", table, from.name, type_name(to));
    if (dialect == Dialect::sqlite)
        return sqlite_guard(what, fmt::format("{} WHERE {}", quote(table), where));
    return fmt::format("DO $$ BEGIN IF EXISTS (SELECT 1 FROM {0} WHERE {1}) THEN RAISE EXCEPTION "
                       "'%: % row(s) to fix first', {2}, (SELECT count(*) FROM {0} WHERE {1}); END IF; END $$;\n",
                       quote(table), where, sql_string(what));
}

// SQLite's RAISE takes only a literal, so the message is carried by the one error of SQLite that
// quotes its argument: a JSON path that is not one. The statement returns no row, and so raises
// nothing, while every reference matches.
std::string foreign_key_guard(const Table& table) {
    constexpr int k_shown = 3;
    auto q = quote(table.name);
    // The row: its primary key (or rowid), then the key's columns and their values.
    std::vector<std::string> key_parts;
    for (const auto& c : table.primary_key)
        key_parts.push_back(fmt::format("{} || ' = ' || quote(t.{})", sql_string(c), quote(c)));
    auto row = key_parts.empty() ? std::string("'rowid ' || v.rowid") : text::join(key_parts, " || ', ' || ");
    std::string values = "CASE k.columns";
    for (const auto& f : table.foreign_keys) {
        std::vector<std::string> parts;
        for (const auto& c : f.columns)
            parts.push_back(fmt::format("quote(t.{})", quote(c)));
        values +=
            fmt::format(" WHEN {} THEN {}", sql_string(text::join(f.columns, ", ")), text::join(parts, " || ', ' || "));
    }
    values += " ELSE '?' END";
    auto rows = fmt::format(
        "SELECT {0} || ': ' || k.columns || ' = ' || {1} || ' matches no row of ' || v.parent AS line "
        "FROM pragma_foreign_key_check({2}) v JOIN {3} t ON t.rowid = v.rowid JOIN (SELECT id, group_concat(\"from\", "
        "', ') AS columns FROM (SELECT id, \"from\" FROM pragma_foreign_key_list({2}) ORDER BY id, seq) GROUP BY id) "
        "k ON k.id = v.fkid",
        row, values, sql_string(table.name), q);
    return fmt::format(
        "-- Every reference must match a row (PRAGMA foreign_key_check); else this fails, naming the rows.\n"
        "SELECT json_extract('{{}}', {0} || ': ' || count(*) || ' row(s) whose foreign key matches no row, so "
        "nothing was changed: ' || (SELECT group_concat(line, '; ') FROM ({1} LIMIT {2})) || CASE WHEN count(*) > {2} "
        "THEN '; and ' || (count(*) - {2}) || ' more' ELSE '' END || '. Fix or delete them first.') FROM "
        "pragma_foreign_key_check({3}) HAVING count(*) > 0;\n",
        sql_string(table.name), rows, k_shown, sql_string(table.name));
}

} // namespace trellis
