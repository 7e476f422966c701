#include "schema/reflect.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <functional>
#include <map>

namespace trellis {

namespace {

std::string cell(const Row& row, std::size_t k) {
    return row.size() > k ? row[k].value_or("") : "";
}

ColumnType type_of(const std::string& declared, const std::string& table, const std::string& column) {
    auto type = parse_type(declared);
    if (!type)
        throw database_error("cannot compare {}.{}: type `{}` is not one trellis models (see SPEC.md, Databases)",
                             table, column, declared);
    return *type;
}

std::string unquoted(std::string name) {
    if (name.size() > 1 && (name.front() == '"' || name.front() == '`' || name.front() == '['))
        name = name.substr(1, name.size() - 2);
    return name;
}

// A `CONSTRAINT name KIND (...)` clause: `kind` is `check`, `unique`, `foreign` (for FOREIGN KEY)
// or `primary`; `body` is what its first parentheses hold.
struct NamedClause {
    std::string name, kind, body;

    std::vector<std::string> columns() const {
        std::vector<std::string> out;
        for (const auto& c : text::split_list(body))
            out.push_back(unquoted(c));
        return out;
    }
};

// The named constraints of a SQLite CREATE TABLE statement: SQLite keeps the names of checks,
// unique constraints and foreign keys nowhere else.
std::vector<NamedClause> sqlite_constraints(const std::string& create_sql) {
    std::vector<NamedClause> clauses;
    auto lower = text::to_lower(create_sql);
    std::size_t at = 0;
    auto word = [&](std::size_t i) {
        return i < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[i])) || lower[i] == '_');
    };
    while ((at = lower.find("constraint", at)) != std::string::npos) {
        auto start = at;
        at += 10;
        // The keyword, not a column named `has_constraint`.
        if ((start > 0 && word(start - 1)) || word(at))
            continue;
        std::size_t name_start = lower.find_first_not_of(" \t\r\n", at);
        std::size_t name_end = lower.find_first_of(" \t\r\n(", name_start);
        std::size_t keyword = lower.find_first_not_of(" \t\r\n", name_end);
        if (name_start == std::string::npos || keyword == std::string::npos)
            break;
        auto kind = lower.substr(keyword, lower.find_first_of(" \t\r\n(", keyword) - keyword);
        auto open = lower.find('(', keyword);
        if (open == std::string::npos)
            continue;
        int depth = 0;
        std::size_t close = open;
        for (; close < lower.size(); ++close) {
            depth += lower[close] == '(' ? 1 : lower[close] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        clauses.push_back({unquoted(create_sql.substr(name_start, name_end - name_start)), kind,
                           std::string(text::trim(create_sql.substr(open + 1, close - open - 1)))});
        at = close;
    }
    return clauses;
}

// The name SQLite's CREATE TABLE gave a unique constraint or foreign key on `columns`; else the
// one PostgreSQL would give it (`attendee_email_key`, `attendee_room_fkey`), so that the
// PostgreSQL section of a revision written against SQLite names what it drops.
std::string constraint_name(const std::vector<NamedClause>& clauses, const std::string& kind, const std::string& table,
                            const std::vector<std::string>& columns) {
    for (const auto& c : clauses)
        if (c.kind == kind && c.columns() == columns)
            return c.name;
    return fmt::format("{}_{}_{}", table, text::join(columns, "_"), kind == "unique" ? "key" : "fkey");
}

void reflect_sqlite(Database& db, std::map<std::string, Table>& tables,
                    const std::function<bool(const std::string&)>& skip) {
    std::map<std::string, std::vector<std::pair<int, std::string>>> primary;
    std::map<std::string, std::vector<NamedClause>> clauses;
    for (const auto& r : db.query("SELECT m.name, m.sql, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk "
                                  "FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                                  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                  "ORDER BY m.name, p.cid")) {
        auto name = cell(r, 0);
        if (skip(name))
            continue;
        auto [it, fresh] = tables.try_emplace(name);
        auto& table = it->second;
        if (fresh) {
            table.name = name;
            clauses[name] = sqlite_constraints(cell(r, 1));
            for (const auto& c : clauses[name])
                if (c.kind == "check")
                    table.checks.push_back({c.name, c.body});
        }
        Column column;
        column.name = cell(r, 2);
        column.type = type_of(cell(r, 3), name, column.name);
        column.nullable = cell(r, 4) == "0";
        column.server_default = normalize_default(r[5], column.type.kind);
        table.columns.push_back(column);
        if (auto pk = std::atoi(cell(r, 6).c_str()); pk > 0)
            primary[name].emplace_back(pk, column.name);
    }
    for (auto& [name, columns] : primary) {
        std::sort(columns.begin(), columns.end());
        for (const auto& [position, column] : columns)
            tables[name].primary_key.push_back(column);
    }
    // Indexes: origin c is CREATE INDEX, u a UNIQUE constraint, pk the primary key.
    std::map<std::pair<std::string, std::string>, std::pair<Index, std::string>> indexes;
    std::vector<std::pair<std::string, std::string>> order;
    for (const auto& r : db.query("SELECT m.name, il.name, il.\"unique\", il.origin, ii.name "
                                  "FROM sqlite_master m JOIN pragma_index_list(m.name) il "
                                  "JOIN pragma_index_info(il.name) ii WHERE m.type = 'table' "
                                  "ORDER BY m.name, il.name, ii.seqno")) {
        if (!tables.count(cell(r, 0)))
            continue;
        auto key = std::make_pair(cell(r, 0), cell(r, 1));
        auto [it, fresh] = indexes.try_emplace(key);
        if (fresh) {
            it->second = {Index{cell(r, 1), {}, cell(r, 2) == "1"}, cell(r, 3)};
            order.push_back(key);
        }
        it->second.first.columns.push_back(cell(r, 4));
    }
    for (const auto& key : order) {
        auto& [index, origin] = indexes[key];
        auto& table = tables[key.first];
        if (origin == "c")
            table.indexes.push_back(index);
        else if (origin == "u")
            table.uniques.push_back(
                {constraint_name(clauses[key.first], "unique", key.first, index.columns), index.columns});
    }
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
        fk.name = constraint_name(clauses[key.first], "foreign", key.first, fk.columns);
        tables[key.first].foreign_keys.push_back(fk);
    }
}

