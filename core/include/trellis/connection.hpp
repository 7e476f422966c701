// trellis/connection.hpp — what a plugin's C++ step sees of the database: the open connection of
// the revision being applied, inside that revision's transaction. Not thread-safe; valid only for
// the duration of the step call.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace trellis {

using Row = std::vector<std::optional<std::string>>; // NULL is nullopt

class StepConnection {
public:
    virtual ~StepConnection() = default;
    // "sqlite" or "postgresql".
    virtual std::string dialect() const = 0;
    // Runs one statement. Throws std::runtime_error with the database's message on failure; the
    // revision then rolls back and the error names the step.
    virtual void execute(const std::string& sql) = 0;
    // Runs a query and returns its rows as text.
    virtual std::vector<Row> query(const std::string& sql) = 0;
    // Runs one statement with `$1`, `$2`, ... bound to `parameters` (use `$N` on both dialects).
    virtual void execute(const std::string& sql, const std::vector<std::optional<std::string>>& parameters) = 0;
};

} // namespace trellis
