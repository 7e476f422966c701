#include "sql/sqlite_complete.hpp"

#include <memory>
#include <sqlite3.h>

namespace trellis::sql {

bool sqlite_statement_ends(std::string_view sql) {
    // sqlite3_complete reads up to a NUL; revision text has none (the file is refused otherwise).
    std::string text(sql);
    return sqlite3_complete(text.c_str()) != 0;
}

bool sqlite_parses(std::span<const std::string> statements) {
    sqlite3* raw = nullptr;
    if (sqlite3_open(":memory:", &raw) != SQLITE_OK) {
        sqlite3_close(raw);
        return true; // cannot tell: take it as SQLite's
    }
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    for (const auto& sql : statements) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
        sqlite3_finalize(stmt);
        if (rc == SQLITE_OK)
            continue;
        // The parser's own words start its message: "no such table: syntax error" names a table.
        std::string_view message = sqlite3_errmsg(db.get());
        if ((message.starts_with("near \"") && message.ends_with("syntax error")) ||
            message.starts_with("syntax error") || message.starts_with("unrecognized token: ") ||
            message == "incomplete input")
            return false;
    }
    return true;
}

} // namespace trellis::sql
