#include "schema/retype_views.hpp"

#include "schema/ddl.hpp"
#include "schema/identifier.hpp"
#include "schema/sqlite_rebuild.hpp"
#include "schema/types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis {

// PostgreSQL refuses to change the type of a column a view uses (0A000). The views on the tables
// whose columns change type are kept aside in a temporary table and dropped first (`up`), and
// made again last from what was kept (`down`), in both directions: the views there when the
// revision runs, as they are then, never a view the revision remembers but the user dropped.
SqlStep views_around_retypes(const std::vector<const Operation*>& ordered, const Schema& before) {
    std::vector<const SchemaObject*> views;
    for (const auto* op : ordered) {
        const auto* from = op->kind == OpKind::alter_column ? find_column(op->before, op->subject) : nullptr;
        const auto* to = op->kind == OpKind::alter_column ? find_column(op->after, op->subject) : nullptr;
        if (!from || !to || same_type(from->type, to->type))
            continue;
        for (const auto* o : dependents(op->table, before.objects, Dialect::postgresql))
            if (std::find(views.begin(), views.end(), o) == views.end())
                views.push_back(o);
    }
    if (views.empty())
        return {};
    std::sort(views.begin(), views.end());
    std::vector<std::string> names;
    for (const auto* v : views)
        names.push_back(sql_string(v->name));
    SqlStep out;
    out.up = fmt::format(
        "-- PostgreSQL cannot change the type of a column a view uses: the views are kept aside and made again "
        "after.\nCREATE TEMP TABLE trellis_views AS SELECT c.oid::bigint AS made, c.relname::text AS name, "
        "rtrim(pg_get_viewdef(c.oid, true), ';') AS definition FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE c.relkind = 'v' AND n.nspname = current_schema() AND c.relname IN ({});\n",
        text::join(names, ", "));
    for (auto it = views.rbegin(); it != views.rend(); ++it)
        out.up += fmt::format("DROP VIEW IF EXISTS {};\n", quote((*it)->name));
    out.down = "DO $$ DECLARE v record; BEGIN FOR v IN SELECT name, definition FROM trellis_views ORDER BY made LOOP "
               "EXECUTE format('CREATE VIEW %I AS %s', v.name, v.definition); END LOOP; END $$;\nDROP TABLE "
               "trellis_views;\n";
    return out;
}

} // namespace trellis
