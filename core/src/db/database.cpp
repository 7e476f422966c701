#include "db/database.hpp"

#include "db/postgres_database.hpp"
#include "db/sqlite_database.hpp"

#include <cctype>

namespace trellis {

std::string Database::quote(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    return out + "'";
}

std::string Database::bind(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
    std::string out;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            std::size_t n = 0, j = i + 1;
            while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j])))
                n = n * 10 + static_cast<std::size_t>(sql[j++] - '0');
            if (n >= 1 && n <= parameters.size()) {
                const auto& value = parameters[n - 1];
                out += value ? quote(*value) : "NULL";
                i = j - 1;
                continue;
            }
        }
        out += sql[i];
    }
    return out;
}

void Database::execute(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
    execute(bind(sql, parameters));
}

std::unique_ptr<Database> connect(const DatabaseUrl& url, OpenMode mode, int lock_timeout_seconds) {
    if (url.dialect == Dialect::sqlite)
        return std::make_unique<SqliteDatabase>(url, mode, lock_timeout_seconds);
    return std::make_unique<PostgresDatabase>(url, lock_timeout_seconds);
}

} // namespace trellis
