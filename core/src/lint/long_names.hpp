// T604: a name longer than PostgreSQL keeps. PostgreSQL cuts every identifier to 63 bytes
// (NAMEDATALEN - 1, never inside a UTF-8 character), so two long names that begin alike become
// one name and the second CREATE fails, or a later statement names an object that is not there.
#pragma once

#include "sql/node.hpp"
#include "sql/tokens.hpp"

#include <optional>
#include <span>
#include <string>

namespace trellis::lint {

// The finding's message for the first name of a statement that PostgreSQL cuts; nullopt when none.
// With the statement's parse trees the names are the ones the parser kept cut (whatever the
// position: a table, a column, a constraint, a SET value); without them (the parser rejected
// the statement) every identifier of its tokens. `tokens` give the name as written.
std::optional<std::string> long_name(std::span<const sql::Node* const> trees, sql::Tokens tokens);

} // namespace trellis::lint
