#include "cli/output.hpp"

#include <cstdlib>
#include <unistd.h>

namespace trellis::cli {

namespace {

const char* sgr(Paint paint) {
    switch (paint) {
    case Paint::error:
        return "1;31";
    case Paint::warning:
        return "33";
    case Paint::head:
        return "1;36";
    case Paint::applied:
        return "32";
    case Paint::pending:
        return "33";
    case Paint::drop:
        return "1;31";
    }
    return "0";
}

} // namespace

std::string Output::paint(Stream stream, Paint paint, std::string_view text) const {
    if (!(stream == Stream::out ? color_out : color_err) || text.empty())
        return std::string(text);
    return std::string("\033[") + sgr(paint) + "m" + std::string(text) + "\033[0m";
}

bool colour_allowed(bool no_color_flag) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return !no_color_flag && !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}

Output resolve_output(bool json, bool quiet, bool verbose, bool no_color_flag) {
    Output o;
    o.json = json;
    o.quiet = quiet;
    o.verbose = verbose ? 1 : 0;
    bool allowed = colour_allowed(no_color_flag);
    o.color_out = allowed && !json && ::isatty(STDOUT_FILENO);
    o.color_err = allowed && ::isatty(STDERR_FILENO);
    return o;
}

} // namespace trellis::cli
