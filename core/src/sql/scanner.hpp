// The one lexer of trellis's SQL layer: it cuts SQL text into lexemes (words, quoted
// identifiers, strings, numbers, symbols, comments) for both dialects: "double" and `back`
// quotes, 'single' quotes with doubled quotes and E'' escapes, $tag$ dollar quotes, line
// comments and nested block comments (SQLite's quoting on request, below). The statement splitter
// (revision/sql_split.hpp) and the lint tokens (sql/tokens.hpp) both read SQL through it, so a keyword inside a string
// or a comment is never SQL to either. Linear in the text; never throws (an unterminated quote or comment runs to the
// end).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trellis::sql {

enum class LexemeKind { word, quoted, string, number, symbol, line_comment, block_comment, end };

struct Lexeme {
    LexemeKind kind = LexemeKind::end;
    std::size_t begin = 0, end = 0;           // the bytes of the text it covers, quotes included
    int line = 0;                             // the line of its first byte
    bool escapes = false;                     // a string written E'...': backslashes escape
    std::size_t body_begin = 0, body_end = 0; // inside the quotes (strings, quoted identifiers)
};

// Whose quoting rules to read by. PostgreSQL's (also the generic sections'): dollar quotes, E''
// escapes, nested block comments. SQLite's: [bracketed] identifiers, block comments that end at
// the first */, and neither dollar quotes nor backslash escapes ($name is a parameter).
enum class Quoting { postgresql, sqlite };

class Scanner {
public:
    Scanner(std::string_view text, int first_line = 1, Quoting quoting = Quoting::postgresql)
        : m_text(text)
        , m_line(first_line)
        , m_quoting(quoting) {}

    // The next lexeme, white space skipped; kind `end` at the end of the text.
    Lexeme next();
    std::string_view text(const Lexeme& lexeme) const { return m_text.substr(lexeme.begin, lexeme.end - lexeme.begin); }
    // A string's or a quoted identifier's value: quotes removed, doubled quotes and escapes read.
    std::string value(const Lexeme& lexeme) const;

private:
    char peek(std::size_t ahead) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
    void advance_to(std::size_t end);
    void quoted(Lexeme& lexeme, char close);
    bool dollar_quote(Lexeme& lexeme);
    void block_comment();

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_line;
    Quoting m_quoting;
};

bool is_word_char(char c);

} // namespace trellis::sql
