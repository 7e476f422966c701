#include "commands/import_alembic.hpp"

#include "commands/migrate.hpp"
#include "db/database.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <spawn.h>
#include <sys/wait.h>

#ifndef TRELLIS_IMPORTER_SOURCE
#define TRELLIS_IMPORTER_SOURCE ""
#endif

extern char** environ;

namespace trellis {

namespace {

constexpr const char* k_importer = "import_alembic.py";

// Installed beside the binary (<prefix>/bin/trellis, <prefix>/share/trellis/), else the source
// tree the binary was built from.
std::filesystem::path find_importer() {
    std::error_code error;
    auto here = boost::dll::program_location(error).parent_path();
    std::vector<std::filesystem::path> candidates{here.parent_path() / "share" / "trellis" / k_importer};
    if (*TRELLIS_IMPORTER_SOURCE)
        candidates.emplace_back(TRELLIS_IMPORTER_SOURCE);
    for (const auto& path : candidates)
        if (std::filesystem::is_regular_file(path, error))
            return path;
    std::string tried;
    for (const auto& path : candidates)
        tried += " " + path.string();
    throw input_error("the Alembic importer ({}) is not installed; looked in:{}", k_importer, tried);
}

// The interpreter that runs Alembic: TRELLIS_PYTHON, else the one the `alembic` command on PATH
// names in its `#!` line (the interpreter that has Alembic, whatever python3 comes first on
// PATH), else python3.
std::vector<std::string> find_python() {
    if (const char* forced = std::getenv("TRELLIS_PYTHON"); forced && *forced)
        return {forced};
    const char* path = std::getenv("PATH");
    for (const auto& directory : text::split_list(path ? path : "", ':')) {
        std::ifstream script(std::filesystem::path(directory) / "alembic");
        std::string line;
        if (!script || !std::getline(script, line) || !line.starts_with("#!"))
            continue;
        auto words = text::split_list(line.substr(2), ' ');
        if (!words.empty() && words.front().ends_with("/env"))
            words.erase(words.begin());
        if (!words.empty())
            return {words.front()};
    }
    return {"python3"};
}

// Runs `argv` with this process's stdout and stderr; its exit code.
int run_process(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int failed = ::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (failed != 0)
        throw input_error("cannot run {}: {}; install Debian's alembic (apt-get install alembic), or set "
                          "TRELLIS_PYTHON to a Python that has Alembic",
                          argv[0], std::strerror(failed));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw input_error("waiting for {}: {}", argv[0], std::strerror(errno));
    if (WIFSIGNALED(status))
        throw input_error("the Alembic importer ({}) was killed by signal {}", argv[0], WTERMSIG(status));
    int code = WEXITSTATUS(status);
    // Python's own failures (a traceback) exit 1; trellis reserves 1 for checks that found problems.
    return code == 1 ? static_cast<int>(ExitCode::bad_input) : code;
}

bool plain_identifier(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

} // namespace

int import_alembic(const ImportAlembicOptions& options) {
    auto argv = find_python();
    // -B: importing the revision files must not leave __pycache__ in the Alembic project.
    argv.insert(argv.end(),
                {"-B", find_importer().string(), options.alembic_ini.string(), "--out", options.out.string()});
    if (options.quiet || options.json)
        argv.push_back(options.json ? "--json" : "--quiet");
    return run_process(argv);
}

AdoptResult adopt_alembic(Context& context, const AdoptOptions& options) {
    const auto& table = options.alembic_version_table;
    if (!plain_identifier(table))
        throw input_error("--alembic-version-table `{}` is not a plain table name ([A-Za-z0-9_])", table);
    AdoptResult result;
    auto stamped = stamp_with(context, [&](Database& db, const Graph& graph, const AppliedSet& current) {
        if (!db.table_exists(table))
            throw input_error("{} has no `{}` table: it is not a database Alembic migrated (or pass "
                              "--alembic-version-table)",
                              db.url().display(), table);
        for (const auto& row : db.query("SELECT version_num FROM " + table))
            if (row.at(0))
                result.alembic_heads.push_back(*row[0]);
        std::sort(result.alembic_heads.begin(), result.alembic_heads.end());
        for (const auto& head : result.alembic_heads)
            if (!graph.find(head))
                throw input_error("{} holds revision `{}`, which this project does not have{}: import the Alembic "
                                  "project the database was migrated with",
                                  table, head, graph.suggest(head));
        StampChoice choice;
        choice.applied.assign(current.size(), false);
        if (!result.alembic_heads.empty())
            for (int i : plan_upgrade(graph, result.alembic_heads, AppliedSet(current.size(), false)).steps)
                choice.applied[i] = true;
        std::vector<std::string> beyond;
        for (std::size_t i = 0; i < current.size(); ++i) {
            if (current[i] && !choice.applied[i])
                beyond.push_back(graph.revision(static_cast<int>(i)).id);
            if (current[i] && choice.applied[i])
                ++result.already;
        }
        if (!beyond.empty())
            throw input_error("the trellis ledger already records {}, which {} does not: this database was taken "
                              "over before; `trellis current` shows where it is",
                              text::join(beyond, ", "), table);
        if (options.drop_alembic_version)
            choice.also.push_back("DROP TABLE " + table);
        return choice;
    });
    result.stamped = std::move(stamped.added);
    result.graph = std::move(stamped.graph);
    return result;
}

} // namespace trellis
