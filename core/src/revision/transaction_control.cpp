#include "revision/transaction_control.hpp"

#include "sql/sqlite_complete.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace trellis {

namespace {

// A statement starting with one of these words controls the transaction; one of the second list
// does when its second word is TRANSACTION (`PREPARE name AS ...` is a prepared statement).
constexpr std::array<std::string_view, 7> k_control_words = {"begin", "commit",    "end",    "rollback",
                                                             "abort", "savepoint", "release"};
constexpr std::array<std::string_view, 2> k_control_with_transaction = {"start", "prepare"};

// The first two words of `sql`, lowercased; a word is a run of letters.
std::array<std::string, 2> leading_words(std::string_view sql) {
    std::array<std::string, 2> words;
    std::size_t at = 0;
    for (auto& word : words) {
        while (at < sql.size() && text::is_space(sql[at]))
            ++at;
        while (at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at])))
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[at++])));
        if (word.empty())
            break;
    }
    return words;
}

bool is_transaction_control(std::string_view sql) {
    auto words = leading_words(sql);
    const auto& first = words[0]; // no structured binding: clang 14 cannot capture one
    auto in = [&](const auto& list) { return std::find(list.begin(), list.end(), first) != list.end(); };
    return in(k_control_words) || (in(k_control_with_transaction) && words[1] == "transaction");
}

// Whether `text` may hold a transaction-control statement: one of the words starts a line or
// follows a `;` or a `/` (the end of a block comment), blanks aside. Every statement the splitter
// finds starts so; this scan is a fraction of the cost of splitting, which then runs only on the
// rare section that passes it (a trigger body's BEGIN and END, a PL/pgSQL block).
bool may_hold_transaction_control(std::string_view text) {
    static constexpr auto k_boundary = [] {
        std::array<bool, 256> table{};
        table[static_cast<unsigned char>(';')] = table[static_cast<unsigned char>('\n')] =
            table[static_cast<unsigned char>('/')] = true;
        return table;
    }();
    auto starts_keyword = [&](std::size_t at) {
        while (at < text.size() && text::is_space(text[at])) // \f and \v too, as the splitter
            ++at;
        if (at == text.size())
            return false;
        // Most lines start with a word no keyword starts with: one comparison per letter.
        char first = static_cast<char>(text[at] | 0x20);
        if (first != 'a' && first != 'b' && first != 'c' && first != 'e' && first != 'p' && first != 'r' &&
            first != 's')
            return false;
        auto rest = text.substr(at);
        auto starts = [&](std::string_view keyword) {
            return keyword[0] == first && text::starts_with_ci(rest, keyword) &&
                   (rest.size() == keyword.size() || !std::isalpha(static_cast<unsigned char>(rest[keyword.size()])));
        };
        return std::any_of(k_control_words.begin(), k_control_words.end(), starts) ||
               std::any_of(k_control_with_transaction.begin(), k_control_with_transaction.end(), starts);
    };
    if (starts_keyword(0))
        return true;
    // Eight bytes at a time past those with no boundary (SWAR: a byte equal to c is a zero byte
    // of v ^ c...c): most of a section is the middle of its lines.
    constexpr std::uint64_t k_ones = 0x0101010101010101ull, k_highs = 0x8080808080808080ull;
    auto has_byte = [](std::uint64_t v, char c) {
        auto x = v ^ (k_ones * static_cast<unsigned char>(c));
        return ((x - k_ones) & ~x & k_highs) != 0;
    };
    std::size_t at = 0;
    while (at < text.size()) {
        if (at + 8 <= text.size()) {
            std::uint64_t v;
            std::memcpy(&v, text.data() + at, sizeof v);
            if (!has_byte(v, ';') && !has_byte(v, '\n') && !has_byte(v, '/')) {
                at += 8;
                continue;
            }
        }
        auto end = std::min(at + 8, text.size());
        for (; at < end; ++at)
            if (k_boundary[static_cast<unsigned char>(text[at])] && starts_keyword(at + 1))
                return true;
    }
    return false;
}

} // namespace

const Statement* find_transaction_control(const std::vector<Statement>& statements) {
    for (const auto& statement : statements)
        if (statement.call.empty() && is_transaction_control(statement.sql))
            return &statement;
    return nullptr;
}

namespace {

[[noreturn]] void refuse(const Revision& revision, const Statement& found, std::string_view how) {
    auto sql = std::string_view(found.sql);
    throw input_error("{}:{}: `{}` controls the transaction trellis runs this revision in{}: a transactional "
                      "revision cannot commit, roll back or nest it (remove the statement, or set "
                      "`-- transactional: false` and manage transactions yourself)",
                      files::display(revision.path), found.line,
                      text::trim(sql.substr(0, sql.find('\n'))).substr(0, 60), how);
}

// The generic section as SQLite splits it, where it runs on SQLite: a COMMIT that PostgreSQL
// reads inside a nested comment is a statement there. One that only follows (or is) a statement
// SQLite cannot parse never runs on SQLite, where the section fails at that statement first: so
// the COMMIT SQLite's split finds inside a PostgreSQL function body, cut at the body's first `;`
// (a CREATE FUNCTION, CREATE PROCEDURE or DO SQLite cannot parse), refuses nothing. A `$$` string
// in a statement SQLite does parse (it reads `$$` as a parameter) would run the COMMIT there.
void check_sqlite_split(const Revision& revision, const Section& section) {
    auto statements = split_statements(section, "sqlite");
    const auto* found = find_transaction_control(statements);
    if (!found)
        return;
    std::vector<std::string> through;
    for (const auto* s = statements.data(); s <= found; ++s)
        if (s->call.empty())
            through.push_back(s->sql);
    if (sql::sqlite_parses(through))
        refuse(revision, *found,
               " as SQLite reads this generic section (SQL for PostgreSQL alone belongs in a `postgresql` section)");
}

} // namespace

void check_no_transaction_control(const Revision& revision) {
    if (!revision.transactional)
        return;
    for (const auto& section : revision.sections) {
        if (!may_hold_transaction_control(section.text))
            continue;
        // The generic section as PostgreSQL reads it: read only as SQLite reads it, PostgreSQL's
        // dollar-quoted bodies would show the COMMITs inside them.
        auto statements = split_statements(section, section.dialect.empty() ? "postgresql" : section.dialect);
        if (const auto* found = find_transaction_control(statements))
            refuse(revision, *found, "");
        if (section.dialect.empty() && revision.section_for(section.kind, "sqlite") == &section)
            check_sqlite_split(revision, section);
    }
}

} // namespace trellis
