#include "lint/tree_changes.hpp"

#include "lint/pg_rules.hpp"

#include <string>
#include <string_view>

namespace trellis::lint {

namespace {

using sql::key;
using sql::last_name;
using sql::Node;
using sql::relation_name;
using sql::text_of;
using Changes = std::vector<Change>;

// `a, b` from a list of String nodes (a constraint's keys) or IndexElem nodes (an index's).
std::string column_list(const Node& list) {
    std::string out;
    for (const auto& item : list.items()) {
        auto name = item["IndexElem"].is_null() ? text_of(item["String"]["sval"]) : text_of(item["IndexElem"]["name"]);
        out += (out.empty() ? "" : ", ") + (name.empty() ? std::string("(expression)") : name);
    }
    return out;
}

ColumnDef column_def(const Node& def) {
    ColumnDef column;
    column.name = text_of(def["colname"]);
    column.type = pg_type_text(def["typeName"]);
    column.has_default = fills_itself(column.type);
    for (const auto& item : def["constraints"].items()) {
        auto kind = item["Constraint"]["contype"].str();
        if (kind == "CONSTR_NOTNULL")
            column.not_null = true;
        else if (kind == "CONSTR_PRIMARY")
            column.not_null = column.primary_key = true;
        else if (kind == "CONSTR_DEFAULT" || kind == "CONSTR_IDENTITY" || kind == "CONSTR_GENERATED")
            column.has_default = true;
    }
    return column;
}

// Every node below `node` of the type `tag`, in order (the tables a query reads, the columns an
// expression reads).
void collect(const Node& node, std::string_view tag, std::vector<const Node*>& out) {
    if (node.kind() != Node::Kind::object && node.kind() != Node::Kind::array)
        return;
    auto keys = node.keys();
    auto items = node.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (node.kind() == Node::Kind::object && keys[i] == tag)
            out.push_back(&items[i]);
        collect(items[i], tag, out);
    }
}

std::vector<std::string> sources(const Node& query) {
    std::vector<const Node*> found;
    collect(query, "RangeVar", found);
    std::vector<std::string> names;
    for (const auto* range_var : found)
        names.push_back(relation_name(*range_var));
    return names;
}

SelectItem select_item(const Node& value) {
    SelectItem item;
    const auto& ref = value["ColumnRef"];
    if (!ref.is_null()) {
        auto fields = ref["fields"].items();
        item.star = !fields.empty() && !fields.back()["A_Star"].is_null() && fields.size() == 1;
        item.bare = !item.star && !fields.empty() && fields.back()["A_Star"].is_null();
        if (item.bare)
            item.columns = {last_name(ref["fields"])};
        return item;
    }
    std::vector<const Node*> refs;
    collect(value, "ColumnRef", refs);
    for (const auto* r : refs)
        if (auto name = last_name((*r)["fields"]); !name.empty())
            item.columns.push_back(name);
    return item;
}

void create_table(const Node& s, Changes& out) {
    CreateTable create;
    create.table = relation_name(s["relation"]);
    create.if_not_exists = s["if_not_exists"].truthy();
    for (const auto& element : s["tableElts"].items())
        if (!element["ColumnDef"].is_null())
            create.columns.push_back(column_def(element["ColumnDef"]));
    for (const auto& element : s["tableElts"].items()) {
        const auto& c = element["Constraint"];
        if (c["contype"].str() != "CONSTR_PRIMARY")
            continue;
        for (const auto& name : c["keys"].items())
            for (auto& column : create.columns)
                if (key(column.name) == key(name["String"]["sval"].str()))
                    column.not_null = column.primary_key = true;
    }
    out.push_back(std::move(create));
}

// CREATE TABLE ... AS, SELECT ... INTO: a table whose columns come from a query.
void create_from_query(const Node& into, const Node& query, bool if_not_exists, Changes& out) {
    CreateTable create;
    create.table = relation_name(into["rel"]);
    create.columns_known = false;
    create.if_not_exists = if_not_exists;
    create.sources = sources(query);
    out.push_back(std::move(create));
}

void add_constraint(const std::string& table, const Node& c, Changes& out) {
    auto kind = c["contype"].str();
    auto name = text_of(c["conname"]);
    if (kind == "CONSTR_CHECK") {
        const auto& test = c["raw_expr"]["NullTest"];
        if (test["nulltesttype"].str() == "IS_NOT_NULL" && !test["arg"]["ColumnRef"].is_null())
            out.push_back(NotNullCheck{table, name, last_name(test["arg"]["ColumnRef"]["fields"]),
                                       !c["skip_validation"].truthy()});
        return;
    }
    if ((kind != "CONSTR_UNIQUE" && kind != "CONSTR_PRIMARY") || !c["indexname"].is_null())
        return; // `UNIQUE USING INDEX ix`: the index is already unique
    std::string what = kind == "CONSTR_UNIQUE" ? (name.empty() ? "a unique constraint" : "unique constraint " + name)
                                               : (name.empty() ? "a primary key" : "primary key " + name);
    out.push_back(AddUnique{table, what, column_list(c["keys"])});
}

void alter_table(const Node& s, Changes& out) {
    auto table = relation_name(s["relation"]);
    for (const auto& item : s["cmds"].items()) {
        const auto& cmd = item["AlterTableCmd"];
        auto subtype = cmd["subtype"].str();
        auto column = text_of(cmd["name"]);
        if (subtype == "AT_AddColumn")
            out.push_back(AddColumn{table, column_def(cmd["def"]["ColumnDef"])});
        else if (subtype == "AT_DropColumn")
            out.push_back(DropColumn{table, column});
        else if (subtype == "AT_AlterColumnType")
            out.push_back(AlterType{table, column, pg_type_text(cmd["def"]["ColumnDef"]["typeName"])});
        else if (subtype == "AT_SetNotNull")
            out.push_back(SetNotNull{table, column});
        else if (subtype == "AT_AddConstraint")
            add_constraint(table, cmd["def"]["Constraint"], out);
        else if (subtype == "AT_ValidateConstraint")
            out.push_back(ValidateConstraint{table, column});
    }
}

void insert(const Node& s, Changes& out) {
    auto target = relation_name(s["relation"]);
    const auto& select = s["selectStmt"]["SelectStmt"];
    if (select.is_null() || !select["valuesLists"].is_null()) {
        out.push_back(InsertRows{target});
        return;
    }
    CopyRows copy{target, {}, {}, sources(s)}; // a WITH clause's tables too; the target itself is skipped
    for (const auto& column : s["cols"].items())
        copy.target_columns.push_back(text_of(column["ResTarget"]["name"]));
    for (const auto& target_item : select["targetList"].items())
        copy.items.push_back(select_item(target_item["ResTarget"]["val"]));
    if (!copy.sources.empty())
        out.push_back(std::move(copy));
}

} // namespace

