#include "sql/pg_parser.hpp"

#include "util/module.hpp"

#include <stdexcept>

namespace trellis::sql {

std::optional<PgParse> parse_postgres(std::string_view sql, std::string* why) {
    static const auto loaded = module::load("trellis_pgparse.so", "TRELLIS_PGPARSE_MODULE", k_pgparse_entry);
    if (!loaded.entry) {
        if (why)
            *why = loaded.error;
        return std::nullopt;
    }
    PgParseOutput out;
    reinterpret_cast<PgParseEntry*>(loaded.entry)(std::string(sql).c_str(), out);
    PgParse parse;
    if (!out.error.empty()) {
        parse.error = std::move(out.error);
        parse.error_offset = out.error_offset;
        return parse;
    }
    try {
        parse.tree = Node::parse(out.json);
    } catch (const std::runtime_error& e) {
        parse.error = e.what();
    }
    return parse;
}

} // namespace trellis::sql
