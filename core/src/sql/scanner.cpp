#include "sql/scanner.hpp"

#include <algorithm>
#include <cctype>

namespace trellis::sql {

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

void Scanner::advance_to(std::size_t end) {
    end = std::min(end, m_text.size());
    m_line += static_cast<int>(std::count(m_text.begin() + static_cast<std::ptrdiff_t>(m_pos),
                                          m_text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    m_pos = end;
}

Lexeme Scanner::next() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
        advance_to(m_pos + 1);
    Lexeme lexeme;
    lexeme.begin = m_pos;
    lexeme.line = m_line;
    if (m_pos >= m_text.size()) {
        lexeme.end = m_pos;
        return lexeme;
    }
    char c = m_text[m_pos];
    if (c == '-' && peek(1) == '-') {
        lexeme.kind = LexemeKind::line_comment;
        auto end = m_text.find('\n', m_pos);
        m_pos = end == std::string_view::npos ? m_text.size() : end;
    } else if (c == '/' && peek(1) == '*') {
        lexeme.kind = LexemeKind::block_comment;
        block_comment();
    } else if (c == '\'') {
        lexeme.kind = LexemeKind::string;
        quoted(lexeme, '\'');
    } else if (c == '"' || c == '`') {
        lexeme.kind = LexemeKind::quoted;
        quoted(lexeme, c);
    } else if (c == '[' && m_quoting == Quoting::sqlite) {
        lexeme.kind = LexemeKind::quoted;
        quoted(lexeme, ']');
    } else if (c == '$' && m_quoting == Quoting::postgresql && dollar_quote(lexeme)) {
        lexeme.kind = LexemeKind::string;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
        lexeme.kind = LexemeKind::number;
        auto end = m_pos;
        while (end < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[end])) || m_text[end] == '.'))
            ++end;
        m_pos = end;
    } else if (is_word_char(c)) {
        auto end = m_pos;
        while (end < m_text.size() && is_word_char(m_text[end]))
            ++end;
        if (end == m_pos + 1 && (c == 'E' || c == 'e') && end < m_text.size() && m_text[end] == '\'' &&
            m_quoting == Quoting::postgresql) {
            lexeme.kind = LexemeKind::string;
            lexeme.escapes = true;
            m_pos = end;
            quoted(lexeme, '\'');
        } else {
            lexeme.kind = LexemeKind::word;
            m_pos = end;
        }
    } else {
        lexeme.kind = LexemeKind::symbol;
        ++m_pos;
    }
    lexeme.end = m_pos;
    return lexeme;
}

void Scanner::block_comment() {
    int nesting = 0;
    auto pos = m_pos;
    do {
        if (m_text[pos] == '/' && pos + 1 < m_text.size() && m_text[pos + 1] == '*' &&
            (nesting == 0 || m_quoting == Quoting::postgresql))
            ++nesting, ++pos;
        else if (m_text[pos] == '*' && pos + 1 < m_text.size() && m_text[pos + 1] == '/')
            --nesting, ++pos;
        ++pos;
    } while (nesting > 0 && pos < m_text.size());
    advance_to(pos);
}

// A doubled closing quote stands for itself; with escapes (E'...'), so does \x.
void Scanner::quoted(Lexeme& lexeme, char close) {
    auto pos = m_pos + 1;
    lexeme.body_begin = pos;
    while (pos < m_text.size()) {
        char c = m_text[pos];
        if (lexeme.escapes && c == '\\') {
            pos += 2;
            continue;
        }
        if (c == close) {
            if (pos + 1 >= m_text.size() || m_text[pos + 1] != close)
                break;
            ++pos;
        }
        ++pos;
    }
    lexeme.body_end = std::min(pos, m_text.size());
    advance_to(pos + 1);
}

// `$tag$ ... $tag$`; false for `$1` and other lone dollars.
bool Scanner::dollar_quote(Lexeme& lexeme) {
    std::size_t end = m_pos + 1;
    if (end < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[end])))
        return false;
    while (end < m_text.size() && is_word_char(m_text[end]) && m_text[end] != '$')
        ++end;
    if (end >= m_text.size() || m_text[end] != '$')
        return false;
    auto tag = m_text.substr(m_pos, end - m_pos + 1);
    auto close = m_text.find(tag, end + 1);
    lexeme.body_begin = end + 1;
    lexeme.body_end = close == std::string_view::npos ? m_text.size() : close;
    advance_to(close == std::string_view::npos ? m_text.size() : close + tag.size());
    return true;
}

std::string Scanner::value(const Lexeme& lexeme) const {
    auto body = m_text.substr(lexeme.body_begin, lexeme.body_end - lexeme.body_begin);
    bool dollar = m_text[lexeme.begin] == '$';
    if (dollar)
        return std::string(body);
    char close = lexeme.kind == LexemeKind::string ? '\'' : m_text[lexeme.begin] == '[' ? ']' : m_text[lexeme.begin];
    std::string out;
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (lexeme.escapes && body[i] == '\\' && i + 1 < body.size()) {
            out += body[++i];
            continue;
        }
        out += body[i];
        if (body[i] == close && i + 1 < body.size() && body[i + 1] == close)
            ++i;
    }
    return out;
}

} // namespace trellis::sql
