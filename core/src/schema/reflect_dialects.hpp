// The two halves of reflect(): each reads one dialect's catalog into tables by name, leaving out
// the tables `skip` names. Internal to schema/.
#pragma once

#include "db/database.hpp"
#include "schema/schema.hpp"

#include <functional>
#include <map>
#include <string>

namespace trellis {

using SkipTable = std::function<bool(const std::string&)>;

void reflect_sqlite(Database& db, std::map<std::string, Table>& tables, std::vector<SchemaObject>& objects,
                    const SkipTable& skip);
void reflect_postgres(Database& db, std::map<std::string, Table>& tables, std::vector<SchemaObject>& objects,
                      const SkipTable& skip);

inline std::string cell(const Row& row, std::size_t k) {
    return row.size() > k ? row[k].value_or("") : "";
}

} // namespace trellis
