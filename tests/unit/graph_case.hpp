// A graph case: one file of tests/graph_cases/, holding a small revision graph, the commands to
// run on it and what they must print. This header is the format (parsing it, and writing the graph
// out as real revision files and a trellis.ini); graph_cases_test.cpp runs the cases. The format
// is described for case authors in tests/graph_cases/README.md.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace trellis::test {

// One revision line under a `branch`: `ID [<- P, ...] [depends D, ...] [date D] [labels L, ...]
// [irreversible] [message TEXT]`.
struct CaseRevision {
    std::string id;
    std::vector<std::string> parents, depends, labels;
    std::string date; // as written in the case; empty: the default date
    std::string message;
    bool irreversible = false;
};

// `branch NAME [: DEP, ...]`: a `[plugin.NAME]` section whose version path is the folder NAME.
struct CaseBranch {
    std::string name;
    std::vector<std::string> depends;
    std::vector<CaseRevision> revisions;
};

// What a command must do. An empty expectation (no stdout lines, no `~`, no `! exit`) only
// requires exit code 0: the command is set-up.
struct Expectation {
    int exit_code = 0;
    std::vector<std::string> out; // exact stdout, when `has_out`
    bool has_out = false;
    std::vector<std::string> contains; // `~ TEXT`: stdout or stderr contains it
    std::vector<std::string> lacks;    // `!~ TEXT`: neither contains it
};

enum class StepKind {
    command,    // `$ ARGS`: run trellis
    check,      // `@ tables` / `@ log`: look into the database
    write_file, // `file PATH` after the first command: (re)write a file at that point
};

struct CaseStep {
    StepKind kind = StepKind::command;
    int line = 0;     // line in the case file, for reports
    std::string text; // the line as written after its marker, or the file path
    std::vector<std::string> args;
    std::string content; // write_file
    Expectation expect;
};

// A file written verbatim before the first step (`file PATH` before any command).
struct CaseFile {
    std::string path;
    std::string content;
};

struct GraphCase {
    std::filesystem::path source;
    std::vector<std::string> ini_lines; // extra trellis.ini lines (`ini` block)
    std::vector<CaseBranch> branches;
    std::vector<CaseFile> files;
    std::vector<CaseStep> steps;
};

// Thrown on a malformed case file: `file:line: what`.
class CaseSyntaxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

GraphCase parse_case(const std::filesystem::path& file);

// Writes trellis.ini, one revision file per declared revision and the raw files into `dir`.
void write_graph(const GraphCase& graph_case, const std::filesystem::path& dir);

// The text of the revision file generated for `revision` (SPEC.md, "Revision file").
std::string revision_file_text(const CaseRevision& revision);

} // namespace trellis::test
