// The plugin dependency order: which branch comes first when several revisions are ready, and how
// the branch tree is drawn. Parents come before children; among siblings, the one with the larger
// subtree first (the trunk before the twigs), then by name. The same specs give the same order
// whatever order they are listed in.
#pragma once

#include "graph/graph.hpp"

#include <vector>

namespace trellis {

// Indices into `specs`, parents first. Throws an input error naming the declaring source on an
// unknown dependency, a dependency cycle or a label declared twice.
std::vector<int> order_branches(const std::vector<BranchSpec>& specs);

} // namespace trellis
