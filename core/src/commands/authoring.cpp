#include "commands/authoring.hpp"

#include "graph/planner.hpp"
#include "revision/revision_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <random>
#include <set>

namespace trellis {

namespace {

std::string new_id(const Graph& graph) {
    std::random_device device;
    std::mt19937_64 random(((std::uint64_t)device() << 32) ^ device() ^
                           (std::uint64_t)std::chrono::steady_clock::now().time_since_epoch().count());
    while (true) {
        auto id = fmt::format("{:012x}", random() & 0xffffffffffffull);
        if (!graph.find(id))
            return id;
    }
}

std::string now_utc() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

// Every branch `b` depends on, directly or not.
std::vector<int> dependency_branches(const Graph& graph, int b) {
    std::set<int> found;
    std::vector<int> stack(graph.branch(b).depends);
    while (!stack.empty()) {
        int at = stack.back();
        stack.pop_back();
        if (found.insert(at).second)
            stack.insert(stack.end(), graph.branch(at).depends.begin(), graph.branch(at).depends.end());
    }
    return {found.begin(), found.end()};
}

// The heads of the branches `b` depends on, plus `explicit_ids`, less whatever the new
// revision's parents already need: a revision records the state it was written against.
std::vector<std::string> dependencies_for(const Graph& graph, int b, const std::vector<int>& parents,
                                          const std::vector<std::string>& explicit_ids) {
    std::vector<int> wanted;
    for (int d : dependency_branches(graph, b))
        wanted.insert(wanted.end(), graph.branch(d).heads.begin(), graph.branch(d).heads.end());
    for (const auto& id : explicit_ids)
        wanted.push_back(graph.resolve_id(id));
    std::vector<bool> covered(graph.size(), false);
    for (int i : ancestors(graph, parents))
        covered[i] = true;
    // A wanted revision that another wanted one already needs is covered too.
    for (int w : wanted)
        for (int i : ancestors(graph, {w}))
            if (i != w)
                covered[i] = true;
    std::vector<std::string> ids;
    for (int w : graph.sort(wanted))
        if (!covered[w] && std::find(ids.begin(), ids.end(), graph.revision(w).id) == ids.end())
            ids.push_back(graph.revision(w).id);
    return ids;
}

bool inside(const std::filesystem::path& path, const std::filesystem::path& directory) {
    std::error_code error;
    auto relative = std::filesystem::weakly_canonical(path, error)
                        .lexically_relative(std::filesystem::weakly_canonical(directory, error));
    return !relative.empty() && *relative.begin() != "..";
}

// Where a new revision of `plugin` goes: --version-path, else the config's, else the plugin's own.
// A plugin's own path is baked into its library at build time and may lie in another checkout:
// outside the project (the directory of trellis.ini) it is refused unless named explicitly. Says
// where it writes.
std::filesystem::path version_path_for(Context& context, const std::string& plugin,
                                       const std::optional<std::filesystem::path>& flag, const BranchSpec& spec) {
    if (flag)
        return std::filesystem::absolute(*flag);
    if (const auto* section = context.config().plugin(plugin); section && section->version_path)
        return *section->version_path;
    const auto& project = context.config().directory;
    if (!inside(spec.version_path, project))
        throw input_error("the version path of `{}`, {} (from {}), is outside this project ({}): it may be another "
                          "checkout's. Pass --version-path DIR, or name it in trellis.ini: [plugin.{}] version_path = "
                          "DIR",
                          plugin, files::display(spec.version_path), spec.source, project.string(), plugin);
    context.notice(fmt::format("note: writing into the version path of `{}`: {} (from {})", plugin,
                               files::display(spec.version_path), spec.source));
    return spec.version_path;
}

std::filesystem::path write_revision(Revision& r, const std::filesystem::path& directory) {
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw input_error("cannot create version path {}: {}", files::display(directory), error.message());
    auto path = directory / revision_file::file_name(r);
    if (std::filesystem::exists(path))
        throw input_error("{} exists already", files::display(path));
    files::write_atomically(path, revision_file::write(r));
    return path;
}

// An empty message is allowed, as Alembic allows it (`revision` without -m); the file is then
// `<id>_.sql`. A message is one line: the header holds it.
void check_message(const std::string& message) {
    if (message.find('\n') != std::string::npos)
        throw input_error("the message must be one line");
}

} // namespace

std::string chosen_plugin(Context& context, const std::optional<std::string>& plugin) {
    if (plugin)
        return *plugin;
    if (context.options().plugin)
        return *context.options().plugin;
    if (context.config().default_plugin)
        return *context.config().default_plugin;
    const auto& graph = context.graph();
    if (graph.branches().size() == 1)
        return graph.branch(0).label();
    throw input_error("{} plugins are loaded ({}): pass --plugin NAME or set default_plugin in trellis.ini",
                      graph.branches().size(), graph.known_branches());
}

std::filesystem::path create_revision(Context& context, const RevisionRequest& request) {
    return create_revision(context, context.graph(), request);
}

std::filesystem::path create_revision(Context& context, const Graph& graph, const RevisionRequest& request) {
    check_message(request.message);
    auto plugin = chosen_plugin(context, request.plugin);
    int b = graph.branch_named(plugin);
    const auto& branch = graph.branch(b);

    std::vector<int> parents;
    if (!request.heads.empty()) {
        AppliedSet none(graph.size(), false);
        for (const auto& head : request.heads)
            for (int i : resolve_upgrade_target(graph, head, none)) {
                bool is_head = std::find(branch.heads.begin(), branch.heads.end(), i) != branch.heads.end() ||
                               graph.children(i).empty();
                if (!is_head && !request.splice)
                    throw input_error("{} is not a head of `{}`; pass --splice to start a new line from it",
                                      graph.revision(i).id, plugin);
                parents.push_back(i);
            }
    } else if (branch.heads.size() > 1) {
        std::vector<std::string> ids;
        for (int h : branch.heads)
            ids.push_back(graph.revision(h).id);
        throw input_error("branch `{}` has {} heads ({}); merge them first: trellis merge {}@heads -m \"merge {}\" "
                          "(or pass --head REV)",
                          plugin, ids.size(), text::join(ids, ", "), plugin, plugin);
    } else {
        parents = branch.heads;
    }

    Revision r;
    r.id = request.rev_id.value_or(new_id(graph));
    if (!text::is_revision_id(r.id))
        throw input_error("--rev-id `{}` is not a revision id ([A-Za-z0-9_], 1 to 64 characters)", r.id);
    if (graph.find(r.id))
        throw input_error("revision id `{}` exists already: {}", r.id,
                          files::display(graph.revision(*graph.find(r.id)).path));
    for (int p : parents)
        r.down_revisions.push_back(graph.revision(p).id);
    if (parents.empty())
        r.branch_labels.push_back(plugin);
    for (const auto& label : request.branch_labels)
        if (std::find(r.branch_labels.begin(), r.branch_labels.end(), label) == r.branch_labels.end()) {
            if (auto other = graph.find_branch(label); other && *other != b)
                throw input_error("branch label `{}` belongs to branch `{}`", label, graph.branch(*other).label());
            r.branch_labels.push_back(label);
        }
    r.depends_on = dependencies_for(graph, b, parents, request.depends_on);
    r.message = std::string(text::trim(request.message));
    r.create_date = now_utc();
    r.body = request.body.value_or(revision_file::new_body(request.upgrade_sql, request.downgrade_sql));
    return write_revision(r, version_path_for(context, plugin, request.version_path, branch.spec));
}

std::filesystem::path create_merge(Context& context, const std::vector<std::string>& targets,
                                   const std::string& message, const std::optional<std::string>& rev_id) {
    check_message(message);
    const auto& graph = context.graph();
    AppliedSet none(graph.size(), false);
    std::vector<int> parents;
    for (const auto& target : targets)
        for (int i : resolve_upgrade_target(graph, target, none))
            if (std::find(parents.begin(), parents.end(), i) == parents.end())
                parents.push_back(i);
    if (parents.size() < 2)
        throw input_error("a merge needs at least two revisions; {} named {}", text::join(targets, " "),
                          parents.size() == 1 ? graph.revision(parents[0]).id : "none");
    int b = graph.branch_of(parents.front());
    for (int p : parents)
        if (graph.branch_of(p) != b && !context.options().plugin)
            throw input_error(
                "{} is in branch `{}` and {} in `{}`: pass --plugin to say which branch the merge belongs to",
                graph.revision(parents.front()).id, graph.branch(b).label(), graph.revision(p).id,
                graph.branch(graph.branch_of(p)).label());
    if (context.options().plugin)
        b = graph.branch_named(*context.options().plugin);
    Revision r;
    r.id = rev_id.value_or(new_id(graph));
    if (graph.find(r.id))
        throw input_error("revision id `{}` exists already", r.id);
    for (int p : parents)
        r.down_revisions.push_back(graph.revision(p).id);
    r.depends_on = dependencies_for(graph, b, parents, {});
    r.message = message;
    r.create_date = now_utc();
    r.body = revision_file::new_body("", "");
    return write_revision(r, version_path_for(context, graph.branch(b).label(), std::nullopt, graph.branch(b).spec));
}

std::vector<std::filesystem::path> init_project(const std::filesystem::path& directory) {
    auto dir = std::filesystem::absolute(directory).lexically_normal();
    auto config = dir / "trellis.ini";
    if (std::filesystem::exists(config))
        throw input_error("{} exists already", files::display(config));
    auto name = text::slugify(dir.filename().string());
    if (name.empty())
        name = "app";
    std::filesystem::create_directories(dir / "versions");
    files::write_atomically(
        config, fmt::format(R"(# trellis configuration: see README.md. Relative paths are relative to this file.

# The database: sqlite:///relative.db, sqlite:////absolute.db or
# postgresql://user:password@host:port/dbname (TRELLIS_URL or --url override it).
url = sqlite:///{0}.db

# Directories whose *.so files are trellis plugins (colon-separated).
# plugin_path = build/plugins

# The plugin `trellis revision` writes to when --plugin is not given.
default_plugin = {0}

# The ledger table that lists applied revisions.
version_table = trellis_version

# true allows drop-db and reset-db without --yes: never on a production database.
dev = false

# Seconds to wait for another migration's lock before giving up (exit 3).
lock_timeout = 60

# An SQL-only plugin: a branch of revisions with no shared library.
[plugin.{0}]
version_path = versions
sql_only = true
)",
                            name));
    return {config, dir / "versions"};
}

} // namespace trellis
