// The two SQL dialects trellis speaks. A header of its own so that what only needs to name a
// dialect (the schema, the renderer) does not include URLs and their parser.
#pragma once

#include <string_view>

namespace trellis {

enum class Dialect { sqlite, postgresql };

// "sqlite" or "postgresql", as revision sections name them (`-- +upgrade postgresql`).
inline std::string_view dialect_name(Dialect dialect) {
    return dialect == Dialect::sqlite ? "sqlite" : "postgresql";
}

} // namespace trellis
