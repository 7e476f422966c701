#include "model_project.hpp"

#include "project.hpp"
#include "schema/expression.hpp"
#include "schema/schema.hpp"
#include "schema/types.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace trellis::test {

Column column(std::string name, ColumnType type, bool nullable, std::optional<std::string> server_default) {
    return {std::move(name), type, nullable, std::move(server_default)};
}

Table table(std::string name, std::vector<Column> columns) {
    Table t{std::move(name), {column("id", types::integer(), false)}, {"id"}, {}, {}, {}, {}};
    t.columns.insert(t.columns.end(), columns.begin(), columns.end());
    return t;
}

namespace {

using nlohmann::json;

const std::filesystem::path k_json_plugins = std::filesystem::path(TRELLIS_TEST_PLUGIN_DIR) / "json_models";

const char* action_spelling(ReferentialAction action) {
    switch (action) {
    case ReferentialAction::no_action:
        return "no action";
    case ReferentialAction::restrict:
        return "restrict";
    case ReferentialAction::cascade:
        return "cascade";
    case ReferentialAction::set_null:
        return "set null";
    case ReferentialAction::set_default:
        return "set default";
    }
    return "no action";
}

json columns_json(const std::vector<Column>& columns) {
    json out = json::array();
    for (const auto& c : columns) {
        json column = {{"name", c.name}, {"type", type_spelling(c.type)}, {"nullable", c.nullable}};
        if (c.server_default)
            column["default"] = *c.server_default;
        if (c.auto_increment)
            column["auto_increment"] = true;
        if (c.type.kind == ColumnKind::enumeration)
            column["enum_values"] = c.type.values;
        if (c.generated)
            column["generated"] = *c.generated;
        out.push_back(column);
    }
    return out;
}

json indexes_json(const std::vector<Index>& indexes) {
    json out = json::array();
    for (const auto& i : indexes)
        out.push_back({{"name", i.name}, {"columns", i.columns}, {"unique", i.unique}, {"where", i.where}});
    return out;
}

json foreign_keys_json(const std::vector<ForeignKey>& keys) {
    json out = json::array();
    for (const auto& f : keys)
        out.push_back({{"name", f.name},
                       {"columns", f.columns},
                       {"referred_table", f.referred_table},
                       {"referred_columns", f.referred_columns},
                       {"on_delete", action_spelling(f.on_delete)},
                       {"on_update", action_spelling(f.on_update)},
                       {"deferrable", f.deferrable},
                       {"initially_deferred", f.initially_deferred}});
    return out;
}

std::vector<std::string> sorted_lines(const std::string& text) {
    auto out = lines(text);
    std::sort(out.begin(), out.end());
    return out;
}

// `table|column|name|type|not null|default...`: the default in trellis' normal form. A SQLite
// rebuild writes back the default it reflected, `'3'` on an integer column as `3`, and PostgreSQL
// keeps `now()` where a downgrade writes CURRENT_TIMESTAMP: one default, spelled two ways.
std::string normalize_column_default(const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, '|');)
        fields.push_back(field);
    if (fields.size() < 6 || fields[1] != "column")
        return line;
    auto type = parse_type(fields[3]);
    if (!type || fields[5] == "~")
        return line;
    fields[5] = normalize_default(fields[5], type->kind).value_or("~");
    return fmt::format("{}", fmt::join(fields, "|"));
}

std::string text_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

std::string type_spelling(const ColumnType& type) {
    auto fraction = [&](const char* name) {
        return type.fraction < 0 ? std::string(name) : fmt::format("{}({})", name, type.fraction);
    };
    std::string out;
    switch (type.kind) {
    case ColumnKind::varchar:
        out = fmt::format("varchar({})", type.length);
        break;
    case ColumnKind::character:
        out = fmt::format("char({})", type.length);
        break;
    case ColumnKind::numeric:
        out = fmt::format("numeric({},{})", type.precision, type.scale);
        break;
    case ColumnKind::double_precision:
        out = "double";
        break;
    case ColumnKind::time:
        out = fraction("time");
        break;
    case ColumnKind::timestamp:
        out = fraction("timestamp");
        break;
    case ColumnKind::timestamp_tz:
        out = fraction("timestamptz");
        break;
    case ColumnKind::binary:
        out = "binary";
        break;
    case ColumnKind::enumeration:
    case ColumnKind::other:
        return type.spelling;
    default: // integer, bigint, ..., jsonb: the SQL name in lowercase
        out = text_lower(type_name(type));
    }
    return type.array ? out + "[]" : out;
}

