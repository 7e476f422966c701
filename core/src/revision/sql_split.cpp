#include "revision/sql_split.hpp"

#include "sql/scanner.hpp"
#include "sql/sqlite_complete.hpp"
#include "util/text.hpp"

namespace trellis {

namespace {

using sql::LexemeKind;

// Walks the lexemes of a section: a `;` outside a block ends a statement. Semicolons inside
// trigger bodies (`CREATE TRIGGER ... BEGIN ... END`) and SQL-standard function bodies
// (`BEGIN ATOMIC ... END`) do not; CASE ... END nests inside them. In a SQLite section the
// lexemes follow SQLite's quoting and SQLite itself (sqlite3_complete) says which `;` ends one.
class Splitter {
public:
    Splitter(std::string_view text, int first_line, sql::Quoting quoting)
        : m_text(text)
        , m_scanner(text, first_line, quoting)
        , m_sqlite(quoting == sql::Quoting::sqlite) {}

    std::vector<Statement> run() {
        for (auto lexeme = m_scanner.next(); lexeme.kind != LexemeKind::end; lexeme = m_scanner.next()) {
            if (lexeme.kind == LexemeKind::line_comment) {
                call_line(lexeme);
                continue;
            }
            if (lexeme.kind == LexemeKind::block_comment)
                continue;
            if (lexeme.kind == LexemeKind::symbol && m_text[lexeme.begin] == ';' && ends_statement(lexeme)) {
                finish();
                continue;
            }
            if (m_start == std::string_view::npos) {
                m_start = lexeme.begin;
                m_start_line = lexeme.line;
            }
            m_end = lexeme.end;
            if (lexeme.kind == LexemeKind::word)
                track_blocks(text::to_lower(m_scanner.text(lexeme)));
        }
        finish();
        return std::move(m_statements);
    }

private:
    bool ends_statement(const sql::Lexeme& semicolon) const {
        if (!m_sqlite)
            return m_depth == 0;
        return m_start == std::string_view::npos ||
               sql::sqlite_statement_ends(m_text.substr(m_start, semicolon.end - m_start));
    }

    void call_line(const sql::Lexeme& lexeme) {
        if (m_start != std::string_view::npos)
            return;
        auto comment = text::trim(m_scanner.text(lexeme).substr(2));
        if (comment.starts_with("+call"))
            m_statements.push_back({"", std::string(text::trim(comment.substr(5))), lexeme.line});
    }

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
        m_previous_word = word;
        ++m_words;
    }

    void finish() {
        if (m_start != std::string_view::npos)
            m_statements.push_back({std::string(m_text.substr(m_start, m_end - m_start)), "", m_start_line});
        m_start = std::string_view::npos;
        m_depth = 0;
        m_words = 0;
        m_creates = m_trigger = false;
        m_previous_word.clear();
    }

    std::string_view m_text;
    sql::Scanner m_scanner;
    bool m_sqlite;
    std::size_t m_start = std::string_view::npos, m_end = 0;
    int m_start_line = 0;
    int m_depth = 0;
    int m_words = 0;
    bool m_creates = false;
    bool m_trigger = false;
    std::string m_previous_word;
    std::vector<Statement> m_statements;
};

} // namespace

std::vector<Statement> split_statements(const Section& section, std::string_view dialect) {
    auto runs_on = section.dialect.empty() ? dialect : std::string_view(section.dialect);
    auto quoting = runs_on == "sqlite" ? sql::Quoting::sqlite : sql::Quoting::postgresql;
    return Splitter(section.text, section.first_line, quoting).run();
}

} // namespace trellis
