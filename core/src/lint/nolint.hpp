// `-- trellis:nolint [CODE...]`: the comments that silence lint findings on one statement. A
// comment counts when it ends the statement's first line or stands in the run of comment lines
// directly above it; without codes it silences every rule.
#pragma once

#include "revision/revision.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trellis::lint {

struct Suppression {
    bool all = false;
    std::vector<std::string> codes; // upper case
    bool silences(std::string_view code) const;
};

class NolintIndex {
public:
    explicit NolintIndex(const Section& section);
    // What silences the statement that starts on file line `line`.
    Suppression at(int line) const;

private:
    std::string_view line_text(int line) const; // empty outside the section
    std::vector<std::string_view> m_lines;
    int m_first_line;
};

} // namespace trellis::lint