void reflect_postgres(Database& db, std::map<std::string, Table>& tables,
                      const std::function<bool(const std::string&)>& skip) {
    for (const auto& r :
         db.query("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                  "pg_get_expr(d.adbin, d.adrelid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                  "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
                  "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname, a.attnum")) {
        auto name = cell(r, 0);
        if (skip(name))
            continue;
        auto& table = tables[name];
        table.name = name;
        Column column;
        column.name = cell(r, 1);
        column.type = type_of(cell(r, 2), name, column.name);
        column.nullable = cell(r, 3) != "t";
        column.server_default = normalize_default(r[4], column.type.kind);
        table.columns.push_back(column);
    }
    const char* columns_of = "array_to_string(ARRAY(SELECT a.attname FROM unnest({0}) WITH ORDINALITY k(n, o) "
                             "JOIN pg_attribute a ON a.attrelid = {1} AND a.attnum = k.n ORDER BY k.o), ',')";
    auto constraints = fmt::format(
        "SELECT c.relname, con.conname, con.contype, {}, fc.relname, {}, con.confdeltype, con.confupdtype, "
        "pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
        "WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY c.relname, con.conname",
        fmt::format(fmt::runtime(columns_of), "con.conkey", "con.conrelid"),
        fmt::format(fmt::runtime(columns_of), "con.confkey", "con.confrelid"));
    for (const auto& r : db.query(constraints)) {
        auto it = tables.find(cell(r, 0));
        if (it == tables.end())
            continue;
        auto& table = it->second;
        auto type = cell(r, 2);
        auto columns = text::split_list(cell(r, 3));
        if (type == "p")
            table.primary_key = columns;
        else if (type == "u")
            table.uniques.push_back({cell(r, 1), columns});
        else if (type == "f")
            table.foreign_keys.push_back({cell(r, 1), columns, cell(r, 4), text::split_list(cell(r, 5)),
                                          parse_action(cell(r, 6)), parse_action(cell(r, 7))});
        else if (type == "c") {
            auto definition = cell(r, 8); // CHECK ((expression))
            auto open = definition.find('(');
            auto close = definition.rfind(')');
            // Without PostgreSQL's casts, so that a SQLite rebuild can write it back too.
            table.checks.push_back({cell(r, 1), plain_expression(definition.substr(open + 1, close - open - 1))});
        }
    }
    auto indexes = fmt::format(
        "SELECT t.relname, i.relname, ix.indisunique, {} FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
        "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "ix.indexrelid) ORDER BY t.relname, i.relname",
        fmt::format(fmt::runtime(columns_of), "ix.indkey::int2[]", "t.oid"));
    for (const auto& r : db.query(indexes)) {
        auto it = tables.find(cell(r, 0));
        if (it != tables.end())
            it->second.indexes.push_back({cell(r, 1), text::split_list(cell(r, 3)), cell(r, 2) == "t"});
    }
}

} // namespace

bool excluded(const std::string& table, const std::string& ledger_table, const std::vector<std::string>& exclude) {
    if (table == ledger_table || table == ledger_table + "_lock") // the ledger and the migration lock
        return true;
    return std::any_of(exclude.begin(), exclude.end(),
                       [&](const auto& pattern) { return text::glob_match(pattern, table); });
}

Schema reflect(Database& db, const std::string& ledger_table, const std::vector<std::string>& exclude) {
    std::map<std::string, Table> tables;
    auto skip = [&](const std::string& name) { return excluded(name, ledger_table, exclude); };
    if (db.kind() == Dialect::sqlite)
        reflect_sqlite(db, tables, skip);
    else
        reflect_postgres(db, tables, skip);
    Schema schema;
    for (auto& [name, table] : tables)
        schema.tables.push_back(std::move(table));
    schema.sort();
    return schema;
}

} // namespace trellis
