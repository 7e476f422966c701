#include "revision/revision_file.hpp"

#include "revision/create_date.hpp"
#include "revision/transaction_control.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace trellis::revision_file {

namespace {

constexpr std::array<std::string_view, 7> k_header_keys = {"revision", "down_revision", "branch_labels", "depends_on",
                                                           "message",  "create_date",   "transactional"};
constexpr std::array<std::string_view, 2> k_dialects = {"sqlite", "postgresql"};

// Iterates the lines of a text, numbering them from 1, without copying.
class LineReader {
public:
    explicit LineReader(std::string_view text)
        : m_text(text) {}
    bool next(std::string_view& line) {
        if (m_offset >= m_text.size())
            return false;
        auto end = m_text.find('\n', m_offset);
        if (end == std::string_view::npos)
            end = m_text.size();
        line = m_text.substr(m_offset, end - m_offset);
        m_line_start = m_offset;
        m_offset = end + 1;
        ++m_number;
        return true;
    }
    int number() const { return m_number; }
    std::size_t line_start() const { return m_line_start; }
    std::size_t line_length() const { return m_offset - 1 - m_line_start; }

private:
    std::string_view m_text;
    std::size_t m_offset = 0;
    std::size_t m_line_start = 0;
    int m_number = 0;
};

class Parser {
public:
    Parser(std::string_view content, const std::string& path)
        : m_content(content)
        , m_lines(content) {
        m_revision.path = path;
        m_revision.sections.reserve(2);
    }

    Revision parse() {
        std::string_view line;
        bool more = m_lines.next(line);
        while (more && is_header_line(line)) {
            parse_header_line(text::trim_right(line));
            more = m_lines.next(line);
        }
        if (m_revision.id.empty())
            fail(1, "no `-- revision: ID` line in the header");
        std::size_t body_start = more ? m_lines.line_start() : m_content.size();
        m_revision.body = std::string(m_content.substr(body_start));
        int body_line = more ? m_lines.number() : m_lines.number() + 1;
        while (more) {
            parse_body_line(line);
            more = m_lines.next(line);
        }
        close_section(m_content.size());
        check_sections(body_line);
        return std::move(m_revision);
    }

private:
    [[noreturn]] void fail(int line, std::string_view what) const {
        throw input_error("{}:{}: {}", files::display(m_revision.path), line, what)
            .at(files::display(m_revision.path), line)
            .revision(m_revision.id);
    }

    static bool is_marker(std::string_view line) {
        auto rest = text::trim_left(line);
        return rest.starts_with("--") && text::trim_left(rest.substr(2)).starts_with("+");
    }

    // The header is the leading run of comment lines before the first blank line or marker.
    static bool is_header_line(std::string_view line) {
        return line.starts_with("--") && !is_marker(line) && !text::trim(line).empty();
    }