std::vector<Change> tree_changes(const Node& stmt) {
    auto tag = stmt.tag();
    const auto& s = stmt.inner();
    Changes out;
    if (tag == "CreateStmt") {
        create_table(s, out);
    } else if (tag == "CreateTableAsStmt" && s["objtype"].str() == "OBJECT_TABLE") {
        create_from_query(s["into"], s["query"], s["if_not_exists"].truthy(), out);
    } else if (tag == "SelectStmt" && !s["intoClause"].is_null()) {
        create_from_query(s["intoClause"], s, false, out);
    } else if (tag == "IndexStmt" && s["unique"].truthy()) {
        auto index = text_of(s["idxname"]);
        out.push_back(AddUnique{relation_name(s["relation"]),
                                index.empty() ? "a unique index" : "unique index " + index,
                                column_list(s["indexParams"])});
    } else if (tag == "DropStmt" && s["removeType"].str() == "OBJECT_TABLE") {
        DropTable dropped;
        for (const auto& object : s["objects"].items())
            dropped.tables.push_back(last_name(object["List"]["items"]));
        out.push_back(std::move(dropped));
    } else if (tag == "AlterTableStmt" && s["objtype"].str() == "OBJECT_TABLE") {
        alter_table(s, out);
    } else if (tag == "RenameStmt" && s["renameType"].str() == "OBJECT_TABLE") {
        out.push_back(RenameTable{relation_name(s["relation"]), text_of(s["newname"])});
    } else if (tag == "RenameStmt" && s["renameType"].str() == "OBJECT_COLUMN" &&
               s["relationType"].str() == "OBJECT_TABLE") {
        out.push_back(RenameColumn{relation_name(s["relation"]), text_of(s["subname"]), text_of(s["newname"])});
    } else if (tag == "InsertStmt") {
        insert(s, out);
    } else if (tag == "UpdateStmt") {
        SetColumns set{relation_name(s["relation"]), {}};
        for (const auto& target : s["targetList"].items())
            set.columns.push_back(text_of(target["ResTarget"]["name"]));
        out.push_back(std::move(set));
    }
    return out;
}

} // namespace trellis::lint
