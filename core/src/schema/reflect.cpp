#include "schema/reflect.hpp"

#include "schema/reflect_dialects.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace trellis {

bool excluded(const std::string& table, const std::string& ledger_table, const std::vector<std::string>& exclude) {
    if (table == ledger_table || table == ledger_table + "_lock") // the ledger and the migration lock
        return true;
    return std::any_of(exclude.begin(), exclude.end(),
                       [&](const auto& pattern) { return text::glob_match(pattern, table); });
}

Schema reflect(Database& db, const std::string& ledger_table, const std::vector<std::string>& exclude) {
    std::map<std::string, Table> tables;
    Schema schema;
    auto skip = [&](const std::string& name) { return excluded(name, ledger_table, exclude); };
    if (db.kind() == Dialect::sqlite)
        reflect_sqlite(db, tables, schema.objects, skip);
    else
        reflect_postgres(db, tables, schema.objects, skip);
    for (auto& [name, table] : tables)
        schema.tables.push_back(std::move(table));
    schema.sort();
    return schema;
}

} // namespace trellis