    void parse_header_line(std::string_view line) {
        int number = m_lines.number();
        auto rest = text::trim(line.substr(2));
        auto colon = rest.find(':');
        auto key = colon == std::string_view::npos ? std::string_view{} : text::trim(rest.substr(0, colon));
        bool key_shaped = !key.empty() && std::all_of(key.begin(), key.end(),
                                                      [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
        if (!key_shaped)
            fail(number, fmt::format("malformed header line `{}`: expected `-- key: value` "
                                     "(put a blank line between the header and free comments)",
                                     line));
        auto value = text::trim(rest.substr(colon + 1));
        auto known = std::find(k_header_keys.begin(), k_header_keys.end(), key);
        if (known == k_header_keys.end())
            fail(number, fmt::format("unknown header key `{}`{}", key, suggest_key(key)));
        unsigned bit = 1u << (known - k_header_keys.begin());
        if (m_seen_keys & bit)
            fail(number, fmt::format("duplicate header key `{}`", key));
        m_seen_keys |= bit;
        assign(key, value, number);
    }

    static std::string suggest_key(std::string_view key) {
        auto best = std::min_element(k_header_keys.begin(), k_header_keys.end(), [&](auto a, auto b) {
            return text::edit_distance(key, a) < text::edit_distance(key, b);
        });
        if (text::edit_distance(key, *best) > 3)
            return fmt::format(" (known keys: {})", fmt::join(k_header_keys, ", "));
        return fmt::format(" (did you mean `{}`?)", *best);
    }

    std::vector<std::string> id_list(std::string_view key, std::string_view value, int number) const {
        auto ids = text::split_list(value);
        for (const auto& id : ids)
            if (!text::is_revision_id(id))
                fail(number,
                     fmt::format("`{}`: `{}` is not a revision id ([A-Za-z0-9_], 1 to 64 characters)", key, id));
        return ids;
    }

    void assign(std::string_view key, std::string_view value, int number) {
        auto& r = m_revision;
        if (key == "revision") {
            if (!text::is_revision_id(value))
                fail(number, fmt::format("`{}` is not a revision id ([A-Za-z0-9_], 1 to 64 characters)", value));
            r.id = value;
            r.revision_line = number;
        } else if (key == "down_revision") {
            r.down_revisions = id_list(key, value, number);
            r.down_revision_line = number;
        } else if (key == "depends_on") {
            r.depends_on = id_list(key, value, number);
            r.depends_on_line = number;
        } else if (key == "branch_labels") {
            r.branch_labels = id_list(key, value, number);
            r.branch_labels_line = number;
        } else if (key == "message") {
            r.message = value;
        } else if (key == "create_date") {
            if (auto problem = create_date_problem(value); !problem.empty())
                fail(number, fmt::format("create_date `{}` is not a date and time such as 2026-11-22T23:04:11Z: {}",
                                         value, problem));
            r.create_date = value;
        } else if (key == "transactional") {
            if (value != "true" && value != "false")
                fail(number, fmt::format("transactional must be `true` or `false`, not `{}`", value));
            r.transactional = value == "true";
        }
    }

    void parse_body_line(std::string_view line) {
        int number = m_lines.number();
        auto trimmed = text::trim_left(line);
        // Most lines are SQL inside a section: nothing to check, the section takes them whole.
        if (m_current && !trimmed.starts_with("--"))
            return;
        if (is_marker(line)) {
            auto words = text::split_list(text::trim(trimmed.substr(2)).substr(1), ' ');
            auto keyword = words.empty() ? std::string{} : words[0];
            if (keyword == "call") {
                if (!m_current)
                    fail(number, "`-- +call` outside a section: put it under `-- +upgrade` or `-- +downgrade`");
                if (words.size() != 2 || words[1].find(':') == std::string::npos)
                    fail(number, "malformed step call: expected `-- +call plugin:step`");
                return;
            }
            open_section(keyword, words, number);
            return;
        }
        if (m_current)
            return; // section lines are taken whole when the section closes
        if (!trimmed.empty() && !trimmed.starts_with("--"))
            fail(number, "SQL outside a section: put it under `-- +upgrade` or `-- +downgrade`");
    }

    void open_section(const std::string& keyword, const std::vector<std::string>& words, int number) {
        Section section;
        if (keyword == "upgrade")
            section.kind = SectionKind::upgrade;
        else if (keyword == "downgrade")
            section.kind = SectionKind::downgrade;
        else if (keyword == "irreversible")
            section.kind = SectionKind::irreversible;
        else
            fail(number, fmt::format("unknown section marker `-- +{}` (expected `-- +upgrade`, "
                                     "`-- +downgrade`, `-- +irreversible` or `-- +call`)",
                                     keyword));
        if (words.size() > 2)
            fail(number, "a section marker takes at most one dialect");
        if (words.size() == 2) {
            section.dialect = words[1];
            if (std::find(k_dialects.begin(), k_dialects.end(), section.dialect) == k_dialects.end())
                fail(number, fmt::format("unknown dialect `{}` (expected sqlite or postgresql)", section.dialect));
        }
        for (const auto& other : m_revision.sections) {
            bool reverses = other.kind != SectionKind::upgrade && section.kind != SectionKind::upgrade;
            if ((other.kind == section.kind || reverses) && other.dialect == section.dialect)
                fail(number, fmt::format("a second {} section{}", keyword == "upgrade" ? "upgrade" : "downgrade",
                                         section.dialect.empty() ? "" : " for " + section.dialect));
        }
        close_section(m_lines.line_start());
        section.first_line = number + 1;
        m_revision.sections.push_back(std::move(section));
        m_current = &m_revision.sections.back();
        m_current_start = m_lines.line_start() + m_lines.line_length() + 1;
    }

    // A section's text is the run of lines from after its marker up to `end` (the next marker's
    // line start, or the end of the file), without the last newline: one copy, not one per line.
    void close_section(std::size_t end) {
        if (!m_current)
            return;
        if (end > m_current_start && end <= m_content.size() && m_content[end - 1] == '\n')
            --end;
        if (end > m_current_start)
            m_current->text.assign(m_content.substr(m_current_start, end - m_current_start));
        m_current = nullptr;
    }

    void check_sections(int body_line) const {
        auto has = [&](SectionKind a, SectionKind b) {
            return std::any_of(m_revision.sections.begin(), m_revision.sections.end(),
                               [&](const Section& s) { return s.kind == a || s.kind == b; });
        };
        if (!has(SectionKind::upgrade, SectionKind::upgrade))
            fail(body_line, "no `-- +upgrade` section");
        if (!has(SectionKind::downgrade, SectionKind::irreversible))
            fail(body_line, "no `-- +downgrade` section (an empty one is a no-op; "
                            "`-- +irreversible` forbids downgrades)");
    }

    std::string_view m_content;
    LineReader m_lines;
    Revision m_revision;
    unsigned m_seen_keys = 0; // one bit per k_header_keys entry
    Section* m_current = nullptr;
    std::size_t m_current_start = 0;
};

std::string_view marker_keyword(SectionKind kind) {
    switch (kind) {
    case SectionKind::upgrade:
        return "upgrade";
    case SectionKind::downgrade:
        return "downgrade";
    case SectionKind::irreversible:
        return "irreversible";
    }
    return "";
}

// A NUL byte would cut a statement short where the database reads it as a C string, and both
// databases expect UTF-8: such a file is refused before anything reads its SQL. Files read afresh
// pay for this scan; the parse cache holds only files that passed it.
void check_text(std::string_view content, const std::string& path) {
    auto at = utf8::find_invalid(content);
    if (at == std::string_view::npos)
        return;
    auto where = utf8::position(content, at);
    auto byte = static_cast<unsigned char>(content[at]);
    if (byte == 0)
        throw input_error("{}:{}: a NUL byte at column {}: a revision file is text, and the database would read "
                          "the statement only up to it",
                          files::display(path), where.line, where.column)
            .at(files::display(path), where.line);
    throw input_error("{}:{}: invalid UTF-8 at column {} (byte 0x{:02x}): save the file as UTF-8", files::display(path),
                      where.line, where.column, byte)
        .at(files::display(path), where.line);
}

} // namespace

Revision parse(std::string_view content, const std::string& path) {
    // A byte order mark, as some Windows editors write, is no part of the header.
    if (content.starts_with("\xEF\xBB\xBF"))
        content.remove_prefix(3);
    check_text(content, path);
    auto revision = Parser(content, path).parse();
    check_no_transaction_control(revision);
    return revision;
}

Revision load(const std::string& path) {
    return parse(files::read(path), path);
}

std::string write(const Revision& r) {
    r.require_sql();
    std::string out = fmt::format("-- revision: {}\n", r.id);
    out += r.down_revisions.empty() ? "-- down_revision:\n"
                                    : fmt::format("-- down_revision: {}\n", text::join(r.down_revisions, ", "));
    if (!r.branch_labels.empty())
        out += fmt::format("-- branch_labels: {}\n", text::join(r.branch_labels, ", "));
    if (!r.depends_on.empty())
        out += fmt::format("-- depends_on: {}\n", text::join(r.depends_on, ", "));
    out += r.message.empty() ? "-- message:\n" : fmt::format("-- message: {}\n", r.message);
    if (!r.create_date.empty())
        out += fmt::format("-- create_date: {}\n", r.create_date);
    out += fmt::format("-- transactional: {}\n", r.transactional ? "true" : "false");
    out += r.body;
    return out;
}

std::string new_body(std::string_view upgrade_sql, std::string_view downgrade_sql) {
    auto block = [](std::string_view sql) {
        auto trimmed = text::trim(sql);
        return trimmed.empty() ? std::string{} : std::string(trimmed) + "\n";
    };
    return fmt::format("\n-- +upgrade\n{}\n-- +downgrade\n{}", block(upgrade_sql), block(downgrade_sql));
}

std::string new_body(std::string_view sqlite_upgrade, std::string_view sqlite_downgrade,
                     std::string_view postgresql_upgrade, std::string_view postgresql_downgrade) {
    if (sqlite_upgrade == postgresql_upgrade && sqlite_downgrade == postgresql_downgrade)
        return new_body(sqlite_upgrade, sqlite_downgrade);
    auto block = [](std::string_view sql) {
        auto trimmed = text::trim(sql);
        return trimmed.empty() ? std::string{} : std::string(trimmed) + "\n";
    };
    return fmt::format("\n-- +upgrade sqlite\n{}\n-- +upgrade postgresql\n{}\n-- +downgrade sqlite\n{}\n"
                       "-- +downgrade postgresql\n{}",
                       block(sqlite_upgrade), block(postgresql_upgrade), block(sqlite_downgrade),
                       block(postgresql_downgrade));
}

std::string checksum(const std::vector<Section>& sections) {
    std::string canonical;
    for (const auto& section : sections) {
        canonical += "-- +";
        canonical += marker_keyword(section.kind);
        if (!section.dialect.empty())
            canonical += " " + section.dialect;
        canonical += '\n';
        std::string lines;
        std::size_t kept = 0; // length of `lines` up to its last non-blank line
        LineReader reader(section.text);
        std::string_view line;
        while (reader.next(line)) {
            lines += text::trim_right(line);
            lines += '\n';
            if (!text::trim(line).empty())
                kept = lines.size();
        }
        canonical.append(lines, 0, kept);
    }
    return sha256_hex(canonical);
}

std::string file_name(const Revision& revision) {
    auto slug = text::slugify(revision.message);
    return slug.empty() ? revision.id + ".sql" : fmt::format("{}_{}.sql", revision.id, slug);
}

} // namespace trellis::revision_file
