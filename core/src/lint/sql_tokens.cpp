#include "lint/sql_tokens.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace trellis::lint {

namespace {

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

class Tokenizer {
public:
    explicit Tokenizer(std::string_view sql)
        : m_sql(sql) {}

    std::vector<Token> run() {
        while (m_pos < m_sql.size()) {
            char c = m_sql[m_pos];
            if (std::isspace(static_cast<unsigned char>(c)))
                ++m_pos;
            else if (c == '-' && peek(1) == '-')
                skip_line_comment();
            else if (c == '/' && peek(1) == '*')
                skip_block_comment();
            else if (c == '\'')
                quoted(TokenKind::string, '\'', false);
            else if (c == '"' || c == '`')
                quoted(TokenKind::quoted, c, false);
            else if (c == '$' && dollar_quote())
                ;
            else if (std::isdigit(static_cast<unsigned char>(c)))
                number();
            else if (is_word_char(c))
                word();
            else
                m_tokens.push_back({TokenKind::symbol, std::string(1, c)}), ++m_pos;
        }
        return std::move(m_tokens);
    }

private:
    char peek(std::size_t ahead) const { return m_pos + ahead < m_sql.size() ? m_sql[m_pos + ahead] : '\0'; }

    void skip_line_comment() {
        auto end = m_sql.find('\n', m_pos);
        m_pos = end == std::string_view::npos ? m_sql.size() : end;
    }

    void skip_block_comment() {
        int nesting = 0;
        do {
            if (m_sql[m_pos] == '/' && peek(1) == '*')
                ++nesting, ++m_pos;
            else if (m_sql[m_pos] == '*' && peek(1) == '/')
                --nesting, ++m_pos;
            ++m_pos;
        } while (nesting > 0 && m_pos < m_sql.size());
    }

    // A doubled closing quote stands for itself; with `backslash_escapes` (E'...'), so does \x.
    void quoted(TokenKind kind, char close, bool backslash_escapes) {
        std::string text;
        ++m_pos;
        while (m_pos < m_sql.size()) {
            char c = m_sql[m_pos];
            if (backslash_escapes && c == '\\' && m_pos + 1 < m_sql.size()) {
                text += m_sql[m_pos + 1];
                m_pos += 2;
                continue;
            }
            if (c == close) {
                if (peek(1) != close)
                    break;
                ++m_pos;
            }
            text += c;
            ++m_pos;
        }
        m_pos = std::min(m_pos + 1, m_sql.size());
        m_tokens.push_back({kind, std::move(text)});
    }

    // `$tag$ ... $tag$`; false for `$1` and other lone dollars.
    bool dollar_quote() {
        std::size_t end = m_pos + 1;
        if (end < m_sql.size() && std::isdigit(static_cast<unsigned char>(m_sql[end])))
            return false;
        while (end < m_sql.size() && is_word_char(m_sql[end]) && m_sql[end] != '$')
            ++end;
        if (end >= m_sql.size() || m_sql[end] != '$')
            return false;
        auto tag = m_sql.substr(m_pos, end - m_pos + 1);
        auto close = m_sql.find(tag, end + 1);
        auto stop = close == std::string_view::npos ? m_sql.size() : close;
        m_tokens.push_back({TokenKind::string, std::string(m_sql.substr(end + 1, stop - end - 1))});
        m_pos = close == std::string_view::npos ? m_sql.size() : close + tag.size();
        return true;
    }

    void number() {
        auto begin = m_pos;
        while (m_pos < m_sql.size() && (std::isalnum(static_cast<unsigned char>(m_sql[m_pos])) || m_sql[m_pos] == '.'))
            ++m_pos;
        m_tokens.push_back({TokenKind::number, std::string(m_sql.substr(begin, m_pos - begin))});
    }

    void word() {
        auto begin = m_pos;
        while (m_pos < m_sql.size() && is_word_char(m_sql[m_pos]))
            ++m_pos;
        auto text = m_sql.substr(begin, m_pos - begin);
        if ((text == "E" || text == "e") && m_pos < m_sql.size() && m_sql[m_pos] == '\'') {
            quoted(TokenKind::string, '\'', true);
            return;
        }
        m_tokens.push_back({TokenKind::word, std::string(text)});
    }

    std::string_view m_sql;
    std::size_t m_pos = 0;
    std::vector<Token> m_tokens;
};

bool equal_ci(std::string_view a, std::string_view b) {
    return a.size() == b.size() && text::starts_with_ci(a, b);
}

} // namespace

std::vector<Token> tokenize(std::string_view sql) {
    return Tokenizer(sql).run();
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

} // namespace trellis::lint
