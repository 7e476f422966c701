// A revision: one schema change, one file in a version path (SPEC.md, "Revision file").
// Plain data; parsing and writing live in revision_file.hpp. Knows nothing of databases.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace trellis {

enum class SectionKind { upgrade, downgrade, irreversible };

// How much of each revision file a load keeps. The commands that only draw or list the graph
// (heads, branches, history, graph) never read a statement, and a graph of tens of thousands of
// revisions loads measurably faster without them. Files are still parsed and checked in full.
enum class RevisionContent { full, header_only };

// One `-- +upgrade [dialect]` / `-- +downgrade [dialect]` / `-- +irreversible` section.
struct Section {
    SectionKind kind = SectionKind::upgrade;
    std::string dialect; // empty: the generic section, used where no dialect section exists
    int first_line = 0;  // file line of the first line after the marker
    std::string text;    // the lines after the marker, verbatim
};

struct Revision {
    std::string id;
    std::vector<std::string> down_revisions; // several: a merge; none: a base
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on; // ids or prefixes of at least 4 characters
    std::string message;
    std::string create_date;
    bool transactional = true;

    std::string path; // a plain string: paths are built for tens of thousands of files per load
    // File lines of the header keys that name other revisions, for messages; 0 when absent.
    int revision_line = 0;
    int down_revision_line = 0;
    int depends_on_line = 0;
    int branch_labels_line = 0;
    std::string body; // everything after the header, verbatim, so a rewrite is byte for byte
    std::vector<Section> sections;
    // False after a RevisionContent::header_only load: body and sections are empty, and the
    // accessors below that need them throw a logic_error rather than answer wrongly.
    bool has_sql = true;

    // Drops body and sections (a header_only load).
    void drop_sql();
    // Throws a logic_error naming the revision when it has no SQL: a command that reads
    // statements asked for a header_only load, a bug to fail on rather than run nothing.
    void require_sql() const;

    bool is_base() const { return down_revisions.empty(); }
    bool is_merge() const { return down_revisions.size() > 1; }
    // The section to run for `kind` on `dialect`: the dialect's own, else the generic one, else
    // nullptr. An irreversible revision answers its `-- +irreversible` section for a downgrade.
    const Section* section_for(SectionKind kind, std::string_view dialect) const;
    bool irreversible() const;
    // SHA-256 hex of the normalised sections (computed on each call: only commands that compare
    // or record checksums pay for it, never the load).
    std::string checksum() const;
};

} // namespace trellis
