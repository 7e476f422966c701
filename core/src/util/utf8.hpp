// Whether bytes are text a database can take as written: UTF-8 with no NUL byte. A NUL ends a C
// string, so the database would see a statement cut short there (`DELETE FROM t<NUL> WHERE ...`
// deleting every row), and both databases expect UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace trellis::utf8 {

// The offset of the first NUL byte or malformed UTF-8 sequence (overlong forms, surrogates and
// code points past U+10FFFF included) in `text`, or npos when there is none. Eight bytes at a time
// while the text is ASCII: it runs over every revision file read afresh.
std::size_t find_invalid(std::string_view text);

// Where offset `at` of `text` is, for a message: its 1-based line and column (in bytes).
struct Position {
    int line = 1;
    std::size_t column = 1;
};
Position position(std::string_view text, std::size_t at);

} // namespace trellis::utf8