std::string models_json(const Models& models) {
    json tables = json::array();
    for (const auto& t : models.tables) {
        json uniques = json::array(), checks = json::array();
        for (const auto& u : t.uniques)
            uniques.push_back({{"name", u.name}, {"columns", u.columns}});
        for (const auto& c : t.checks)
            checks.push_back({{"name", c.name}, {"expression", c.expression}});
        tables.push_back({{"name", t.name},
                          {"columns", columns_json(t.columns)},
                          {"primary_key", t.primary_key},
                          {"uniques", uniques},
                          {"indexes", indexes_json(t.indexes)},
                          {"foreign_keys", foreign_keys_json(t.foreign_keys)},
                          {"checks", checks},
                          {"primary_key_name", t.primary_key_name}});
    }
    json extensions = json::array();
    for (const auto& e : models.extensions)
        extensions.push_back({{"table", e.table},
                              {"columns", columns_json(e.columns)},
                              {"indexes", indexes_json(e.indexes)},
                              {"foreign_keys", foreign_keys_json(e.foreign_keys)}});
    return json{{"tables", tables}, {"extensions", extensions}}.dump(1);
}

ModelProject::ModelProject(const std::string& dialect, const std::string& config_extra)
    : m_dialect(dialect) {
    if (dialect == "postgresql") {
        m_pg = std::make_unique<PostgresDatabase>();
        m_url = m_pg->url();
    } else {
        m_url = "sqlite:///" + (dir() / "test.db").string();
    }
    write_file(dir() / "trellis.ini",
               fmt::format("version_table = trellis_version\nlock_timeout = 30\nplugin_path = {}\n{}\n"
                           "[plugin.json_models]\nversion_path = versions/json_models\n\n"
                           "[plugin.json_models_child]\nversion_path = versions/json_models_child\n",
                           k_json_plugins.string(), config_extra));
    std::filesystem::create_directories(versions("json_models"));
    std::filesystem::create_directories(versions("json_models_child"));
    set_models({});
    set_child_models({});
}

void ModelProject::set_models(const Models& models) {
    write_file(dir() / "models.json", models_json(models));
}

void ModelProject::set_child_models(const Models& models) {
    write_file(dir() / "child.json", models_json(models));
}

Result ModelProject::run_on(const std::string& url, const std::vector<std::string>& args) const {
    std::vector<std::string> all{"--url", url};
    all.insert(all.end(), args.begin(), args.end());
    return run_trellis(all, dir(),
                       {{"TRELLIS_TEST_MODELS", (dir() / "models.json").string()},
                        {"TRELLIS_TEST_CHILD_MODELS", (dir() / "child.json").string()}});
}

std::string ModelProject::sql(const std::string& query_text) const {
    return query(m_url, query_text);
}

void ModelProject::execute(const std::string& statements) const {
    if (!statements.empty())
        query(m_url, statements);
}

