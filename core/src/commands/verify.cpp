#include "commands/verify.hpp"

#include "commands/compare.hpp"
#include "commands/lifecycle.hpp"
#include "commands/migrate.hpp"
#include "commands/ownership.hpp"
#include "db/database.hpp"
#include "graph/planner.hpp"
#include "lint/lint.hpp"
#include "plugin/loader.hpp"
#include "revision/sql_split.hpp"
#include "schema/diff.hpp"
#include "schema/reflect.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>
#include <random>
#include <set>
#include <unistd.h>

namespace trellis {

namespace {

// One scratch database, made for the check and removed with the object: a SQLite file in a
// temporary directory, or a database created (and dropped) on a PostgreSQL server.
class Scratch {
public:
    Scratch(const DatabaseUrl& base, const std::filesystem::path& directory, int number, int lock_timeout)
        : m_base(base) {
        auto url = base;
        if (base.dialect == Dialect::sqlite) {
            url.path = directory / fmt::format("verify_{}.db", number);
        } else {
            url.database = fmt::format("trellis_verify_{}_{}", ::getpid(), number);
            admin().execute(fmt::format("DROP DATABASE IF EXISTS {}", url.database));
            admin().execute(fmt::format("CREATE DATABASE {}", url.database));
            m_created = url.database;
        }
        m_db = connect(url, OpenMode::read_write, lock_timeout);
        // A scratch file is thrown away: it need not survive a power cut, and each revision's
        // commit would otherwise wait for the disk.
        if (base.dialect == Dialect::sqlite)
            m_db->execute("PRAGMA synchronous = OFF");
    }
    ~Scratch() {
        m_db.reset();
        if (m_created.empty())
            return;
        try {
            admin().execute(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", m_created));
        } catch (...) {
            // A leftover scratch database is named trellis_verify_*: harmless, and easy to find.
        }
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    Database& db() { return *m_db; }

private:
    Database& admin() {
        if (!m_admin)
            m_admin = connect(m_base, OpenMode::read_write, 10);
        return *m_admin;
    }
    DatabaseUrl m_base;
    std::unique_ptr<Database> m_admin;
    std::unique_ptr<Database> m_db;
    std::string m_created;
};

// What `operations` (from `expected` to the actual schema) say differs, one readable line each.
std::vector<std::string> differences(const std::vector<Operation>& operations) {
    std::vector<std::string> lines;
    for (const auto& op : operations) {
        auto kind = std::string(op.code());
        auto prefix = kind.starts_with("add_") || kind.starts_with("create_") ? "missing: "
                      : kind.starts_with("drop_")                             ? "unexpected: "
                                                                              : "differs: ";
        lines.push_back(prefix + op.describe());
    }
    return lines;
}

std::vector<std::string> differences(const Schema& expected, const Schema& actual) {
    return differences(diff(expected, actual, UnownedTables::drop));
}

class Verifier {
public:
    Verifier(Context& context, const VerifyOptions& options)
        : m_context(context)
        , m_graph(context.graph())
        , m_options(options) {
        auto source = options.scratch_url
                          ? *options.scratch_url
                          : context.config().scratch_url.value_or(context.has_url() ? context.url() : "sqlite:///x.db");
        m_base = parse_url(source, context.config().directory);
        m_base.schema.clear(); // scratch databases are new: their own default schema, not a tenant's
        m_directory = std::filesystem::temp_directory_path() / fmt::format("trellis_verify_{}", ::getpid());
        std::filesystem::create_directories(m_directory);
        m_ledger = context.version_table();
    }
    ~Verifier() {
        std::error_code error;
        std::filesystem::remove_all(m_directory, error);
    }

    VerifyReport run() {
        // lint, the models, the default order, the other orders, each revision's roundtrip, and
        // the models' downgrade.
        m_steps = 3 + 1 + static_cast<std::size_t>(m_options.random_orders) + m_graph.order().size() + 1;
        heads();
        step("lint every revision");
        lint();
        step("the models on a scratch database");
        auto models = models_schema();
        step("upgrade heads from empty, default order");
        auto upgraded = upgrade_in_default_order();
        if (upgraded) {
            compare_with_models(models, *upgraded);
            other_orders(*upgraded);
            roundtrip();
            models_downgrade();
        }
        return std::move(m_report);
    }

private:
    std::unique_ptr<Scratch> scratch() {
        return std::make_unique<Scratch>(m_base, m_directory, m_next++, m_context.lock_timeout());
    }

    Schema reflect_all(Database& db) { return reflect(db, m_ledger, m_context.config().exclude_tables); }

    void step(std::string what) {
        if (m_options.progress)
            m_options.progress({++m_step, m_steps, std::move(what)});
    }

    void finding(std::string check, std::string revision, std::string message, std::vector<std::string> details = {}) {
        m_report.findings.push_back({std::move(check), std::move(revision), std::move(message), std::move(details)});
    }

    void heads() {
        for (const auto& branch : m_graph.branches()) {
            if (branch.heads.size() <= 1)
                continue;
            std::vector<std::string> ids;
            for (int h : branch.heads)
                ids.push_back(m_graph.revision(h).id);
            finding("heads", "",
                    fmt::format("branch `{}` has {} heads ({}): run `trellis merge {}@heads -m MESSAGE`",
                                branch.label(), ids.size(), text::join(ids, ", "), branch.label()));
        }
    }

    // Lint findings count: a reviewed statement says so with `-- trellis:nolint CODE`. The `type`
    // family (char(n)) is advice about what the models chose, which a revision written from those
    // models cannot help: `lint` shows it, verify does not fail on it.
    void lint() {
        for (const auto& f : lint_revisions(m_graph, m_graph.order()))
            if (f.family != "type")
                finding("lint", f.revision,
                        fmt::format("{}:{}: {} {}{}", files::display(f.path), f.line, f.code, f.message,
                                    f.dialect.empty() ? "" : " (" + f.dialect + ")"),
                        {"hint: " + f.hint});
    }

    // The models, made real on a scratch database and read back, so both sides of the comparison
    // went through the database's own normalisation.
    Schema models_schema() {
        auto s = scratch();
        execute_all(s->db(), models_sql(model_schema(m_context), s->db().kind()),
                    "creating the models' tables on a scratch database");
        return reflect_all(s->db());
    }

    // A database made from the models (reset-db, prepare) must go down like one the revisions
    // built: each branch to its base (`<label>@base`, which takes what depends on it down first)
    // and up again, leaves of the plugin tree first, up to an irreversible revision. One scratch
    // database while that works; after a failure a fresh one, so every branch that fails is named.
    void models_downgrade() {
        step("a database made from the models, each branch down to its base and up");
        std::unique_ptr<Scratch> s;
        const auto& branches = m_graph.branches();
        for (auto b = branches.rbegin(); b != branches.rend(); ++b) {
            if (!s && !(s = models_database()))
                return;
            if (!down_and_up(s->db(), b->label()))
                s.reset();
        }
    }

    std::unique_ptr<Scratch> models_database() {
        auto s = scratch();
        try {
            build_from_models(m_context, s->db());
        } catch (const Error& e) {
            finding("models", "", "a database cannot be made from the models as reset-db makes it", {e.what()});
            return nullptr;
        }
        m_models_applied.assign(m_graph.size(), true);
        return s;
    }

    // False when a revision failed (the database is then left as it is).
    bool down_and_up(Database& db, const std::string& label) {
        auto& applied = m_models_applied;
        for (int i : plan_downgrade(m_graph, label + "@base", applied).steps) {
            const auto& r = m_graph.revision(i);
            if (r.irreversible())
                break;
            if (!run_one(db, Direction::downgrade, i,
                         fmt::format("a database made from the models (reset-db, prepare) cannot downgrade `{}` to "
                                     "its base: the downgrade of {}{} fails",
                                     label, r.id, branch_note(i, label))))
                return false;
            applied[i] = false;
        }
        for (int i : plan_upgrade(m_graph, {"heads"}, applied).steps) {
            if (!run_one(db, Direction::upgrade, i,
                         fmt::format("a database made from the models, after `downgrade {}@base`, cannot upgrade "
                                     "again: the upgrade of {}{} fails",
                                     label, m_graph.revision(i).id, branch_note(i, label))))
                return false;
            applied[i] = true;
        }
        return true;
    }

    // ` (branch `panels`)` when the revision is another branch's than the one going down.
    std::string branch_note(int i, const std::string& label) const {
        const auto& branch = m_graph.branch(m_graph.branch_of(i)).label();
        return branch == label ? "" : fmt::format(" (branch `{}`)", branch);
    }

    // A revision that fails again when a branch it depends on goes down is named once.
    bool run_one(Database& db, Direction direction, int i, const std::string& message) {
        try {
            run_plan(m_context, db, direction, {direction, {i}});
            return true;
        } catch (const Error& e) {
            if (m_models_failed.insert({i, direction == Direction::downgrade}).second)
                finding("models-downgrade", m_graph.revision(i).id, message, {e.what()});
            return false;
        }
    }

    std::optional<Schema> upgrade(const std::vector<int>& order, const std::string& name) {
        auto s = scratch();
        try {
            run_plan(m_context, s->db(), Direction::upgrade, {Direction::upgrade, order});
        } catch (const Error& e) {
            finding("order", "", fmt::format("upgrade heads from empty fails in the {} order", name), {e.what()});
            return std::nullopt;
        }
        return reflect_all(s->db());
    }

    std::optional<Schema> upgrade_in_default_order() { return upgrade(m_graph.order(), "default"); }

    void compare_with_models(const Schema& models, const Schema& upgraded) {
        // What branches without models own cannot be compared with models: the rule of `check`.
        auto operations = diff(models, upgraded, UnownedTables::drop);
        std::vector<Kept> kept;
        std::vector<std::string> unowned;
        Ownership(m_graph, m_context.plugins()).leave_alone(operations, kept, unowned);
        for (const auto& table : unowned)
            operations.push_back({OpKind::drop_table, table, "", {}, {}, table, true, ""});
        auto lines = differences(operations);
        if (!lines.empty())
            finding("models", "", "the schema `upgrade heads` builds differs from the models", lines);
    }

    void other_orders(const Schema& reference) {
        // Graph::sort with other tie-breaks: the default one reversed, then random ranks.
        std::vector<int> rank(m_graph.size());
        for (std::size_t k = 0; k < m_graph.order().size(); ++k)
            rank[m_graph.order()[k]] = -static_cast<int>(k);
        std::vector<std::pair<std::string, std::vector<int>>> orders;
        orders.emplace_back("reversed tie-break", m_graph.sort(m_graph.order(), rank));
        std::mt19937 random(m_options.seed);
        std::iota(rank.begin(), rank.end(), 0);
        for (int k = 0; k < m_options.random_orders; ++k) {
            std::shuffle(rank.begin(), rank.end(), random);
            orders.emplace_back(fmt::format("random (seed {}, #{})", m_options.seed, k + 1),
                                m_graph.sort(m_graph.order(), rank));
        }
        std::vector<std::vector<int>> tried{m_graph.order()};
        for (const auto& [name, order] : orders) {
            step(fmt::format("upgrade heads from empty, {} order", name));
            if (std::find(tried.begin(), tried.end(), order) != tried.end())
                continue;
            tried.push_back(order);
            ++m_report.orders_tried;
            auto schema = upgrade(order, name);
            if (!schema)
                continue;
            auto lines = differences(reference, *schema);
            if (!lines.empty())
                finding("order", "", fmt::format("the {} order builds another schema than the default order", name),
                        lines);
        }
    }

    void roundtrip() {
        auto s = scratch();
        auto& db = s->db();
        for (int i : m_graph.order()) {
            const auto& r = m_graph.revision(i);
            step(fmt::format("upgrade, downgrade, upgrade {} ({}) {}", r.id,
                             m_graph.branch(m_graph.branch_of(i)).label(), r.message));
            Plan one{Direction::upgrade, {i}};
            try {
                auto before = reflect_all(db);
                run_plan(m_context, db, Direction::upgrade, one);
                if (r.irreversible()) {
                    ++m_report.revisions_roundtripped;
                    continue;
                }
                auto after = reflect_all(db);
                run_plan(m_context, db, Direction::downgrade, {Direction::downgrade, {i}});
                auto lines = differences(before, reflect_all(db));
                if (!lines.empty())
                    finding("roundtrip", r.id, "its downgrade does not restore the schema it found", lines);
                run_plan(m_context, db, Direction::upgrade, one);
                lines = differences(after, reflect_all(db));
                if (!lines.empty())
                    finding("roundtrip", r.id, "upgrading again after its downgrade builds another schema", lines);
                ++m_report.revisions_roundtripped;
            } catch (const Error& e) {
                finding("roundtrip", r.id, "upgrade, downgrade, upgrade failed", {e.what()});
                return; // the scratch database is in no known state any more
            }
        }
    }

    Context& m_context;
    const Graph& m_graph;
    VerifyOptions m_options;
    DatabaseUrl m_base;
    std::filesystem::path m_directory;
    std::string m_ledger;
    int m_next = 0;
    AppliedSet m_models_applied;                    // what the scratch database made from the models has applied
    std::set<std::pair<int, bool>> m_models_failed; // revision, downgrade: named already
    std::size_t m_step = 0, m_steps = 0;
    VerifyReport m_report;
};

} // namespace

VerifyReport verify(Context& context, const VerifyOptions& options) {
    return Verifier(context, options).run();
}

} // namespace trellis
