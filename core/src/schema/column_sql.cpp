#include "schema/column_sql.hpp"

#include "schema/ddl.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/types.hpp"

#include <fmt/format.h>

namespace trellis {

std::string add_column_sql(const Table& table, const Column& c, Dialect dialect) {
    auto add = fmt::format("{} ADD COLUMN {};\n", alter_table(table.name), column_definition(table, c, dialect));
    if (c.nullable || c.server_default || c.generated || c.auto_increment || in_primary_key(table, c.name))
        return add;
    auto fill = fill_value(table, c);
    if (!fill)
        return fmt::format("-- TODO: {}.{} is NOT NULL and part of a foreign key: trellis does not invent a "
                           "reference for the rows\n-- already there. Add it nullable, fill it (UPDATE), then make it "
                           "NOT NULL; as written this fails\n-- on a table with rows.\n{}",
                           table.name, c.name, add);
    // NOT NULL without a default on a table with rows: add it with a server default that fills the
    // existing rows, then drop the default the model does not keep.
    Column with_default = c;
    with_default.server_default = fill;
    return fmt::format("-- Existing rows get {}: change the value here if another one fits them.\n"
                       "{} ADD COLUMN {};\n{} ALTER COLUMN {} DROP DEFAULT;\n",
                       *fill, alter_table(table.name), column_definition(table, with_default, dialect),
                       alter_table(table.name), quote(c.name));
}

namespace {

// PostgreSQL converts by itself (an assignment cast) between numbers, to any string type and
// between dates and times; other changes need USING, whose casts fail on a value that does not
// convert. Never to a string type: `::VARCHAR(50)` would cut the value where ALTER refuses it.
bool needs_using(const ColumnType& from, const ColumnType& to) {
    auto family = [](const ColumnType& t) {
        switch (t.kind) {
        case ColumnKind::smallint:
        case ColumnKind::integer:
        case ColumnKind::bigint:
        case ColumnKind::numeric:
        case ColumnKind::real:
        case ColumnKind::double_precision:
            return 1;
        case ColumnKind::text:
        case ColumnKind::varchar:
        case ColumnKind::character:
            return 2;
        case ColumnKind::date:
        case ColumnKind::timestamp:
        case ColumnKind::timestamp_tz:
            return 3;
        case ColumnKind::json:
        case ColumnKind::jsonb:
            return 4;
        default:
            return 0;
        }
    };
    if (from.array || to.array || to.kind == ColumnKind::other || family(to) == 2)
        return false;
    return from.kind != to.kind && !(family(from) && family(from) == family(to));
}

// SET NOT NULL (the NULLs filled first) or DROP NOT NULL, after `alter` (`ALTER TABLE t ALTER
// COLUMN c`); primary-key columns are NOT NULL whatever they declare.
std::string nullability_sql(const Table& table, const Column& from, const Column& to, const std::string& alter) {
    bool from_null = from.nullable && !in_primary_key(table, from.name);
    bool to_null = to.nullable && !in_primary_key(table, to.name);
    if (from_null == to_null)
        return "";
    if (to_null)
        return fmt::format("{} DROP NOT NULL;\n", alter);
    auto fill = fill_value(table, to);
    auto out =
        fill ? fmt::format("UPDATE {0} SET {1} = {2} WHERE {1} IS NULL;\n", quote(table.name), quote(to.name), *fill)
             : fmt::format("-- TODO: {}.{} is part of a foreign key: fill its NULLs first; trellis does not "
                           "invent a reference.\n",
                           table.name, to.name);
    return out + fmt::format("{} SET NOT NULL;\n", alter);
}

} // namespace

// PostgreSQL only: SQLite rebuilds the table for any change of a column.
std::string alter_column_sql(const Table& table, const Column& from, const Column& to) {
    std::string out;
    auto name = fmt::format("{} ALTER COLUMN {}", alter_table(table.name), quote(to.name));
    if (from.generated != to.generated) {
        if (!to.generated)
            out += fmt::format("{} DROP EXPRESSION;\n", name); // the computed values stay as plain ones
        else
            // A generated column holds no data of its own: it is made again.
            return fmt::format("{} DROP COLUMN {};\n{} ADD COLUMN {};\n", alter_table(table.name), quote(to.name),
                               alter_table(table.name), column_definition(table, to, Dialect::postgresql));
    }
    // A change of an enum's labels is the type's own (schema/enum_types.hpp), not the column's.
    bool relabel = from.type.kind == ColumnKind::enumeration && to.type.kind == ColumnKind::enumeration &&
                   same_type(types::spelled(from.type.spelling), types::spelled(to.type.spelling)) &&
                   from.type.array == to.type.array;
    bool retype = !same_type(from.type, to.type) && !relabel;
    bool computed = from.auto_increment || to.auto_increment || from.generated || to.generated;
    bool redefault = !computed && normalize_default(from.server_default, from.type.kind) !=
                                      normalize_default(to.server_default, to.type.kind);
    // PostgreSQL casts the old default to the new type and refuses when it cannot (`'abc'` to
    // INTEGER): the default goes first and comes back after the type.
    if (retype && from.server_default && !computed) {
        out += fmt::format("{} DROP DEFAULT;\n", name);
        redefault = to.server_default.has_value();
    }
    if (from.auto_increment && !to.auto_increment)
        out += fmt::format("{0} DROP IDENTITY IF EXISTS;\n{0} DROP DEFAULT;\n", name);
    if (retype) {
        out += narrowing_guard(table.name, from, to.type, Dialect::postgresql);
        auto type = render_type(to.type, Dialect::postgresql);
        out += needs_using(from.type, to.type)
                   ? fmt::format("{} TYPE {} USING {}::{};\n", name, type, quote(to.name), type)
                   : fmt::format("{} TYPE {};\n", name, type);
    }
    if (!from.auto_increment && to.auto_increment) {
        if (from.server_default)
            out += fmt::format("{} DROP DEFAULT;\n", name);
        // Numbering continues after the rows already there.
        out += fmt::format("{0} ADD GENERATED BY DEFAULT AS IDENTITY;\nSELECT setval(pg_get_serial_sequence({1}, {2}), "
                           "coalesce(max({3}), 0) + 1, false) FROM {4};\n",
                           name, "'" + quote(table.name) + "'", "'" + to.name + "'", quote(to.name), quote(table.name));
    }
    if (redefault)
        out += to.server_default ? fmt::format("{} SET DEFAULT {};\n", name, *to.server_default)
                                 : fmt::format("{} DROP DEFAULT;\n", name);
    return out + nullability_sql(table, from, to, name);
}

} // namespace trellis
