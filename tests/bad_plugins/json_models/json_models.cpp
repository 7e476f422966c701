// A plugin whose models come from a JSON file, for the autogenerate tests: a test rewrites the
// file between two runs of `trellis` to change the models without rebuilding anything. The file is
// named by the environment variable JSON_MODELS_ENVIRONMENT (baked in by CMake, one per plugin
// built from this source); unset or empty, the plugin declares no models.
//
//     {"tables": [{"name": "t", "columns": [{"name": "id", "type": "integer", "nullable": false,
//                                            "default": "0", "auto_increment": true},
//                                           {"name": "total", "type": "numeric(10, 2)",
//                                            "generated": "price * quantity"}],
//                  "primary_key": ["id"], "primary_key_name": "PK_t",
//                  "uniques": [{"name": "u", "columns": ["id"]}],
//                  "indexes": [{"name": "i", "columns": ["lower(email)", "id DESC"], "unique": true,
//                               "where": "active"}],
//                  "foreign_keys": [{"name": "f", "columns": ["a"], "referred_table": "p",
//                                    "referred_columns": ["id"], "on_delete": "cascade",
//                                    "deferrable": true, "initially_deferred": true}],
//                  "checks": [{"name": "c", "expression": "id >= 0"}]}],
//      "extensions": [{"table": "t", "columns": [...], "indexes": [...], "foreign_keys": [...]}]}
//
// Types are written as in SQL: `varchar(40)`, `char(2)`, `numeric(10, 2)`, `timestamp(3)`,
// `timestamptz`, `jsonb`, `text[]`, ...; an enum type is named by `type` with its labels in
// `"enum_values": ["happy", "sad"]`; any other spelling (`tsvector`, `NVARCHAR(160)`) is a
// type trellis does not model, carried as spelled. A malformed file throws, and the host refuses
// the plugin with the message.
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <trellis/plugin.hpp>

#ifndef JSON_MODELS_ENVIRONMENT
#define JSON_MODELS_ENVIRONMENT "TRELLIS_TEST_MODELS"
#endif

namespace {

using nlohmann::json;
using namespace trellis;

// "numeric(10, 2)" -> numeric with precision 10, scale 2; "text[]" -> an array of text.
ColumnType parse_type(const std::string& spelled) {
    static const std::map<std::string, ColumnKind> kinds = {
        {"integer", ColumnKind::integer},     {"bigint", ColumnKind::bigint},
        {"smallint", ColumnKind::smallint},   {"boolean", ColumnKind::boolean},
        {"text", ColumnKind::text},           {"varchar", ColumnKind::varchar},
        {"char", ColumnKind::character},      {"numeric", ColumnKind::numeric},
        {"real", ColumnKind::real},           {"double", ColumnKind::double_precision},
        {"date", ColumnKind::date},           {"time", ColumnKind::time},
        {"timestamp", ColumnKind::timestamp}, {"timestamptz", ColumnKind::timestamp_tz},
        {"uuid", ColumnKind::uuid},           {"json", ColumnKind::json},
        {"jsonb", ColumnKind::jsonb},         {"binary", ColumnKind::binary},
    };
    auto scalar = spelled;
    bool array = scalar.size() > 2 && scalar.ends_with("[]");
    if (array)
        scalar.resize(scalar.size() - 2);
    auto open = scalar.find('(');
    auto it = kinds.find(scalar.substr(0, open));
    if (it == kinds.end())
        return types::spelled(spelled);
    auto type = types::of_kind(it->second);
    type.array = array;
    if (open != std::string::npos) {
        int first = std::atoi(scalar.c_str() + open + 1);
        auto comma = scalar.find(',', open);
        if (type.kind == ColumnKind::varchar || type.kind == ColumnKind::character)
            type.length = first;
        else if (type.kind == ColumnKind::numeric) {
            type.precision = first;
            type.scale = comma == std::string::npos ? 0 : std::atoi(scalar.c_str() + comma + 1);
        } else {
            type.fraction = first;
        }
    }
    return type;
}

ReferentialAction parse_action(const json& value) {
    static const std::map<std::string, ReferentialAction> actions = {
        {"no action", ReferentialAction::no_action},     {"restrict", ReferentialAction::restrict},
        {"cascade", ReferentialAction::cascade},         {"set null", ReferentialAction::set_null},
        {"set default", ReferentialAction::set_default},
    };
    auto it = actions.find(value.get<std::string>());
    if (it == actions.end())
        throw std::runtime_error("unknown referential action `" + value.get<std::string>() + "`");
    return it->second;
}

std::vector<std::string> names(const json& object, const char* key) {
    return object.value(key, std::vector<std::string>{});
}

std::vector<Column> columns_of(const json& object) {
    std::vector<Column> columns;
    for (const auto& c : object.value("columns", json::array())) {
        Column column{c.at("name").get<std::string>(), parse_type(c.at("type").get<std::string>()),
                      c.value("nullable", true), std::nullopt};
        if (c.contains("default") && !c["default"].is_null())
            column.server_default = c["default"].get<std::string>();
        if (c.contains("enum_values"))
            column.type = types::enumeration(c.at("type").get<std::string>(), names(c, "enum_values"));
        column.auto_increment = c.value("auto_increment", false);
        if (c.contains("generated") && !c["generated"].is_null())
            column.generated = c["generated"].get<std::string>();
        columns.push_back(std::move(column));
    }
    return columns;
}

std::vector<Index> indexes_of(const json& object) {
    std::vector<Index> indexes;
    for (const auto& i : object.value("indexes", json::array()))
        indexes.push_back({i.at("name").get<std::string>(), names(i, "columns"), i.value("unique", false),
                           i.value("where", std::string())});
    return indexes;
}

std::vector<ForeignKey> foreign_keys_of(const json& object) {
    std::vector<ForeignKey> keys;
    for (const auto& f : object.value("foreign_keys", json::array()))
        keys.push_back({f.at("name").get<std::string>(), names(f, "columns"), f.at("referred_table").get<std::string>(),
                        names(f, "referred_columns"), parse_action(f.value("on_delete", json("no action"))),
                        parse_action(f.value("on_update", json("no action"))), f.value("deferrable", false),
                        f.value("initially_deferred", false)});
    return keys;
}

Models models_of(const json& document) {
    Models models;
    for (const auto& t : document.value("tables", json::array())) {
        Table table{t.at("name").get<std::string>(),
                    columns_of(t),
                    names(t, "primary_key"),
                    {},
                    indexes_of(t),
                    foreign_keys_of(t),
                    {},
                    t.value("primary_key_name", std::string())};
        for (const auto& u : t.value("uniques", json::array()))
            table.uniques.push_back({u.at("name").get<std::string>(), names(u, "columns")});
        for (const auto& c : t.value("checks", json::array()))
            table.checks.push_back({c.at("name").get<std::string>(), c.at("expression").get<std::string>()});
        models.tables.push_back(std::move(table));
    }
    for (const auto& e : document.value("extensions", json::array()))
        models.extensions.push_back(
            {e.at("table").get<std::string>(), columns_of(e), indexes_of(e), foreign_keys_of(e)});
    return models;
}

void describe(PluginDescriptor& plugin) {
    const char* file = std::getenv(JSON_MODELS_ENVIRONMENT);
    if (!file || !*file)
        return;
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error(std::string("cannot read the models file ") + file + " (" JSON_MODELS_ENVIRONMENT ")");
    plugin.models = models_of(json::parse(in));
}

} // namespace

TRELLIS_PLUGIN(describe)
