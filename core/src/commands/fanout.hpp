// Many databases at once (SPEC.md, "Several databases at once"): the list of targets, its shard,
// and a run of the command on each database within bounds (jobs in all, jobs per server), with a
// canary and a failure budget, by a pool of worker processes (commands/fanout_worker.hpp). Each
// database is an ordinary single-database run, with its own lock and ledger, so a fan-out is
// exactly N single runs and a rerun does only what is left.
//
// Not thread-safe: one fan-out per process. Workers get each URL through a pipe, never on their
// command line, where `ps` would show its password.
#pragma once

#include "commands/context.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trellis {

struct FanoutTarget {
    std::string name;   // the config's (or catalog's) name, else the URL with its password masked
    std::string url;    // as given (holds the password: never print it)
    std::string server; // where its jobs count: `host:port`, or `local` for SQLite files
};

struct Shard {
    int index = 1; // 1-based
    int count = 1;
};

// `I/N` with 1 <= I <= N; an input error otherwise.
Shard parse_shard(const std::string& text);

// The databases to act on: each `--url` given, then, with `all`, the config's `[databases]`
// entries, the lines of its `databases_file` and the rows of its `catalog_query` (run on
// `catalog_url`; names go into `tenant_url` when it is set). Duplicates (the same URL twice)
// are kept once; an empty list is an input error.
std::vector<FanoutTarget> fanout_targets(Context& context, const std::vector<std::string>& urls, bool all);

// The targets of shard `shard`: a database belongs to shard hash(name) mod N, so the N shards
// cover the list exactly once and a database keeps its shard when others are added.
std::vector<FanoutTarget> shard_of(const std::vector<FanoutTarget>& targets, Shard shard);

struct FanoutOptions {
    int jobs = 0;            // at most this many at once; 0: servers x jobs_per_server
    int jobs_per_server = 2; // at most this many at once on one server (SQLite files: the cores)
    int canary = 0;          // the first K targets run alone first; any failure stops the run
    int max_failures = 1;    // after F failures no new database starts (running ones finish)
};

struct FanoutResult {
    enum class State { done, findings, failed, not_started };
    const FanoutTarget* target = nullptr;
    State state = State::not_started;
    int exit_code = -1;
    std::string out, err; // the child's stdout (JSON) and stderr
    std::chrono::milliseconds took{0};
};

struct FanoutProgress {
    std::size_t done = 0, running = 0, failed = 0, left = 0;
    std::chrono::milliseconds elapsed{0};
};

// Runs `child_args` (trellis's arguments after the program name, without any URL) once per
// target, in list order within the bounds, at most `jobs` worker processes at once. `progress` is called whenever a
// database starts or ends. Returns one result per target, in list order. SIGINT/SIGTERM stop new starts; the running
// children, which got the signal too, finish or cancel on their own.
std::vector<FanoutResult> fan_out(const std::vector<FanoutTarget>& targets, const std::vector<std::string>& child_args,
                                  const FanoutOptions& options,
                                  const std::function<void(const FanoutProgress&)>& progress);

} // namespace trellis
