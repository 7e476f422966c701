#include "schema/table_order.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace trellis {

TablePlan creation_plan(const std::vector<const Table*>& tables) {
    TablePlan plan;
    std::vector<const Table*> left = tables;
    std::set<std::string> placed;
    auto waiting_for = [&](const ForeignKey& f, const Table& t) {
        return f.referred_table != t.name && !placed.count(f.referred_table) &&
               std::any_of(left.begin(), left.end(), [&](const Table* o) { return o->name == f.referred_table; });
    };
    while (!left.empty()) {
        auto ready = std::find_if(left.begin(), left.end(), [&](const Table* t) {
            return std::none_of(t->foreign_keys.begin(), t->foreign_keys.end(),
                                [&](const ForeignKey& f) { return waiting_for(f, *t); });
        });
        // A cycle: the first table left goes now; its keys into the others come afterwards.
        if (ready == left.end()) {
            ready = left.begin();
            for (const auto& f : (*ready)->foreign_keys)
                if (waiting_for(f, **ready))
                    plan.forward.push_back({*ready, &f});
        }
        placed.insert((*ready)->name);
        plan.tables.push_back(*ready);
        left.erase(ready);
    }
    return plan;
}

std::vector<std::string> forward_keys(const TablePlan& plan, const Table& table) {
    std::vector<std::string> names;
    for (const auto& k : plan.forward)
        if (k.table == &table)
            names.push_back(k.key->name);
    return names;
}

} // namespace trellis
