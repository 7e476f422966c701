// The tokens of one SQL statement, for the lint rules: words, identifiers, literals and symbols,
// with comments dropped, read by the one lexer (sql/scanner.hpp), so a keyword inside a string or
// a comment never looks like SQL.
#pragma once

#include "sql/scanner.hpp"

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::sql {

enum class TokenKind { word, quoted, string, number, symbol };

struct Token {
    TokenKind kind = TokenKind::symbol;
    std::string text;       // a word as written; a quoted identifier without its quotes; one symbol
    std::size_t offset = 0; // where it starts in the statement's text
};

// `quoting`: SQLite's for the statements of a SQLite section (`[bracketed]` names, no `$$`).
std::vector<Token> tokenize(std::string_view sql, Quoting quoting = Quoting::postgresql);

using Tokens = std::span<const Token>;

// A reading position over tokens, with the small grammar the rules need. Keywords compare without
// regard to case; accepting functions consume only on a match.
class TokenCursor {
public:
    explicit TokenCursor(Tokens tokens)
        : m_tokens(tokens) {}

    bool done() const { return m_pos >= m_tokens.size(); }
    const Token* peek(std::size_t ahead = 0) const;
    // The next token is the keyword (an unquoted word).
    bool at(std::string_view keyword, std::size_t ahead = 0) const;
    bool at_symbol(char symbol) const;
    bool accept(std::string_view keyword);
    // Every keyword in order, or nothing consumed.
    bool accept(std::initializer_list<std::string_view> keywords);
    bool accept_symbol(char symbol);
    void skip(std::size_t count = 1);
    // An identifier, perhaps schema-qualified (`public."Orders"`): its last part.
    std::optional<std::string> name();
    // The tokens inside the parenthesised group that starts here, consumed with its parentheses;
    // nullopt when no group starts here.
    std::optional<Tokens> group();
    // The tokens from here to the end.
    Tokens rest() const { return m_tokens.subspan(std::min(m_pos, m_tokens.size())); }

private:
    Tokens m_tokens;
    std::size_t m_pos = 0;
};

// Splits on the commas outside parentheses.
std::vector<Tokens> split_commas(Tokens tokens);
bool is_keyword(const Token& token, std::string_view keyword);
bool is_identifier(const Token& token);
// Lower case: identifiers compare like this on SQLite and, unquoted, on PostgreSQL.
std::string key(std::string_view name);
// key(a) == key(b), without building either.
bool same_name(std::string_view a, std::string_view b);
// The tokens as one line of SQL text (for type names and messages): words lower-cased, no space
// inside parentheses or around commas.
std::string render(Tokens tokens);

} // namespace trellis::sql
