// The module `trellis_pgparse.so`: libpg_query behind one entry point (sql/pg_parser.hpp).
#include "sql/pg_parser.hpp"

#include <pg_query.h>

extern "C" __attribute__((visibility("default"))) void trellis_pg_parse(const char* sql,
                                                                        trellis::sql::PgParseOutput& out) {
    auto result = pg_query_parse(sql);
    if (result.error) {
        out.error = result.error->message ? result.error->message : "syntax error";
        // cursorpos counts from 1; 0 means the parser gave no position.
        out.error_offset = result.error->cursorpos > 0 ? result.error->cursorpos - 1 : -1;
    } else if (result.parse_tree) {
        out.json = result.parse_tree;
    }
    pg_query_free_parse_result(result);
}
