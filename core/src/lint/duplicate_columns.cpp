#include "lint/duplicate_columns.hpp"

#include <fmt/format.h>
#include <map>
#include <string>
#include <string_view>

namespace trellis::lint {

namespace {

using sql::last_name;
using sql::Node;

// The name PostgreSQL gives an output column that has no alias (its FigureColname, in short);
// empty for `*`, which expands to the columns of its tables.
std::string inferred_name(const Node& value) {
    auto tag = value.tag();
    const auto& v = value.inner();
    if (tag == "ColumnRef")
        return v["fields"].items().empty() || !v["fields"].items().back()["A_Star"].is_null() ? ""
                                                                                              : last_name(v["fields"]);
    if (tag == "FuncCall")
        return last_name(v["funcname"]);
    if (tag == "TypeCast") {
        auto inner = v["arg"].tag() == "A_Const" ? "" : inferred_name(v["arg"]);
        return inner.empty() || inner == "?column?" ? last_name(v["typeName"]["names"]) : inner;
    }
    if (tag == "CaseExpr")
        return "case";
    if (tag == "A_ArrayExpr")
        return "array";
    return "?column?";
}

struct Uses {
    int whole = 0, parts = 0;
};

void report_twice(const std::map<std::string, Uses>& uses, std::string_view what, const Report& report) {
    for (const auto& [name, n] : uses)
        if (n.whole + n.parts >= 2 && n.whole > 0)
            report("T603", fmt::format(fmt::runtime(what), name));
}

// ResTarget lists that assign columns: UPDATE SET, INSERT (columns), ON CONFLICT, MERGE.
void assignments(const Node& targets, const Report& report) {
    std::map<std::string, Uses> uses;
    for (const auto& item : targets.items()) {
        const auto& target = item["ResTarget"];
        auto& n = uses[std::string(target["name"].str())];
        (target["indirection"].is_null() ? n.whole : n.parts) += 1;
    }
    report_twice(uses, "assigns column {} twice: PostgreSQL stops this statement with 42601", report);
}

void declared(const Node& elements, const Report& report) {
    std::map<std::string, Uses> uses;
    for (const auto& item : elements.items())
        if (auto name = item["ColumnDef"]["colname"].str(); !name.empty())
            ++uses[std::string(name)].whole;
    report_twice(uses, "declares column {} twice: PostgreSQL stops this statement with 42701", report);
}

// The columns a query gives a new relation: the names listed for it, else the query's own.
void output_columns(const Node& names, const Node& targets, const Report& report) {
    std::map<std::string, Uses> uses;
    if (names.size() > 0) {
        for (const auto& name : names.items())
            ++uses[std::string(name["String"]["sval"].str())].whole;
    } else {
        for (const auto& item : targets.items()) {
            const auto& target = item["ResTarget"];
            auto name = target["name"].is_null() ? inferred_name(target["val"]) : std::string(target["name"].str());
            if (!name.empty())
                ++uses[name].whole;
        }
    }
    report_twice(uses, "gives two output columns the name {}: PostgreSQL stops this statement with 42701", report);
}

void check(std::string_view tag, const Node& s, const Report& report) {
    if (tag == "UpdateStmt" || tag == "MergeWhenClause") {
        assignments(s["targetList"], report);
    } else if (tag == "InsertStmt") {
        assignments(s["cols"], report);
        assignments(s["onConflictClause"]["targetList"], report);
    } else if (tag == "CreateStmt") {
        declared(s["tableElts"], report);
    } else if (tag == "CreateForeignTableStmt") {
        declared(s["base"]["tableElts"], report);
    } else if (tag == "ViewStmt") {
        output_columns(s["aliases"], s["query"]["SelectStmt"]["targetList"], report);
    } else if (tag == "CreateTableAsStmt") {
        output_columns(s["into"]["colNames"], s["query"]["SelectStmt"]["targetList"], report);
    } else if (tag == "SelectStmt" && !s["intoClause"].is_null()) {
        output_columns(s["intoClause"]["colNames"], s["targetList"], report);
    }
}

void walk(const Node& node, const Report& report) {
    if (node.kind() == Node::Kind::object) {
        auto keys = node.keys();
        auto items = node.items();
        for (std::size_t i = 0; i < items.size(); ++i) {
            check(keys[i], items[i], report);
            walk(items[i], report);
        }
    } else if (node.kind() == Node::Kind::array) {
        for (const auto& item : node.items())
            walk(item, report);
    }
}

} // namespace

void duplicate_columns(const Node& stmt, const Report& report) {
    walk(stmt, report);
}

} // namespace trellis::lint
