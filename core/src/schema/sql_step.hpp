// One statement of a revision's SQL and its inverse: what the renderer's pieces (whole tables,
// columns, constraints, the views kept aside around a type change) each give. A revision's
// upgrade is its steps in order; its downgrade is their inverses in reverse order.
#pragma once

#include <string>
#include <vector>

namespace trellis {

struct SqlStep {
    std::string up, down;
};

// The steps' upgrades (`up`) or their downgrades, in the order given.
inline std::string joined(const std::vector<SqlStep>& steps, bool up) {
    std::string out;
    for (const auto& s : steps)
        out += up ? s.up : s.down;
    return out;
}

} // namespace trellis
