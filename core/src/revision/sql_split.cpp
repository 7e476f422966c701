#include "revision/sql_split.hpp"

#include "util/text.hpp"

#include <cctype>

namespace trellis {

namespace {

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

class Splitter {
public:
    Splitter(std::string_view text, int first_line)
        : m_text(text)
        , m_line(first_line) {}

    std::vector<Statement> run() {
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (c == '-' && peek(1) == '-')
                line_comment();
            else if (c == '/' && peek(1) == '*')
                block_comment();
            else if (c == '\'')
                quoted('\'', m_pos > 0 && (m_text[m_pos - 1] == 'E' || m_text[m_pos - 1] == 'e') &&
                                 (m_pos < 2 || !is_word_char(m_text[m_pos - 2])));
            else if (c == '"' || c == '`')
                quoted(c, false);
            else if (c == '$' && dollar_quote())
                ;
            else if (c == ';' && m_depth == 0)
                finish(m_pos), ++m_pos;
            else if (is_word_char(c))
                word();
            else
                other(c);
        }
        finish(m_text.size());
        return std::move(m_statements);
    }

private:
    char peek(std::size_t ahead) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }
    bool in_statement() const { return m_start != std::string_view::npos; }
    void start_here() {
        if (!in_statement()) {
            m_start = m_pos;
            m_start_line = m_line;
        }
    }
    void advance() {
        if (m_text[m_pos] == '\n')
            ++m_line;
        ++m_pos;
    }

    void line_comment() {
        auto end = m_text.find('\n', m_pos);
        if (end == std::string_view::npos)
            end = m_text.size();
        auto comment = text::trim(m_text.substr(m_pos + 2, end - m_pos - 2));
        if (!in_statement() && comment.starts_with("+call")) {
            m_statements.push_back({"", std::string(text::trim(comment.substr(5))), m_line});
        }
        m_pos = end;
    }

    void block_comment() {
        int nesting = 0;
        do {
            if (m_text[m_pos] == '/' && peek(1) == '*')
                ++nesting, advance();
            else if (m_text[m_pos] == '*' && peek(1) == '/')
                --nesting, advance();
            advance();
        } while (nesting > 0 && m_pos < m_text.size());
    }

    void quoted(char close, bool backslash_escapes) {
        start_here();
        advance();
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (backslash_escapes && c == '\\') {
                advance();
            } else if (c == close) {
                if (peek(1) != close || close == ']')
                    break;
                advance(); // a doubled quote stands for itself
            }
            advance();
        }
        if (m_pos < m_text.size())
            advance();
    }

    // `$tag$ ... $tag$`; answers false for `$1` and other lone dollars.
    bool dollar_quote() {
        std::size_t end = m_pos + 1;
        if (end < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[end])))
            return false;
        while (end < m_text.size() && is_word_char(m_text[end]))
            ++end;
        if (end >= m_text.size() || m_text[end] != '$')
            return false;
        auto tag = m_text.substr(m_pos, end - m_pos + 1);
        start_here();
        auto close = m_text.find(tag, end + 1);
        auto stop = close == std::string_view::npos ? m_text.size() : close + tag.size();
        while (m_pos < stop)
            advance();
        return true;
    }

    void word() {
        start_here();
        auto begin = m_pos;
        while (m_pos < m_text.size() && is_word_char(m_text[m_pos]))
            ++m_pos;
        auto upper = text::to_lower(m_text.substr(begin, m_pos - begin));
        track_blocks(upper);
        m_previous_word = std::move(upper);
        ++m_words;
    }

    // Semicolons inside trigger bodies and `BEGIN ATOMIC` bodies do not end the statement.
    void track_blocks(const std::string& word) {
        if (m_words == 0)
            m_creates = word == "create";
        if (m_creates && m_words < 6 && word == "trigger")
            m_trigger = true;
        if (word == "atomic" && m_previous_word == "begin" && !m_trigger)
            ++m_depth;
        else if (m_trigger && word == "begin")
            ++m_depth;
        else if (m_depth > 0 && word == "case")
            ++m_depth;
        else if (m_depth > 0 && word == "end")
            --m_depth;
    }

    void other(char c) {
        if (!std::isspace(static_cast<unsigned char>(c)))
            start_here();
        advance();
    }

    void finish(std::size_t end) {
        if (in_statement()) {
            auto sql = text::trim(m_text.substr(m_start, end - m_start));
            if (!sql.empty())
                m_statements.push_back({std::string(sql), "", m_start_line});
        }
        m_start = std::string_view::npos;
        m_depth = 0;
        m_words = 0;
        m_creates = m_trigger = false;
        m_previous_word.clear();
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    int m_line;
    std::size_t m_start = std::string_view::npos;
    int m_start_line = 0;
    int m_depth = 0;
    int m_words = 0;
    bool m_creates = false;
    bool m_trigger = false;
    std::string m_previous_word;
    std::vector<Statement> m_statements;
};

} // namespace

std::vector<Statement> split_statements(const Section& section) {
    return Splitter(section.text, section.first_line).run();
}

} // namespace trellis