std::string ModelProject::catalog_query() const {
    if (m_dialect == "sqlite")
        // Unique constraints' automatic indexes are numbered in declaration order, which a rebuild
        // may change: they show as `u` with their columns. Checks live only in the CREATE TABLE
        // text, which comes whole (`~sql`) to be picked apart.
        return "SELECT m.name || '|column|' || p.name || '|' || upper(p.type) || '|' || p.\"notnull\" || '|' || "
               "ifnull(p.dflt_value, '~') || '|' || p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p "
               "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT IN ('trellis_version', "
               "'trellis_version_lock') "
               "UNION ALL SELECT m.name || '|index|' || CASE il.origin WHEN 'c' THEN il.name ELSE il.origin END || "
               "'|' || il.\"unique\" || '|' || (SELECT group_concat(name, ',') FROM (SELECT name FROM "
               "pragma_index_info(il.name) ORDER BY seqno)) FROM sqlite_master m JOIN pragma_index_list(m.name) il "
               "WHERE m.type = 'table' AND m.name NOT IN ('trellis_version', 'trellis_version_lock') "
               "UNION ALL SELECT m.name || '|foreign key|' || f.\"table\" || '|' || group_concat(f.\"from\", ',') || "
               "'|' || group_concat(f.\"to\", ',') || '|' || f.on_update || '|' || f.on_delete FROM sqlite_master m "
               "JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' GROUP BY m.name, f.id "
               "UNION ALL SELECT '~sql|' || name || '|' || replace(replace(sql, char(10), ' '), char(13), ' ') "
               "FROM sqlite_master WHERE type = 'table' AND name NOT IN ('trellis_version', 'trellis_version_lock')";
    return "SELECT c.relname || '|column|' || a.attname || '|' || format_type(a.atttypid, a.atttypmod) || '|' || "
           "a.attnotnull || '|' || coalesce(pg_get_expr(d.adbin, d.adrelid), '~') FROM pg_class c "
           "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
           "AND NOT a.attisdropped LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
           "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname NOT IN ('trellis_version', "
           "'trellis_version_lock') "
           "UNION ALL SELECT c.relname || '|constraint|' || con.conname || '|' || pg_get_constraintdef(con.oid) "
           "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = "
           "c.relnamespace WHERE n.nspname = current_schema() AND c.relname NOT IN ('trellis_version', "
           "'trellis_version_lock') "
           "UNION ALL SELECT tablename || '|index|' || indexname || '|' || indexdef FROM pg_indexes "
           "WHERE schemaname = current_schema() AND tablename NOT IN ('trellis_version', 'trellis_version_lock')";
}

ModelProject::Snapshot ModelProject::snapshot(const std::map<std::string, std::vector<std::string>>& columns,
                                              const std::string& statements) const {
    auto text = catalog_query();
    for (const auto& [table, names] : columns) {
        std::string row = "CAST(id AS TEXT)";
        for (const auto& c : names)
            row += fmt::format(" || '|' || coalesce(CAST({} AS TEXT), 'NULL')", c);
        text += fmt::format(" UNION ALL SELECT '~row|{}|' || {} FROM {}", table, row, table);
    }
    static const std::regex check(R"re(CONSTRAINT\s+"?(\w+)"?\s+CHECK\s*\(([^()]*(\([^()]*\))?[^()]*)\))re",
                                  std::regex::icase);
    Snapshot out;
    std::vector<std::string> schema;
    for (const auto& line : sorted_lines(sql(statements + text))) {
        if (line.starts_with("~row|")) {
            auto table = line.substr(5, line.find('|', 5) - 5);
            out.rows[table].push_back(line.substr(6 + table.size()));
        } else if (line.starts_with("~sql|")) {
            auto table = line.substr(5, line.find('|', 5) - 5);
            for (std::sregex_iterator it(line.begin(), line.end(), check), end; it != end; ++it)
                schema.push_back(fmt::format("{}|check|{}|{}", table, (*it)[1].str(), (*it)[2].str()));
        } else {
            schema.push_back(normalize_column_default(line));
        }
    }
    std::sort(schema.begin(), schema.end());
    out.schema = fmt::format("{}\n", fmt::join(schema, "\n"));
    for (const auto& [table, names] : columns)
        out.rows[table]; // a table without rows shows as one
    return out;
}

std::vector<std::filesystem::path> revision_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::exists(directory))
        for (const auto& entry : std::filesystem::directory_iterator(directory))
            if (entry.path().extension() == ".sql")
                out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string header(const std::string& file_text, const std::string& key) {
    for (const auto& line : lines(file_text)) {
        auto prefix = "-- " + key + ":";
        if (!line.starts_with(prefix))
            continue;
        auto value = line.substr(prefix.size());
        auto start = value.find_first_not_of(' ');
        return start == std::string::npos ? "" : value.substr(start);
    }
    return "";
}

std::string revision_section(const std::string& file_text, const std::string& kind, const std::string& dialect) {
    auto body = [&](const std::string& marker) -> std::optional<std::string> {
        auto at = file_text.find(marker + "\n");
        if (at == std::string::npos)
            return std::nullopt;
        at += marker.size() + 1;
        auto end = file_text.find("\n-- +", at);
        return file_text.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
    };
    if (auto own = body("-- +" + kind + " " + dialect))
        return *own;
    return body("-- +" + kind).value_or("");
}

} // namespace trellis::test
