// Reading and writing revision files. A file trellis wrote parses back to the same revision and
// writes back byte for byte. Every malformed input is an input error naming the file and line.
#pragma once

#include "revision/revision.hpp"

#include <string>
#include <string_view>

namespace trellis::revision_file {

// Parses `content` as the file at `path` (used in messages only). Throws an input error
// `path:line: what is wrong` on the first malformed line.
Revision parse(std::string_view content, const std::string& path);
// Reads and parses the file at `path`.
Revision load(const std::string& path);
// The file's text: the canonical header followed by the body.
std::string write(const Revision& revision);
// The body of a new revision with the given upgrade and downgrade SQL (each may be empty).
std::string new_body(std::string_view upgrade_sql, std::string_view downgrade_sql);
// A body with per-dialect sections: generic ones when both dialects have the same SQL.
std::string new_body(std::string_view sqlite_upgrade, std::string_view sqlite_downgrade,
                     std::string_view postgresql_upgrade, std::string_view postgresql_downgrade);
// The checksum of SPEC.md: SHA-256 over the sections, line endings normalised to LF and trailing
// white space stripped, so that header edits and CRLF/LF conversions do not change it.
std::string checksum(const std::vector<Section>& sections);
// `<id>_<slug>.sql`
std::string file_name(const Revision& revision);

} // namespace trellis::revision_file
