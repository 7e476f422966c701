// A table rebuild (create a new table, copy the rows, drop the old one, give the new one its
// name: how SQLite changes what ALTER cannot) keeps the rows, but the new table may still drop,
// rename, tighten or narrow a column. These rules compare the two tables through the copy.
#pragma once

#include "lint/section_check.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::lint {

struct Rebuild {
    std::size_t statement; // the copy: the findings point at it
    const std::string& table;
    const TableShape& before;
    const TableShape& after;
    const CopyRows& rows;
    // An UPDATE earlier in the section set this column of the old table.
    std::function<bool(std::string_view column)> backfilled;
};

// Nothing when either table's columns are not all known.
std::vector<SectionFinding> check_rebuild(const Rebuild& rebuild);

} // namespace trellis::lint
