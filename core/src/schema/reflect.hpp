// Reading a live database's schema into a Schema, with a few bulk catalog queries (never a round
// trip per table). The ledger table and tables matching `exclude` (fnmatch-style patterns, as in
// `exclude_tables`) are left out.
#pragma once

#include "db/database.hpp"
#include "schema/schema.hpp"

namespace trellis {

Schema reflect(Database& db, const std::string& ledger_table, const std::vector<std::string>& exclude);

// Whether `table` is left out of comparisons: the ledger or an exclude pattern.
bool excluded(const std::string& table, const std::string& ledger_table, const std::vector<std::string>& exclude);

} // namespace trellis
