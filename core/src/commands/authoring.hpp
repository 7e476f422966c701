// Writing revision files: `revision` (with the rules of SPEC.md, "Plugins": the version path, a
// first revision that is a labelled base, `depends_on` the heads of the branches the plugin
// depends on that are not already ancestors), `merge`, and `init`.
#pragma once

#include "commands/context.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

struct RevisionRequest {
    std::string message;
    std::optional<std::string> plugin; // else the config's default_plugin, else the only branch
    std::vector<std::string> heads;    // --head: the parent(s); default the branch's head
    bool splice = false;               // --splice: allow a parent that is not a head
    std::vector<std::string> branch_labels;
    std::vector<std::string> depends_on;
    std::optional<std::filesystem::path> version_path;
    std::optional<std::string> rev_id;
    std::string upgrade_sql, downgrade_sql;
    std::optional<std::string> body; // the whole body instead (dialect sections)
};

// Writes the revision; returns its path. Refuses (input error) a branch with several heads,
// naming the merge command, and anything else SPEC.md forbids.
std::filesystem::path create_revision(Context& context, const RevisionRequest& request);
// The same over `graph`, the revision files as they are now (a command that wrote some since the
// context loaded them).
std::filesystem::path create_revision(Context& context, const Graph& graph, const RevisionRequest& request);

// A merge revision of `targets` (ids, prefixes, `label@heads`), empty upgrade and downgrade.
std::filesystem::path create_merge(Context& context, const std::vector<std::string>& targets,
                                   const std::string& message, const std::optional<std::string>& rev_id);

// The plugin a command acts on: --plugin, else default_plugin, else the only branch.
std::string chosen_plugin(Context& context, const std::optional<std::string>& plugin);

// Writes `trellis.ini` and `versions/` into `directory`; returns what it wrote.
std::vector<std::filesystem::path> init_project(const std::filesystem::path& directory);

} // namespace trellis
