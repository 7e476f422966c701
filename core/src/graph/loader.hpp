// The revision files of the branches' version paths, read from disk (the hot path of every
// command): POSIX calls relative to each directory, on every core, in runs of files that keep
// the threads in different directories, through the parse cache. Knows files, not edges: the
// graph (graph.hpp) indexes, links and orders what this returns.
#pragma once

#include "graph/graph.hpp"

#include <vector>

namespace trellis {

struct LoadedFiles {
    std::vector<Revision> revisions; // branch after branch, each in file name order
    std::vector<int> branch_of;      // per revision: its index in `ranked`
};

// Reads every `*.sql` file directly inside each branch's version path, `ranked` in plugin order.
// A missing version path is an empty branch. Throws an input error naming the file on an
// unreadable directory or file, a malformed revision file (the first in branch and name order,
// whichever thread met it), or two branches sharing one directory.
LoadedFiles load_revision_files(const std::vector<BranchSpec>& ranked, RevisionContent content);

} // namespace trellis
