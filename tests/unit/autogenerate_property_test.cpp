// Autogenerate against random model changes, on SQLite and on PostgreSQL. Each round of a seeded
// sequence inserts rows, changes the models of json_models and json_models_child
// (tests/unit/random_models.hpp), and then:
//   - `revision --autogenerate --all-plugins` writes a revision per plugin with changes, each
//     change in its owner's branch, and `upgrade` applies them;
//   - `check` finds nothing left to do;
//   - `downgrade <branch>@-1`, for each revision written, gives back the schema of the round
//     before, exactly as the database's catalog shows it;
//   - rows survive in every column the round did not touch, after the upgrade and the downgrade;
//   - `upgrade` applies the revisions again, for the next round to start from.
// Every other sequence also runs its revisions on a database of the other dialect (a revision
// written against SQLite carries the PostgreSQL section too), where `check` must be clean as well.
// A failure names the dialect, the seed, the round, the changes, the revision and the output;
// TRELLIS_PROPERTY_SEEDS, TRELLIS_PROPERTY_ROUNDS, TRELLIS_PROPERTY_MIRROR and
// TRELLIS_PROPERTY_KEEP replay a sequence and keep its project.
#include "model_project.hpp"
#include "project.hpp"
#include "random_models.hpp"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <memory>
#include <set>
#include <sstream>

using namespace trellis;
using namespace trellis::test;

namespace {

using Columns = std::map<std::string, std::vector<std::string>>;

bool same_type(const ColumnType& a, const ColumnType& b) {
    return a.kind == b.kind && a.length == b.length && a.precision == b.precision && a.scale == b.scale;
}

// The columns whose values a round must keep: in a table both models have, with the same type
// and nullability in both (a changed type converts values, NOT NULL fills the NULLs).
Columns untouched(const std::vector<Table>& before, const std::vector<Table>& after) {
    Columns out;
    for (const auto& b : before)
        for (const auto& a : after) {
            if (a.name != b.name)
                continue;
            auto& columns = out[a.name];
            for (const auto& cb : b.columns)
                for (const auto& ca : a.columns)
                    if (ca.name == cb.name && ca.name != "id" && same_type(ca.type, cb.type) &&
                        ca.nullable == cb.nullable)
                        columns.push_back(ca.name);
        }
    return out;
}

// The names a plugin's models own (columns but `id`, indexes, keys, checks; the child's tables).
std::set<std::string> owned_names(const Models& models, bool with_tables) {
    std::set<std::string> out;
    auto add = [&](const std::vector<Column>& columns, const std::vector<Index>& indexes,
                   const std::vector<ForeignKey>& keys) {
        for (const auto& c : columns)
            if (c.name != "id")
                out.insert(c.name);
        for (const auto& i : indexes)
            out.insert(i.name);
        for (const auto& f : keys)
            out.insert(f.name);
    };
    for (const auto& t : models.tables) {
        add(t.columns, t.indexes, t.foreign_keys);
        for (const auto& u : t.uniques)
            out.insert(u.name);
        for (const auto& c : t.checks)
            out.insert(c.name);
        if (with_tables)
            out.insert(t.name);
    }
    for (const auto& e : models.extensions)
        add(e.columns, e.indexes, e.foreign_keys);
    return out;
}

// The first of `names` that `text` has as a whole word, or empty.
std::string mentioned(const std::string& text, const std::set<std::string>& names) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (const auto& name : names)
        for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at + 1))
            if ((at == 0 || !word(text[at - 1])) && (at + name.size() == text.size() || !word(text[at + name.size()])))
                return name;
    return "";
}

// One seeded sequence of rounds on a fresh database; false (after reporting) on the first failure.
class Sequence {
public:
    // `mirrored`: the revisions also run on a database of the other dialect, which `check` must
    // find clean too: a revision written against one database holds both dialects' sections.
    Sequence(const std::string& dialect, std::uint64_t seed, bool mirrored)
        : m_project(dialect)
        , m_models(seed, dialect, mirrored)
        , m_seed(seed) {
        if (!mirrored)
            return;
        if (dialect == "sqlite") {
            m_mirror_database = std::make_unique<PostgresDatabase>();
            m_mirror = m_mirror_database->url();
        } else {
            m_mirror = "sqlite:///" + (m_project.dir() / "mirror.db").string();
        }
    }

