// The schema layer without a database: type names of both dialects, defaults in their normal
// form, what widens and what narrows, the differences between models and a reflected schema
// (owners, renames, what loses data), and the SQL rendered for them.
#include "model_project.hpp"
#include "schema/apply.hpp"
#include "schema/diff.hpp"
#include "schema/expression.hpp"
#include "schema/identifier.hpp"
#include "schema/render.hpp"
#include "schema/schema.hpp"
#include "schema/types.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace trellis;
using trellis::test::column;
using trellis::test::contains;
using trellis::test::table;

namespace {

// The database side, as reflect() gives it: tables sorted, defaults in their normal form.
Schema database(std::vector<Table> tables) {
    Schema s;
    for (auto& t : tables)
        for (auto& c : t.columns)
            c.server_default = normalize_default(c.server_default, c.type.kind);
    s.tables = std::move(tables);
    s.sort();
    return s;
}

std::vector<std::string> codes(const std::vector<Operation>& ops) {
    std::vector<std::string> out;
    for (const auto& op : ops)
        out.push_back(std::string(op.code()) + " " + op.table + "." + op.subject +
                      (op.owner.empty() ? "" : " @" + op.owner));
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<ColumnType> k_every_type = {types::integer(),
                                              types::bigint(),
                                              types::smallint(),
                                              types::boolean(),
                                              types::text(),
                                              types::varchar(255),
                                              types::numeric(10, 2),
                                              types::real(),
                                              types::double_precision(),
                                              types::date(),
                                              types::time(),
                                              types::timestamp(),
                                              types::timestamp_tz(),
                                              types::uuid(),
                                              types::json(),
                                              types::binary(),
                                              types::jsonb(),
                                              types::character(2),
                                              types::with_fraction(types::timestamp(), 3),
                                              types::array_of(types::integer())};

} // namespace

TEST_SUITE("schema") {
    TEST_CASE("parse_type reads SQLite's declared types and PostgreSQL's format_type spellings") {
        struct Case {
            const char* spelled;
            ColumnType type;
        };
        const std::vector<Case> cases = {
            // As written in CREATE TABLE, which SQLite keeps.
            {"INTEGER", types::integer()},
            {"int", types::integer()},
            {"BIGINT", types::bigint()},
            {"SMALLINT", types::smallint()},
            {"BOOLEAN", types::boolean()},
            {"TEXT", types::text()},
            {"VARCHAR(255)", types::varchar(255)},
            {"varchar( 40 )", types::varchar(40)},
            {"NUMERIC(10, 2)", types::numeric(10, 2)},
            {"DECIMAL(8,3)", types::numeric(8, 3)},
            {"REAL", types::real()},
            {"DOUBLE PRECISION", types::double_precision()},
            {"DOUBLE", types::double_precision()},
            {"DATE", types::date()},
            {"TIME", types::time()},
            {"TIMESTAMP", types::timestamp()},
            {"DATETIME", types::timestamp()},
            {"TIMESTAMP WITH TIME ZONE", types::timestamp_tz()},
            {"UUID", types::uuid()},
            {"JSON", types::json()},
            {"BLOB", types::binary()},
            // As PostgreSQL's format_type() prints them.
            {"integer", types::integer()},
            {"bigint", types::bigint()},
            {"smallint", types::smallint()},
            {"boolean", types::boolean()},
            {"character varying(255)", types::varchar(255)},
            {"character varying", types::varchar(0)},
            {"numeric(10,2)", types::numeric(10, 2)},
            {"numeric", types::numeric(0, 0)},
            {"double precision", types::double_precision()},
            {"time without time zone", types::time()},
            {"timestamp without time zone", types::timestamp()},
            {"timestamp(3) without time zone", types::with_fraction(types::timestamp(), 3)},
            {"timestamp(0) with time zone", types::with_fraction(types::timestamp_tz(), 0)},
            {"character(2)", types::character(2)},
            {"CHAR(2)", types::character(2)},
            {"text[]", types::array_of(types::text())},
            {"character varying(20)[]", types::array_of(types::varchar(20))},
            {"timestamp with time zone", types::timestamp_tz()},
            {"timestamptz", types::timestamp_tz()},
            {"jsonb", types::jsonb()},
            {"json", types::json()},
            {"bytea", types::binary()},
            {"int4", types::integer()},
            {"int8", types::bigint()},
        };
        for (const auto& c : cases) {
            CAPTURE(c.spelled);
            auto parsed = parse_type(c.spelled);
            REQUIRE(parsed);
            CHECK(same_type(*parsed, c.type));
        }
        for (const auto* unknown : {"point", "tsvector", "money", "NVARCHAR(160)", "TINYINT", "CLOB", ""}) {
            CAPTURE(unknown);
            CHECK_FALSE(parse_type(unknown));
            // Carried by its spelling, compared by it.
            CHECK(column_type(unknown).kind == ColumnKind::other);
            CHECK(render_type(column_type(unknown), Dialect::postgresql) == unknown);
        }
    }

    TEST_CASE("every type rendered for either dialect parses back to itself") {
        for (auto dialect : {Dialect::sqlite, Dialect::postgresql})
            for (const auto& type : k_every_type) {
                // SQLite stores a quoted declared type (`"INTEGER[]"`) without its quotes.
                auto rendered = unquote(render_type(type, dialect));
                CAPTURE(rendered);
                auto parsed = parse_type(rendered);
                REQUIRE(parsed);
                CHECK(same_type(*parsed, type));
            }
        CHECK(render_type(types::binary(), Dialect::postgresql) == "BYTEA");
        CHECK(render_type(types::binary(), Dialect::sqlite) == "BLOB");
    }

    TEST_CASE("normalize_default: PostgreSQL's casts and parentheses go, one spelling per default") {
        struct Case {
            std::optional<std::string> expression;
            ColumnKind kind;
            std::optional<std::string> normal;
        };
        const std::vector<Case> cases = {
            {"'x'::character varying", ColumnKind::varchar, "'x'"},
            {"'abc'::character varying(10)", ColumnKind::varchar, "'abc'"},
            {"'it''s'::text", ColumnKind::text, "'it''s'"},
            {"''::text", ColumnKind::text, "''"},
            {"(0)::numeric", ColumnKind::numeric, "0"},
            {"'0'::numeric", ColumnKind::numeric, "0"},
            {"1.50", ColumnKind::numeric, "1.5"},
            {"2.0", ColumnKind::numeric, "2"},
            {"'-1'::integer", ColumnKind::integer, "-1"},
            {"(42)", ColumnKind::integer, "42"},
            {"'3'", ColumnKind::bigint, "3"},
            {"now()", ColumnKind::timestamp, "CURRENT_TIMESTAMP"},
            {"NOW()", ColumnKind::timestamp_tz, "CURRENT_TIMESTAMP"},
            {"CURRENT_TIMESTAMP", ColumnKind::timestamp, "CURRENT_TIMESTAMP"},
            {"current_timestamp", ColumnKind::timestamp, "CURRENT_TIMESTAMP"},
            {"CURRENT_DATE", ColumnKind::date, "CURRENT_DATE"},
            {"true", ColumnKind::boolean, "true"},
            {"TRUE", ColumnKind::boolean, "true"},
            {"'t'", ColumnKind::boolean, "true"},
            {"1", ColumnKind::boolean, "true"},
            {"false", ColumnKind::boolean, "false"},
            {"'f'::boolean", ColumnKind::boolean, "false"},
            {"0", ColumnKind::boolean, "false"},
            {"'{}'::json", ColumnKind::json, "'{}'"},
            {"'2020-01-01'::date", ColumnKind::date, "'2020-01-01'"},
            {"'08:30'", ColumnKind::time, "'08:30:00'"},
            {"'12:00:00'::time without time zone", ColumnKind::time, "'12:00:00'"},
            {"'2020-01-01'", ColumnKind::timestamp, "'2020-01-01 00:00:00'"},
            {"'2020-01-01 00:00:00'::timestamp without time zone", ColumnKind::timestamp, "'2020-01-01 00:00:00'"},
            {"'2020-01-01 00:00:00+00'::timestamp with time zone", ColumnKind::timestamp_tz, "'2020-01-01 00:00:00'"},
            {"'2020-01-01T10:00:00Z'", ColumnKind::timestamp_tz, "'2020-01-01 10:00:00'"},
            {"'2020-01-01 10:00:00+02'", ColumnKind::timestamp_tz, "'2020-01-01 10:00:00+02'"},
            {"NULL", ColumnKind::text, std::nullopt},
            {"NULL::character varying", ColumnKind::varchar, std::nullopt},
            {std::nullopt, ColumnKind::integer, std::nullopt},
        };
        for (const auto& c : cases) {
            CAPTURE(c.expression.value_or("(none)"));
            CHECK(normalize_default(c.expression, c.kind) == c.normal);
        }
    }

    TEST_CASE("plain_expression: a check PostgreSQL deparsed, without the casts SQLite would not read") {
        CHECK(plain_expression("((id <> '-1'::integer))") == "id <> '-1'");
        CHECK(plain_expression("(id >= 0)") == "id >= 0");
        CHECK(plain_expression("((a)::integer IS NOT NULL)") == "(a) IS NOT NULL");
        CHECK(plain_expression("((name)::text <> 'x::y'::text)") == "(name) <> 'x::y'");
        CHECK(plain_expression("(stamp > '2020-01-01 00:00:00'::timestamp(3) without time zone)") ==
              "stamp > '2020-01-01 00:00:00'");
        CHECK(plain_expression("(price > (0)::numeric(10,2))") == "price > (0)");
        CHECK(plain_expression("(tags <> '{}'::text[])") == "tags <> '{}'");
    }

    TEST_CASE("widens_or_keeps: what every value fits into, and what narrows") {
        CHECK(widens_or_keeps(types::integer(), types::bigint()));
        CHECK(widens_or_keeps(types::smallint(), types::integer()));
        CHECK_FALSE(widens_or_keeps(types::bigint(), types::integer()));
        CHECK(widens_or_keeps(types::varchar(10), types::varchar(20)));
        CHECK_FALSE(widens_or_keeps(types::varchar(20), types::varchar(10)));
        CHECK(widens_or_keeps(types::varchar(20), types::text()));
        CHECK_FALSE(widens_or_keeps(types::text(), types::varchar(200)));
        CHECK(widens_or_keeps(types::integer(), types::text()));
        CHECK(widens_or_keeps(types::numeric(10, 2), types::numeric(12, 2)));
        CHECK_FALSE(widens_or_keeps(types::numeric(10, 2), types::numeric(10, 3)));
        CHECK(widens_or_keeps(types::real(), types::double_precision()));
        CHECK_FALSE(widens_or_keeps(types::double_precision(), types::real()));
        CHECK_FALSE(widens_or_keeps(types::text(), types::integer()));
    }

    TEST_CASE("narrowing: why a change of type may lose values, in the types' own spelling") {
        CHECK(narrowing("bigint", "integer") == "bigint values outside the range of integer make it fail");
        CHECK(narrowing("numeric(12,4)", "numeric(10,2)") == "numeric(12,4) values may not fit in numeric(10,2)");
        CHECK(narrowing("integer", "numeric(6,2)") ==
              "integer values with more than 4 digits do not fit in numeric(6,2)");
        CHECK(narrowing("double precision", "real") == "double precision values lose precision in real");
        CHECK(narrowing("timestamp with time zone", "date") ==
              "timestamp with time zone values lose their time of day in date");
        CHECK(narrowing("serial", "smallint") == "serial values outside the range of smallint make it fail");
        CHECK(narrowing("varchar(40)", "char(10)") == "values longer than 10 characters are cut or make it fail");
        // What fits, what has a text form, and what trellis cannot judge say nothing.
        CHECK_FALSE(narrowing("integer", "bigint"));
        CHECK_FALSE(narrowing("integer", "numeric(20,0)"));
        CHECK_FALSE(narrowing("date", "timestamp"));
        CHECK_FALSE(narrowing("numeric(8,2)", "text"));
        CHECK_FALSE(narrowing("uuid", "bytea"));
        CHECK_FALSE(narrowing("", "smallint"));
        // What fits every value is never a narrowing, whatever the spelling.
        CHECK(widens_or_keeps(column_type("int4"), column_type("INT8")));
        CHECK_FALSE(narrowing("int4", "int8"));
    }

    TEST_CASE("keeps_storage, bounded, same_family: PostgreSQL rewrites, limits and kinds") {
        CHECK(keeps_storage(column_type("varchar(20)"), column_type("varchar(300)")));
        CHECK(keeps_storage(column_type("varchar(20)"), column_type("text")));
        CHECK(keeps_storage(column_type("numeric(8,2)"), column_type("numeric(12,2)")));
        CHECK_FALSE(keeps_storage(column_type("numeric(8,2)"), column_type("numeric(12,4)")));
        CHECK_FALSE(keeps_storage(column_type("char(10)"), column_type("text")));
        CHECK_FALSE(keeps_storage(column_type("integer"), column_type("bigint")));
        CHECK(bounded(column_type("varchar(20)")));
        CHECK(bounded(column_type("smallint")));
        CHECK_FALSE(bounded(column_type("bigint")));
        CHECK_FALSE(bounded(column_type("text")));
        CHECK(same_family(column_type("integer"), column_type("tinyint")));
        CHECK(same_family(column_type("text"), column_type("nvarchar(40)")));
        CHECK_FALSE(same_family(column_type("uuid"), column_type("jsonb")));
        CHECK(same_family(column_type("tsvector"), column_type("TSVECTOR")));
    }

    TEST_CASE("diff: equal schemas differ in nothing, whatever the spelling of their defaults") {
        Models models{{table("attendee", {column("badge", types::integer(), false, "'3'"),
                                          column("paid", types::boolean(), true, "TRUE"),
                                          column("name", types::varchar(40), true, "'x'")})},
                      {}};
        auto schema = schema_from_models({{"uber", &models}});
        auto db = database({table("attendee", {column("badge", types::integer(), false, "3"),
                                               column("paid", types::boolean(), true, "'t'::boolean"),
                                               column("name", types::varchar(40), true, "'x'::character varying")})});
        CHECK(codes(diff(schema, db, UnownedTables::drop)).empty());
        // A table only the database has goes only when asked.
        auto extra = db;
        extra.tables.push_back(table("legacy", {}));
        CHECK(codes(diff(schema, extra, UnownedTables::keep)).empty());
        CHECK(codes(diff(schema, extra, UnownedTables::drop)) == std::vector<std::string>{"drop_table legacy.legacy"});
    }

    TEST_CASE("diff: a unique constraint on the primary key's columns is no difference on either side") {
        auto with_unique = table("attendee", {});
        with_unique.uniques.push_back({"attendee_id_uq", {"id"}});
        Models models{{with_unique}, {}};
        CHECK(
            codes(diff(schema_from_models({{"uber", &models}}), database({table("attendee", {})}), UnownedTables::drop))
                .empty());
        Models plain{{table("attendee", {})}, {}};
        CHECK(
            codes(diff(schema_from_models({{"uber", &plain}}), database({with_unique}), UnownedTables::drop)).empty());
    }

    TEST_CASE("diff: a new table is created by its owner; another plugin's columns on it come from that plugin") {
        Models uber{{table("attendee", {column("name", types::text())})}, {}};
        Models magprime{
            {}, {{"attendee", {column("shirt", types::varchar(8))}, {{"attendee_shirt_ix", {"shirt"}, false}}, {}}}};
        auto models = schema_from_models({{"uber", &uber}, {"magprime", &magprime}});
        auto ops = diff(models, Schema{}, UnownedTables::drop);
        CHECK(codes(ops) == std::vector<std::string>{"add_column attendee.shirt @magprime",
                                                     "create_index attendee.attendee_shirt_ix @magprime",
                                                     "create_table attendee.attendee @uber"});
        const auto& created =
            *std::find_if(ops.begin(), ops.end(), [](auto& op) { return op.kind == OpKind::create_table; });
        CHECK(created.after.columns.size() == 2);
        CHECK(created.after.indexes.empty());
        auto sql = render(ops, Schema{}, Dialect::postgresql);
        CHECK(contains(sql.upgrade, "CREATE TABLE attendee (\n    id INTEGER NOT NULL,\n    name TEXT,\n"));
    }

    TEST_CASE("diff: drops and narrowing lose data; a dropped and an added column of one type may be a rename") {
        Models models{{table("guest", {column("handle", types::varchar(40)), column("code", types::varchar(10)),
                                       column("age", types::bigint())})},
                      {}};
        auto db = database({table("guest", {column("nick", types::varchar(40)), column("bio", types::text()),
                                            column("code", types::varchar(40)), column("age", types::integer())}),
                            table("old_stuff", {})});
        auto ops = diff(schema_from_models({{"uber", &models}}), db, UnownedTables::drop);
        auto find = [&](OpKind kind, const std::string& subject) {
            auto it = std::find_if(ops.begin(), ops.end(),
                                   [&](auto& op) { return op.kind == kind && op.subject == subject; });
            REQUIRE(it != ops.end());
            return *it;
        };
        CHECK(find(OpKind::drop_table, "old_stuff").destructive);
        CHECK(find(OpKind::drop_column, "nick").destructive);
        CHECK(find(OpKind::drop_column, "bio").destructive);
        CHECK(find(OpKind::alter_column, "code").destructive);
        CHECK_FALSE(find(OpKind::alter_column, "age").destructive);
        auto handle = find(OpKind::add_column, "handle");
        CHECK_FALSE(handle.destructive);
        CHECK(handle.rename_from == "nick");
        CHECK(contains(handle.describe(), "possibly a rename of nick"));
    }

    TEST_CASE("apply drops only the key an operation names: another plugin's key on the table stays") {
        auto t = table("attendee", {column("a", types::integer()), column("b", types::integer())});
        t.foreign_keys = {{"attendee_a_fk", {"a"}, "room", {"id"}}, {"attendee_b_fk", {"b"}, "room", {"id"}}};
        auto after = t;
        after.foreign_keys.clear();
        Operation drop{OpKind::drop_foreign_key, "attendee", "uber", t, after, "attendee_a_fk"};
        auto applied = trellis::apply(t, {drop});
        REQUIRE(applied.foreign_keys.size() == 1);
        CHECK(applied.foreign_keys[0].name == "attendee_b_fk");
    }

    TEST_CASE("render: a NOT NULL column is added in two steps unless the model keeps a default") {
        auto before = table("attendee", {});
        auto after = table(
            "attendee", {column("badge", types::integer(), false), column("paid", types::boolean(), false, "false")});
        std::vector<Operation> ops{{OpKind::add_column, "attendee", "uber", before, after, "badge"},
                                   {OpKind::add_column, "attendee", "uber", before, after, "paid"}};
        auto pg = render(ops, database({before}), Dialect::postgresql);
        CHECK(contains(pg.upgrade, "ALTER TABLE attendee ADD COLUMN badge INTEGER NOT NULL DEFAULT 0;\n"
                                   "ALTER TABLE attendee ALTER COLUMN badge DROP DEFAULT;\n"));
        CHECK(contains(pg.upgrade, "ALTER TABLE attendee ADD COLUMN paid BOOLEAN NOT NULL DEFAULT false;\n"));
        CHECK_FALSE(contains(pg.upgrade, "paid DROP DEFAULT"));
        // SQLite cannot drop a default: a rebuild fills the rows instead.
        auto lite = render(ops, database({before}), Dialect::sqlite);
        CHECK(contains(lite.upgrade,
                       "INSERT INTO _trellis_new_attendee (id, badge, paid) SELECT id, 0, false FROM attendee;"));
        CHECK_FALSE(contains(lite.upgrade, "DROP DEFAULT"));
    }

    TEST_CASE("render: SQLite adds with ALTER only a column whose default is a constant") {
        auto before = table("attendee", {});
        for (const auto& [value, altered] : std::vector<std::pair<std::string, bool>>{{"0", true},
                                                                                      {"'x'", true},
                                                                                      {"'it''s'", true},
                                                                                      {"-1", true},
                                                                                      {"(42)", true},
                                                                                      {"true", true},
                                                                                      {"CURRENT_TIMESTAMP", false},
                                                                                      {"CURRENT_DATE", false},
                                                                                      {"(datetime('now'))", false},
                                                                                      {"'a' || 'b'", false}}) {
            CAPTURE(value);
            auto after = table("attendee", {column("c", types::text(), true, value)});
            auto sql = render({{OpKind::add_column, "attendee", "uber", before, after, "c"}}, database({before}),
                              Dialect::sqlite);
            CHECK(contains(sql.upgrade, "ALTER TABLE attendee ADD COLUMN c") == altered);
            CHECK(contains(sql.upgrade, "_trellis_new_attendee") == !altered);
        }
    }

    TEST_CASE("render: reverting a dropped column SQLite cannot ALTER back in is a rebuild too") {
        auto before = database({table("attendee", {column("badge", types::integer(), false)})});
        auto after = table("attendee", {});
        auto sql = render({{OpKind::drop_column, "attendee", "uber", before.tables[0], after, "badge", true}}, before,
                          Dialect::sqlite);
        CHECK_FALSE(contains(sql.downgrade, "DROP DEFAULT"));
        CHECK(contains(sql.downgrade, "SELECT id, 0 FROM attendee;"));
    }

    TEST_CASE("render: PostgreSQL changes a type with the default out of the way") {
        auto before = table("attendee", {column("code", types::text(), true, "'abc'")});
        auto after = table("attendee", {column("code", types::integer(), true, "0")});
        auto sql = render({{OpKind::alter_column, "attendee", "uber", before, after, "code", true}}, database({before}),
                          Dialect::postgresql);
        CHECK(contains(sql.upgrade, "ALTER TABLE attendee ALTER COLUMN code DROP DEFAULT;\n"
                                    "ALTER TABLE attendee ALTER COLUMN code TYPE INTEGER USING code::INTEGER;\n"
                                    "ALTER TABLE attendee ALTER COLUMN code SET DEFAULT 0;\n"));
        CHECK(contains(sql.downgrade, "ALTER TABLE attendee ALTER COLUMN code DROP DEFAULT;\n"
                                      "ALTER TABLE attendee ALTER COLUMN code TYPE TEXT;\n"
                                      "ALTER TABLE attendee ALTER COLUMN code SET DEFAULT 'abc';\n"));
    }

    TEST_CASE("render: the possible rename is offered in a comment, in an SQLite rebuild too") {
        Models models{{table("guest", {column("handle", types::varchar(40)), column("code", types::varchar(10))})}, {}};
        auto db = database({table("guest", {column("nick", types::varchar(40)), column("code", types::varchar(40))})});
        auto ops = diff(schema_from_models({{"uber", &models}}), db, UnownedTables::drop);
        for (auto dialect : {Dialect::sqlite, Dialect::postgresql}) {
            auto sql = render(ops, db, dialect);
            CAPTURE(sql.upgrade);
            CHECK(contains(sql.upgrade, "-- ALTER TABLE guest RENAME COLUMN nick TO handle;\n"));
            CHECK(contains(sql.upgrade, "-- WARNING:"));
        }
    }

    TEST_CASE("apply on a schema: what the next revision of the same run starts from") {
        auto db = database({table("attendee", {column("name", types::text())}), table("old_stuff", {})});
        Models models{
            {table("attendee", {column("name", types::text()), column("email", types::text())}), table("room", {})},
            {}};
        auto after = trellis::apply(db, diff(schema_from_models({{"uber", &models}}), db, UnownedTables::drop));
        REQUIRE(after.tables.size() == 2);
        CHECK(after.tables[0].name == "attendee");
        CHECK(after.tables[0].columns.size() == 3);
        CHECK(after.tables[1].name == "room");
    }
}
