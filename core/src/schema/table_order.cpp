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
    auto find = [&](const std::string& name) -> const Table* {
        for (const auto* t : left)
            if (t->name == name)
                return t;
        return nullptr;
    };
    // Whether following the keys still waiting leads from `start` back to it.
    auto on_cycle = [&](const Table& start) {
        std::vector<const Table*> todo{&start};
        std::set<const Table*> seen;
        while (!todo.empty()) {
            const auto* t = todo.back();
            todo.pop_back();
            for (const auto& f : t->foreign_keys) {
                if (!waiting_for(f, *t))
                    continue;
                const auto* next = find(f.referred_table);
                if (next == &start)
                    return true;
                if (seen.insert(next).second)
                    todo.push_back(next);
            }
        }
        return false;
    };
    while (!left.empty()) {
        auto ready = std::find_if(left.begin(), left.end(), [&](const Table* t) {
            return std::none_of(t->foreign_keys.begin(), t->foreign_keys.end(),
                                [&](const ForeignKey& f) { return waiting_for(f, *t); });
        });
        // A cycle: its first table goes now; its keys into the others come afterwards.
        if (ready == left.end()) {
            ready = std::find_if(left.begin(), left.end(), [&](const Table* t) { return on_cycle(*t); });
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