    bool run(int rounds) {
        for (m_round = 1; m_round <= rounds; ++m_round)
            if (!round())
                return false;
        return true;
    }

private:
    bool round() {
        auto inserts = m_models.insert_rows();
        auto before = m_models.tables();
        m_parent_owns = owned_names(m_models.models(), false);
        m_child_owns = owned_names(m_models.child_models(), true);
        m_changes = m_models.mutate();
        m_parent_owns.merge(owned_names(m_models.models(), false));
        m_child_owns.merge(owned_names(m_models.child_models(), true));
        for (const auto& change : m_changes)
            m_history.push_back(fmt::format("{}: {}", m_round, change));
        auto kept = untouched(before, m_models.tables());
        auto start = m_project.snapshot(kept, inserts);

        m_project.set_models(m_models.models());
        m_project.set_child_models(m_models.child_models());
        std::vector<std::string> branches;
        if (!write(branches))
            return false;
        if (branches.empty()) {
            // A change the database cannot show (a unique constraint on the primary key).
            auto check = m_project.run({"check"});
            return check.exit_code == 0 || fail("nothing written, yet `check` finds differences", check);
        }
        return upgrade(kept, start) && downgrade(branches, kept, start) &&
               succeeded(m_project.run({"upgrade"}), "upgrade after the downgrade");
    }

    // `revision --autogenerate --all-plugins`; the branches that got a revision, in order.
    bool write(std::vector<std::string>& branches) {
        m_revision.clear();
        auto written =
            m_project.run({"revision", "--autogenerate", "--all-plugins", "-m", fmt::format("round {}", m_round)});
        if (!succeeded(written, "revision --autogenerate"))
            return false;
        std::string foreign;
        for (const auto& path : lines(written.out)) {
            auto text = read_file(m_project.dir() / path);
            m_revision += fmt::format("{}:\n{}", path, text);
            bool child = path.find("json_models_child") != std::string::npos;
            branches.push_back(child ? "json_models_child" : "json_models");
            // Each change in its owner's branch (PostgreSQL's sections name only what they change).
            auto postgresql = revision_section(text, "upgrade", "postgresql");
            if (auto name = mentioned(postgresql, child ? m_parent_owns : m_child_owns); !name.empty())
                foreign = fmt::format("{}'s revision changes `{}`, which the other plugin owns", branches.back(), name);
        }
        return foreign.empty() || fail(foreign, written);
    }

    bool upgrade(const Columns& kept, const ModelProject::Snapshot& start) {
        if (!succeeded(m_project.run({"upgrade"}), "upgrade"))
            return false;
        if (!m_mirror.empty()) {
            if (!succeeded(m_project.run_on(m_mirror, {"upgrade"}), "upgrade on the mirror"))
                return false;
            auto mirrored = m_project.run_on(m_mirror, {"check"});
            if (mirrored.exit_code != 0)
                return fail("`check` on the mirror is not clean", mirrored);
        }
        auto check = m_project.run({"check"});
        if (check.exit_code != 0)
            return fail("`check` after the upgrade is not clean", check);
        auto upgraded = m_project.snapshot(kept);
        return upgraded.rows == start.rows ||
               fail("the upgrade changed rows in untouched columns", {}, start.rows, upgraded.rows);
    }

    // Each branch back by the revision it got, the last written first.
    bool downgrade(const std::vector<std::string>& branches, const Columns& kept, const ModelProject::Snapshot& start) {
        for (auto it = branches.rbegin(); it != branches.rend(); ++it) {
            auto target = *it + "@-1";
            if (!succeeded(m_project.run({"downgrade", target}), "downgrade " + target))
                return false;
            if (!m_mirror.empty() &&
                !succeeded(m_project.run_on(m_mirror, {"downgrade", target}), "downgrade on the mirror"))
                return false;
        }
        if (!m_mirror.empty() && !succeeded(m_project.run_on(m_mirror, {"upgrade"}), "upgrade on the mirror"))
            return false;
        auto downgraded = m_project.snapshot(kept);
        if (downgraded.schema != start.schema)
            return fail("the downgrade did not restore the schema", {}, {{"before", {start.schema}}},
                        {{"after downgrade", {downgraded.schema}}});
        return downgraded.rows == start.rows ||
               fail("the downgrade changed rows in untouched columns", {}, start.rows, downgraded.rows);
    }

