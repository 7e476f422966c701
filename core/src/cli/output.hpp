// How the CLI prints: the flags that shape output (--json, -q, -v) and colour. These belong to
// the command line alone; the command layer never sees them (it reports values and notices).
#pragma once

#include <string>
#include <string_view>

namespace trellis::cli {

// What a coloured word means; each has one colour everywhere.
enum class Paint { error, warning, head, applied, pending, drop };

enum class Stream { out, err };

struct Output {
    bool json = false;
    bool quiet = false;
    int verbose = 0;
    // Colour only on a terminal, never with --no-color, NO_COLOR or TERM=dumb; per stream, so
    // `trellis status | less` gets plain text while stderr on the terminal stays coloured.
    bool color_out = false;
    bool color_err = false;

    // `text` in the colour of `paint` when `stream` takes colour, else `text` as it is.
    std::string paint(Stream stream, Paint paint, std::string_view text) const;
    std::string out(Paint p, std::string_view text) const { return paint(Stream::out, p, text); }
    std::string err(Paint p, std::string_view text) const { return paint(Stream::err, p, text); }
};

// Whether colour is allowed at all: no --no-color, no NO_COLOR, a TERM that is not `dumb`.
bool colour_allowed(bool no_color_flag);
// The output flags of a command line, colour decided per stream from isatty.
Output resolve_output(bool json, bool quiet, bool verbose, bool no_color_flag);

} // namespace trellis::cli
