#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/reflect_dialects.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

namespace trellis {

namespace {

void read_columns(Database& db, std::map<std::string, Table>& tables, const SkipTable& skip) {
    for (const auto& r :
         db.query("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                  "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
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
        column.type = column_type(cell(r, 2));
        column.nullable = cell(r, 3) != "t";
        auto expression = r.size() > 4 ? r[4] : std::nullopt;
        // Identity columns, and serial ones (a sequence's nextval as default), number their rows.
        column.auto_increment = !cell(r, 5).empty() || cell(r, 4).starts_with("nextval(");
        if (cell(r, 6) == "s")
            column.generated = plain_expression(cell(r, 4));
        else if (!column.auto_increment)
            column.server_default = normalize_default(expression, column.type.kind);
        table.columns.push_back(column);
    }
}

void read_constraints(Database& db, std::map<std::string, Table>& tables) {
    const char* columns_of = "array_to_string(ARRAY(SELECT a.attname FROM unnest({0}) WITH ORDINALITY k(n, o) "
                             "JOIN pg_attribute a ON a.attrelid = {1} AND a.attnum = k.n ORDER BY k.o), chr(31))";
    auto constraints = fmt::format(
        "SELECT c.relname, con.conname, con.contype, {}, fc.relname, {}, con.confdeltype, con.confupdtype, "
        "pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid "
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
        auto columns = text::split_list(cell(r, 3), '\x1f');
        if (type == "p") {
            table.primary_key = columns;
            table.primary_key_name = cell(r, 1) == table.name + "_pkey" ? "" : cell(r, 1);
        } else if (type == "u") {
            table.uniques.push_back({cell(r, 1), columns});
        } else if (type == "f") {
            ForeignKey key{cell(r, 1),
                           columns,
                           cell(r, 4),
                           text::split_list(cell(r, 5), '\x1f'),
                           parse_action(cell(r, 6)),
                           parse_action(cell(r, 7))};
            key.deferrable = cell(r, 9) == "t";
            key.initially_deferred = cell(r, 10) == "t";
            table.foreign_keys.push_back(key);
        } else if (type == "c") {
            auto definition = cell(r, 8); // CHECK ((expression))
            auto open = definition.find('(');
            auto close = definition.rfind(')');
            // Without PostgreSQL's casts, so that a SQLite rebuild can write it back too.
            table.checks.push_back({cell(r, 1), plain_expression(definition.substr(open + 1, close - open - 1))});
        }
    }
}

// Indexes whole: each key as PostgreSQL prints it (a column, or an expression), DESC, the
// predicate of a partial index. Those behind a constraint (keys, unique constraints) are not
// indexes of their own.
void read_indexes(Database& db, std::map<std::string, Table>& tables) {
    for (const auto& r :
         db.query("SELECT t.relname, i.relname, ix.indisunique, array_to_string(ARRAY(SELECT "
                  "pg_get_indexdef(ix.indexrelid, k, true) || CASE WHEN ix.indoption[k - 1] & 1 = 1 THEN ' DESC' "
                  "ELSE '' END FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), chr(31)), "
                  "coalesce(pg_get_expr(ix.indpred, ix.indrelid, true), '') FROM pg_index ix "
                  "JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
                  "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND NOT EXISTS "
                  "(SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid) ORDER BY t.relname, i.relname")) {
        auto it = tables.find(cell(r, 0));
        if (it == tables.end())
            continue;
        Index index{cell(r, 1), {}, cell(r, 2) == "t", plain_expression(cell(r, 4))};
        for (const auto& key : text::split_list(cell(r, 3), '\x1f'))
            index.columns.push_back(index_key(key).entry());
        it->second.indexes.push_back(index);
    }
}

// An enum column reflects as its type's name: its labels, in their order, come from pg_enum.
void read_enums(Database& db, std::map<std::string, Table>& tables) {
    std::map<std::string, std::vector<std::string>> labels;
    for (const auto& r : db.query("SELECT format_type(t.oid, NULL), e.enumlabel FROM pg_type t JOIN pg_enum e ON "
                                  "e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE "
                                  "n.nspname = current_schema() ORDER BY t.oid, e.enumsortorder"))
        labels[cell(r, 0)].push_back(cell(r, 1));
    for (auto& [name, table] : tables)
        for (auto& column : table.columns) {
            if (column.type.kind != ColumnKind::other)
                continue;
            auto spelling = column.type.spelling;
            bool array = spelling.ends_with("[]");
            auto it = labels.find(array ? spelling.substr(0, spelling.size() - 2) : spelling);
            if (it == labels.end())
                continue;
            column.type = types::enumeration(unquote(it->first), it->second);
            column.type.array = array;
        }
}

} // namespace

void reflect_postgres(Database& db, std::map<std::string, Table>& tables, std::vector<SchemaObject>& objects,
                      const SkipTable& skip) {
    read_columns(db, tables, skip);
    read_constraints(db, tables);
    read_indexes(db, tables);
    read_enums(db, tables);
    // Views in the order they were made (a view comes after those it reads).
    for (const auto& r : db.query("SELECT c.relname, pg_get_viewdef(c.oid, true) FROM pg_class c JOIN pg_namespace n "
                                  "ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND n.nspname = current_schema() "
                                  "ORDER BY c.oid")) {
        auto definition = std::string(text::trim(cell(r, 1)));
        while (!definition.empty() && definition.back() == ';')
            definition.pop_back();
        objects.push_back({"view", cell(r, 0), "", fmt::format("CREATE VIEW {} AS {}", quote(cell(r, 0)), definition),
                           Dialect::postgresql});
    }
}

} // namespace trellis
