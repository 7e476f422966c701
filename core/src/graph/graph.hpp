// The revision graph: the revisions of every branch, indexed, validated and ordered
// (SPEC.md, "Graph rules"). Pure: it reads revision files and knows nothing of databases or of
// how plugins are loaded. Immutable once built; safe to read from several threads.
#pragma once

#include "revision/revision.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace trellis {

// A branch as declared by a plugin or a `[plugin.NAME]` section of the config.
struct BranchSpec {
    std::string label;
    std::vector<std::string> depends; // labels of the branches this one depends on
    std::filesystem::path version_path;
    std::string source; // where it was declared, for messages: a library or a config section
};

struct Branch {
    BranchSpec spec;
    int rank = 0;               // position in the plugin dependency order
    std::vector<int> depends;   // branch indices
    std::vector<int> revisions; // revision indices, in the graph's deterministic order
    std::vector<int> heads;     // revisions no other revision of this branch builds on
    std::vector<int> bases;     // revisions with no parent in this branch
    const std::string& label() const { return spec.label; }
};

class Graph {
public:
    // Reads every `*.sql` file directly inside each branch's version path. A missing version path
    // is an empty branch. Throws an input error naming files and lines on any rule of SPEC.md.
    static Graph load(std::vector<BranchSpec> specs, RevisionContent content = RevisionContent::full);
    Graph() = default;
    Graph(Graph&&) = default;
    Graph& operator=(Graph&&) = default;

    // Builds from revisions already parsed, one list per spec (the test seam).
    static Graph build(std::vector<BranchSpec> specs, std::vector<std::vector<Revision>> revisions);

    std::size_t size() const { return m_revisions.size(); }
    RevisionContent content() const { return m_content; }
    const Revision& revision(int i) const { return m_revisions[i]; }
    const std::vector<Revision>& revisions() const { return m_revisions; }
    int branch_of(int i) const { return m_branch_of[i]; }
    const Branch& branch(int b) const { return m_branches[b]; }
    const std::vector<Branch>& branches() const { return m_branches; }       // in plugin order
    std::span<const int> parents(int i) const { return m_parents[i]; }       // down_revision
    std::span<const int> depends(int i) const { return m_depends[i]; }       // depends_on
    std::span<const int> children(int i) const { return m_children[i]; }     // reverse down_revision
    std::span<const int> dependants(int i) const { return m_dependants[i]; } // reverse depends_on

    std::optional<int> find(std::string_view id) const;
    // Every revision whose id starts with `prefix`.
    std::vector<int> match_prefix(std::string_view prefix) const;
    // A full id, or a unique prefix of at least 4 characters; throws naming the candidates.
    int resolve_id(std::string_view id_or_prefix) const;
    // The branch of a label: a plugin's name or a label given in a revision's `branch_labels`.
    std::optional<int> find_branch(std::string_view label) const;
    // The same, for a label the user gave (`--plugin`, `LABEL@head`, `-r LABEL@base:`): an input
    // error naming the label and the known branches when no branch has it.
    int branch_named(std::string_view label) const;
    // The branches' labels in plugin order, comma-separated ("none" when there are none).
    std::string known_branches() const;
    // The heads of every branch, in plugin order.
    std::vector<int> heads() const;
    // The nearest known id, for "did you mean" messages; empty when nothing is close.
    std::string suggest(std::string_view id) const;

    // `subset` in the deterministic order of SPEC.md: topological over both edge kinds (edges to
    // revisions outside the subset ignored), ready revisions by plugin order, then create_date,
    // then id.
    std::vector<int> sort(const std::vector<int>& subset) const;
    // The same sort with another tie-break: among the ready revisions, the one with the smallest
    // `rank[i]` first (`rank` has one entry per revision). verify builds other orders this way.
    std::vector<int> sort(const std::vector<int>& subset, const std::vector<int>& rank) const;
    // The whole graph in that order.
    const std::vector<int>& order() const { return m_order; }

private:
    // The edges of one kind, all revisions' in one array: a graph of tens of thousands of
    // revisions is built on every command, and a vector per revision and kind costs more.
    class Edges {
    public:
        // `pairs`: (from, to), in the order each revision's edges should be listed.
        Edges(std::size_t revisions, const std::vector<std::pair<int, int>>& pairs);
        Edges() = default;
        std::span<const int> operator[](int i) const {
            return {m_targets.data() + m_start[i], m_targets.data() + m_start[i + 1]};
        }

    private:
        std::vector<int> m_start; // m_targets[m_start[i] .. m_start[i + 1]) are i's
        std::vector<int> m_targets;
    };

    // `specs` in plugin order; `revisions` grouped by branch in that order.
    static Graph assemble(std::vector<BranchSpec> specs, std::vector<Revision> revisions, std::vector<int> branch_of);
    void index_branches();
    void index_revisions();
    void link();
    void check_acyclic() const;
    void finish();

    std::vector<Branch> m_branches;
    std::vector<Revision> m_revisions;
    std::vector<int> m_branch_of;
    Edges m_parents, m_depends, m_children, m_dependants;
    // Keys view the revisions' own ids: the vector is filled once, before the index is built.
    std::unordered_map<std::string_view, int> m_by_id;
    std::unordered_map<std::string, int> m_branch_by_label;
    // Revision indices by id, for prefix look-ups; built on the first one (most commands resolve
    // exact ids only). Behind a pointer so the graph stays movable.
    struct PrefixIndex {
        std::once_flag built;
        std::vector<int> sorted;
    };
    const std::vector<int>& sorted_ids() const;
    std::unique_ptr<PrefixIndex> m_prefix_index = std::make_unique<PrefixIndex>();
    std::vector<int> m_priority; // rank of each revision's sort key
    std::vector<int> m_order;
    RevisionContent m_content = RevisionContent::full;
};

} // namespace trellis
