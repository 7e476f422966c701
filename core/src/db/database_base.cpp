// The parts of Database that both the host and the PostgreSQL module link in.
#include "db/database.hpp"

#include <cctype>

namespace trellis {

void Database::check_no_nul(const std::string& sql) {
    if (sql.find('\0') != std::string::npos)
        throw SqlError("the statement holds a NUL byte, and the database would run only what comes before it", "");
}

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

void Database::commit_with(const std::vector<std::string>& statements, const std::vector<std::string>& last) {
    for (std::size_t k = 0; k < statements.size(); ++k) {
        try {
            execute(statements[k]);
        } catch (const SqlError& e) {
            try {
                rollback();
            } catch (...) {
                // Closing the connection rolls back as well.
            }
            throw BatchError(e, k);
        }
    }
    try {
        commit(last);
    } catch (const SqlError& e) {
        throw BatchError(e, statements.size());
    }
}

void Database::execute(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) {
    execute(bind(sql, parameters));
}

} // namespace trellis