    bool succeeded(const Result& r, const std::string& command) {
        return r.exit_code == 0 || fail(fmt::format("`{}` exited {}", command, r.exit_code), r);
    }

    bool fail(const std::string& what, const Result& r, const Columns& expected = {}, const Columns& got = {}) {
        std::string detail;
        for (const auto& [name, rows] : expected)
            detail += fmt::format("expected {}:\n  {}\n", name, fmt::join(rows, "\n  "));
        for (const auto& [name, rows] : got)
            detail += fmt::format("got {}:\n  {}\n", name, fmt::join(rows, "\n  "));
        FAIL_CHECK(fmt::format("{} ({} seed {} round {})\nchanges:\n  {}\nrevision:\n{}\nstdout:\n{}\nstderr:\n{}\n{}"
                               "every change so far:\n  {}\n",
                               what, m_project.dialect(), m_seed, m_round, fmt::join(m_changes, "\n  "), m_revision,
                               r.out, r.err, detail, fmt::join(m_history, "\n  ")));
        // TRELLIS_PROPERTY_KEEP=1 keeps the project (revisions, SQLite file) to look at.
        if (std::getenv("TRELLIS_PROPERTY_KEEP")) {
            auto kept = std::filesystem::temp_directory_path() /
                        fmt::format("trellis_property_{}_{}_{}", m_project.dialect(), m_seed, m_round);
            std::filesystem::remove_all(kept);
            std::filesystem::copy(m_project.dir(), kept, std::filesystem::copy_options::recursive);
            MESSAGE("project kept in " << kept.string());
        }
        return false;
    }

    ModelProject m_project;
    std::unique_ptr<PostgresDatabase> m_mirror_database;
    std::string m_mirror; // the other dialect's database, or empty
    RandomModels m_models;
    std::uint64_t m_seed;
    int m_round = 0;
    std::vector<std::string> m_changes, m_history;
    std::set<std::string> m_parent_owns, m_child_owns; // names each plugin owns, before or after the round
    std::string m_revision;
};

// TRELLIS_PROPERTY_SEEDS=a,b,... and TRELLIS_PROPERTY_ROUNDS=n replay chosen sequences.
std::vector<std::uint64_t> seeds(std::vector<std::uint64_t> fixed) {
    if (const char* list = std::getenv("TRELLIS_PROPERTY_SEEDS")) {
        fixed.clear();
        std::istringstream in(list);
        for (std::string seed; std::getline(in, seed, ',');)
            if (!seed.empty())
                fixed.push_back(std::stoull(seed));
    }
    return fixed;
}

int rounds(int fixed) {
    const char* n = std::getenv("TRELLIS_PROPERTY_ROUNDS");
    return n ? std::atoi(n) : fixed;
}

} // namespace

TEST_SUITE("autogenerate") {
    TEST_CASE("autogenerate properties: upgrade, check clean, downgrade restores the schema, rows survive") {
        for (const auto& dialect : k_dialects) {
            SUBCASE(dialect.c_str()) {
                auto started = std::chrono::steady_clock::now();
                int total = 0;
                // Every other sequence also runs its revisions on a database of the other dialect.
                bool mirrored = false;
                for (auto seed : seeds({11, 23, 37, 41, 53, 67, 79, 83})) {
                    mirrored = std::getenv("TRELLIS_PROPERTY_MIRROR") != nullptr || !mirrored;
                    Sequence sequence(dialect, seed, mirrored);
                    int n = rounds(30);
                    sequence.run(n);
                    total += n;
                }
                auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                MESSAGE(fmt::format("{}: {} rounds in {:.1f} s", dialect, total, seconds));
            }
        }
    }
}
