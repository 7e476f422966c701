#include "lint/nolint.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace trellis::lint {

namespace {

constexpr std::string_view k_marker = "trellis:nolint";

bool is_code(std::string_view word) {
    return word.size() == 4 && std::isalpha(static_cast<unsigned char>(word[0])) &&
           std::all_of(word.begin() + 1, word.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// The words of `s`, split at white space and commas.
std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::string word;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
            if (!word.empty())
                out.push_back(std::move(word));
            word.clear();
        } else {
            word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    if (!word.empty())
        out.push_back(std::move(word));
    return out;
}

// Adds what a `-- trellis:nolint ...` comment on `line` says; false when the line has none.
bool read_marker(std::string_view line, Suppression& into) {
    auto at = line.find(k_marker);
    if (at == std::string_view::npos)
        return false;
    auto dashes = line.rfind("--", at);
    if (dashes == std::string_view::npos || !text::trim(line.substr(dashes + 2, at - dashes - 2)).empty())
        return false;
    auto rest = line.substr(at + k_marker.size());
    if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest[0])) && rest[0] != ',')
        return false; // `trellis:nolinter`
    bool any = false;
    for (auto& word : words(rest)) {
        if (!is_code(word))
            break; // the rest is the reason
        into.codes.push_back(std::move(word));
        any = true;
    }
    into.all = into.all || !any;
    return true;
}

} // namespace

bool Suppression::silences(std::string_view code) const {
    return all || std::find(codes.begin(), codes.end(), code) != codes.end();
}

NolintIndex::NolintIndex(const Section& section)
    : m_first_line(section.first_line) {
    std::string_view text = section.text;
    while (!text.empty()) {
        auto end = text.find('\n');
        m_lines.push_back(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
}

std::string_view NolintIndex::line_text(int line) const {
    auto index = line - m_first_line;
    return index >= 0 && index < static_cast<int>(m_lines.size()) ? m_lines[index] : std::string_view();
}

Suppression NolintIndex::at(int line) const {
    Suppression found;
    read_marker(line_text(line), found);
    for (int above = line - 1; above >= m_first_line; --above) {
        auto text = text::trim(line_text(above));
        if (!text.starts_with("--") || text::trim(text.substr(2)).starts_with("+call"))
            break; // code, a blank line, or a step: another statement's lines
        read_marker(text, found);
    }
    return found;
}

} // namespace trellis::lint
