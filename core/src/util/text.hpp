// Small string helpers shared by the parsers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::text {

// Inline: the revision parser calls these on every line of tens of thousands of files.
inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
inline std::string_view trim_right(std::string_view s) {
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}
inline std::string_view trim_left(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    return s;
}
inline std::string_view trim(std::string_view s) {
    return trim_right(trim_left(s));
}
// Splits on `separator`, trims each piece and drops empty pieces.
std::vector<std::string> split_list(std::string_view s, char separator = ',');
std::string join(const std::vector<std::string>& parts, std::string_view separator);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::string to_lower(std::string_view s);
// `[A-Za-z0-9_]{1,64}`: the ids SPEC.md accepts.
bool is_revision_id(std::string_view s);
// Lowercase `[a-z0-9_]`, at most 40 characters, from a free-text message.
std::string slugify(std::string_view message);
// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// FNV-1a, 64 bits: a stable hash of names (cache file names), the same on
// every host and build.
std::uint64_t fnv1a(std::string_view text);
// fnmatch-style `*` and `?` patterns (for exclude_tables).
bool glob_match(std::string_view pattern, std::string_view s);

} // namespace trellis::text
