#include "sql/sqlite_complete.hpp"

#include <sqlite3.h>
#include <string>

namespace trellis::sql {

bool sqlite_statement_ends(std::string_view sql) {
    // sqlite3_complete reads up to a NUL; revision text has none (the file is refused otherwise).
    std::string text(sql);
    return sqlite3_complete(text.c_str()) != 0;
}

} // namespace trellis::sql
