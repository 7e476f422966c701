// The order tables are created and dropped in, from the foreign-key graph: every table after the
// tables it refers to, dropped in the reverse order. A cycle of foreign keys has no such order:
// it is broken at the keys that point forward, which PostgreSQL adds after every table of the
// cycle exists (and drops before the first of them goes). SQLite checks no key at CREATE or DROP
// time, so there the keys stay inside CREATE TABLE.
#pragma once

#include "trellis/model.hpp"

#include <vector>

namespace trellis {

struct TablePlan {
    std::vector<const Table*> tables; // creation order
    struct Key {
        const Table* table;
        const ForeignKey* key;
    };
    std::vector<Key> forward; // keys referring to a table created after theirs: a cycle's
};

// Among `tables` (references to tables outside them need nothing); ties and cycles keep the
// order given.
TablePlan creation_plan(const std::vector<const Table*>& tables);

// The names of the keys of `table` that `plan` adds after the tables.
std::vector<std::string> forward_keys(const TablePlan& plan, const Table& table);

} // namespace trellis
