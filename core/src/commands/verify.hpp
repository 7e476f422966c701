// verify: on scratch databases, prove that the revisions and the models agree (SPEC.md, "verify"):
// 1. `upgrade heads` from empty gives the schema the models give, in the default order and in
//    other valid orders (the plugin tie-break reversed, seeded random topological orders), so a
//    revision that only works after an unrelated branch is caught;
// 2. every revision survives upgrade, downgrade, upgrade, each downgrade restoring the schema;
// 3. one head per branch;
// 4. a database made from the models (reset-db, prepare) takes each branch down to its base and
//    up again;
// and the lint findings of every revision.
#pragma once

#include "commands/context.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

// Which check verify is at, for a progress display: step k (1-based) of about n (a check that
// fails early ends the run before n), and what it does (`roundtrip 4c1a9e2b7f30 (panels)`).
struct VerifyStep {
    std::size_t k = 0, n = 0;
    std::string what;
};

struct VerifyOptions {
    std::optional<std::string> scratch_url; // where scratch databases go (a server, or a SQLite path)
    int random_orders = 3;
    unsigned seed = 20261122;
    std::function<void(const VerifyStep&)> progress; // called as each check starts; may be empty
};

struct VerifyFinding {
    std::string check;    // "models", "order", "roundtrip", "heads", "models-downgrade", "lint"
    std::string revision; // empty when not about one revision
    std::string message;
    std::vector<std::string> details; // the readable diff
};

struct VerifyReport {
    std::vector<VerifyFinding> findings;
    std::size_t orders_tried = 0;
    std::size_t revisions_roundtripped = 0;
};

VerifyReport verify(Context& context, const VerifyOptions& options);

} // namespace trellis
