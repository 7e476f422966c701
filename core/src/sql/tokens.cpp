#include "sql/tokens.hpp"

#include "sql/scanner.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace trellis::sql {

namespace {

bool equal_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && text::starts_with_ci(a, b);
}

} // namespace

std::vector<Token> tokenize(std::string_view sql, Quoting quoting) {
    Scanner scanner(sql, 1, quoting);
    std::vector<Token> tokens;
    for (auto lexeme = scanner.next(); lexeme.kind != LexemeKind::end; lexeme = scanner.next()) {
        switch (lexeme.kind) {
        case LexemeKind::line_comment:
        case LexemeKind::block_comment:
            continue;
        case LexemeKind::word:
            tokens.push_back({TokenKind::word, std::string(scanner.text(lexeme)), lexeme.begin});
            break;
        case LexemeKind::quoted:
            tokens.push_back({TokenKind::quoted, scanner.value(lexeme), lexeme.begin});
            break;
        case LexemeKind::string:
            tokens.push_back({TokenKind::string, scanner.value(lexeme), lexeme.begin});
            break;
        case LexemeKind::number:
            tokens.push_back({TokenKind::number, std::string(scanner.text(lexeme)), lexeme.begin});
            break;
        default:
            tokens.push_back({TokenKind::symbol, std::string(scanner.text(lexeme)), lexeme.begin});
        }
    }
    return tokens;
}

bool is_keyword(const Token& token, std::string_view keyword) {
    return token.kind == TokenKind::word && equal_ci(token.text, keyword);
}

bool is_identifier(const Token& token) {
    return token.kind == TokenKind::word || token.kind == TokenKind::quoted;
}

std::string key(std::string_view name) {
    return text::to_lower(name);
}

bool same_name(std::string_view a, std::string_view b) {
    return equal_ci(a, b);
}

const Token* TokenCursor::peek(std::size_t ahead) const {
    return m_pos + ahead < m_tokens.size() ? &m_tokens[m_pos + ahead] : nullptr;
}

bool TokenCursor::at(std::string_view keyword, std::size_t ahead) const {
    const auto* token = peek(ahead);
    return token && is_keyword(*token, keyword);
}

bool TokenCursor::at_symbol(char symbol) const {
    const auto* token = peek();
    return token && token->kind == TokenKind::symbol && token->text[0] == symbol;
}

bool TokenCursor::accept(std::string_view keyword) {
    if (!at(keyword))
        return false;
    ++m_pos;
    return true;
}

bool TokenCursor::accept(std::initializer_list<std::string_view> keywords) {
    std::size_t ahead = 0;
    for (auto keyword : keywords)
        if (!at(keyword, ahead++))
            return false;
    m_pos += keywords.size();
    return true;
}

bool TokenCursor::accept_symbol(char symbol) {
    if (!at_symbol(symbol))
        return false;
    ++m_pos;
    return true;
}

void TokenCursor::skip(std::size_t count) {
    m_pos += count;
}

std::optional<std::string> TokenCursor::name() {
    const auto* token = peek();
    if (!token || !is_identifier(*token))
        return std::nullopt;
    std::string last = token->text;
    ++m_pos;
    while (at_symbol('.') && peek(1) && is_identifier(*peek(1))) {
        last = peek(1)->text;
        m_pos += 2;
    }
    return last;
}

std::optional<Tokens> TokenCursor::group() {
    if (!at_symbol('('))
        return std::nullopt;
    std::size_t begin = m_pos + 1;
    int depth = 0;
    for (; m_pos < m_tokens.size(); ++m_pos) {
        const auto& t = m_tokens[m_pos];
        if (t.kind != TokenKind::symbol)
            continue;
        if (t.text == "(")
            ++depth;
        else if (t.text == ")" && --depth == 0)
            break;
    }
    auto end = std::min(m_pos, m_tokens.size());
    m_pos = std::min(m_pos + 1, m_tokens.size());
    return m_tokens.subspan(begin, end - begin);
}

std::vector<Tokens> split_commas(Tokens tokens) {
    std::vector<Tokens> parts;
    std::size_t begin = 0;
    int depth = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& t = tokens[i];
        if (t.kind != TokenKind::symbol)
            continue;
        if (t.text == "(" || t.text == "[")
            ++depth;
        else if (t.text == ")" || t.text == "]")
            --depth;
        else if (t.text == "," && depth == 0) {
            parts.push_back(tokens.subspan(begin, i - begin));
            begin = i + 1;
        }
    }
    if (begin < tokens.size())
        parts.push_back(tokens.subspan(begin));
    return parts;
}

std::string render(Tokens tokens) {
    std::string out;
    bool glue = true; // no space before the next token
    for (const auto& t : tokens) {
        bool symbol = t.kind == TokenKind::symbol;
        if (!out.empty() && !glue && !symbol)
            out += ' ';
        if (t.kind == TokenKind::word)
            out += text::to_lower(t.text);
        else if (t.kind == TokenKind::string)
            out += "'" + t.text + "'";
        else
            out += t.text;
        glue = symbol && t.text != ")" && t.text != "]";
    }
    return out;
}

} // namespace trellis::sql
