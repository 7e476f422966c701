// libFuzzer target for the revision file parser. Whatever the bytes, parse() returns a revision or
// throws trellis::Error (exit 2) with a message that is UTF-8 text; never another exception, a
// crash or undefined behaviour (built with ASan and UBSan). What it accepts is what may reach a
// database: no NUL byte, valid UTF-8, no statement that controls a transactional revision's
// transaction. And what write() makes of it parses back to the same revision.
#include "revision/revision_file.hpp"
#include "revision/sql_split.hpp"
#include "revision/transaction_control.hpp"
#include "util/error.hpp"
#include "util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace trellis;

[[noreturn]] void violated(const char* property, std::string_view detail) {
    std::fprintf(stderr, "property violated: %s\n%.*s\n", property, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

void check_accepted(std::string_view content, const Revision& r) {
    if (content.starts_with("\xEF\xBB\xBF"))
        content.remove_prefix(3);
    if (utf8::find_invalid(content) != std::string_view::npos)
        violated("accepted a file with a NUL byte or invalid UTF-8", content);
    for (const auto& section : r.sections) {
        auto statements = split_statements(section, section.dialect.empty() ? "postgresql" : section.dialect);
        if (r.transactional && find_transaction_control(statements))
            violated("accepted transaction control in a transactional revision", section.text);
        for (const auto& s : statements)
            if (s.sql.find('\0') != std::string::npos)
                violated("a statement holds a NUL byte", s.sql);
    }
    auto again = revision_file::parse(revision_file::write(r), r.path);
    bool same = again.id == r.id && again.down_revisions == r.down_revisions && again.depends_on == r.depends_on &&
                again.branch_labels == r.branch_labels && again.message == r.message &&
                again.create_date == r.create_date && again.transactional == r.transactional &&
                again.sections.size() == r.sections.size() && again.checksum() == r.checksum();
    if (!same)
        violated("write() does not parse back to the same revision", content);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view content(reinterpret_cast<const char*>(data), size);
    try {
        auto r = revision_file::parse(content, "v/fuzz.sql");
        check_accepted(content, r);
    } catch (const Error& e) {
        std::string_view message = e.what();
        if (e.code() != ExitCode::bad_input)
            violated("an error other than bad input", message);
        if (utf8::find_invalid(message) != std::string_view::npos)
            violated("an error message that is not UTF-8 text", message);
        if (!message.starts_with("v/fuzz.sql:"))
            violated("an error message that does not name the file and line", message);
    }
    return 0;
}
