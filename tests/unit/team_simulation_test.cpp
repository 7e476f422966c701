// A team over time. Revisions added to different plugins in random interleavings with
// `revision --plugin P`, and on each history a fresh database upgraded to heads runs every
// revision after everything it was written against (SPEC.md, "Plugins": a revision records the
// state it was written against). Seeded, hundreds of runs, through the library as the CLI uses it.
#include "commands/authoring.hpp"
#include "commands/context.hpp"
#include "commands/migrate.hpp"
#include "demo_project.hpp"
#include "project.hpp"
#include "support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>

using namespace trellis;
using namespace trellis::test;

namespace {

// The demo's plugin tree.
const std::vector<std::pair<std::string, std::string>> k_plugins = {{"uber", ""},         {"panels", "uber"},
                                                                    {"guests", "panels"}, {"tabletop", "panels"},
                                                                    {"magprime", "uber"}, {"mivs", "uber"}};

std::set<std::string> ancestors_and_self(const std::string& plugin) {
    std::set<std::string> out{plugin};
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& [name, parent] : k_plugins)
            if (out.count(name) && !parent.empty() && out.insert(parent).second)
                grew = true;
    }
    return out;
}

// Every revision logs itself when it runs, so the run order can be read back.
void fill_upgrade(const std::filesystem::path& file, const std::string& id) {
    auto text = read_file(file);
    auto marker = text.find("-- +upgrade\n");
    REQUIRE(marker != std::string::npos);
    text.insert(marker + 12,
                fmt::format("CREATE TABLE IF NOT EXISTS run_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT);\n"
                            "INSERT INTO run_log (id) VALUES ('{}');\n",
                            id));
    write_file(file, text);
}

} // namespace

TEST_CASE(
    "a team writing revisions in random interleavings: a fresh upgrade runs each after what it was written against") {
    constexpr int k_runs = 200;
    constexpr int k_revisions = 14;
    for (int run = 0; run < k_runs; ++run) {
        CAPTURE(run);
        std::mt19937 random(1000 + run);
        TempDir dir;
        // The order is under test, not durability: in memory where the machine allows, no fsync.
        auto database = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") / dir.path().filename()
                                                            : dir.path();
        std::filesystem::create_directories(database);
        auto cleanup = std::unique_ptr<void, std::function<void(void*)>>(
            reinterpret_cast<void*>(1), [&](void*) { std::filesystem::remove_all(database); });
        std::string config = fmt::format("url = sqlite:///{}\n", (database / "fresh.db").string());
        for (const auto& [name, parent] : k_plugins)
            config += fmt::format("\n[plugin.{}]\nversion_path = {}/versions\n{}", name, name,
                                  parent.empty() ? "" : "depends = " + parent + "\n");
        write_file(dir / "trellis.ini", config);

        // written_against[R]: every revision of R's plugin and of the plugins it depends on that
        // existed when R was written.
        std::map<std::string, std::set<std::string>> written_against;
        std::map<std::string, std::string> plugin_of;
        for (int k = 0; k < k_revisions; ++k) {
            const auto& plugin = k_plugins[random() % k_plugins.size()].first;
            auto scope = ancestors_and_self(plugin);
            std::set<std::string> existing;
            for (const auto& [id, owner] : plugin_of)
                if (scope.count(owner))
                    existing.insert(id);
            GlobalOptions options;
            options.config = dir / "trellis.ini";
            Context context(options);
            RevisionRequest request;
            request.message = fmt::format("step {}", k);
            request.plugin = plugin;
            request.rev_id = fmt::format("r{:02}_{}", k, plugin);
            auto path = create_revision(context, request);
            fill_upgrade(path, *request.rev_id);
            written_against[*request.rev_id] = existing;
            plugin_of[*request.rev_id] = plugin;
        }

        GlobalOptions options;
        options.config = dir / "trellis.ini";
        Context context(options);
        auto migrated = migrate(context, Direction::upgrade, {"heads"}, {}, {});
        CHECK(migrated.plan.steps.size() == static_cast<std::size_t>(k_revisions));
        auto log = query("sqlite:///" + (database / "fresh.db").string(), "SELECT id FROM run_log ORDER BY seq");
        std::map<std::string, std::size_t> position;
        std::size_t at = 0;
        for (std::size_t start = 0; start < log.size();) {
            auto end = log.find('\n', start);
            position[log.substr(start, end - start)] = at++;
            start = end + 1;
        }
        REQUIRE(position.size() == static_cast<std::size_t>(k_revisions));
        for (const auto& [id, needed] : written_against)
            for (const auto& before : needed)
                CHECK_MESSAGE(position[before] < position[id],
                              id << " ran before " << before << ", which it was written against");
    }
}

// The plugin lifecycle over time, on the demo's real libraries: plugins installed, uninstalled
// (`downgrade P@base`), their libraries removed without a downgrade (gone), put back, the database
// reset, and autogenerate run, in a seeded random order. After every step: no column that held
// data disappears unless the step was the user's own downgrade or reset, autogenerate proposes
// nothing (the models match the revisions, whatever is gone), `check` agrees with the database;
// at the end, `verify` agrees too.
TEST_CASE("a team installing, uninstalling and removing plugins at random never loses another plugin's data") {
    constexpr int k_runs = 1;
    constexpr int k_steps = 12; // the deck below
    for (const auto& dialect : k_dialects) {
        for (int run = 0; run < k_runs; ++run) {
            CAPTURE(dialect);
            CAPTURE(run);
            std::mt19937 random(7000 + 10 * run + (dialect == "sqlite" ? 0 : 1));
            DemoProject demo(dialect);
            REQUIRE(demo.run({"upgrade"}).exit_code == 0);
            std::string history;
            auto before = demo.columns();
            // Each kind of step comes twice, in a random order; the first removal is magprime's,
            // whose columns sit on uber's attendee.
            std::vector<int> deck{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 1, 0};
            std::shuffle(deck.begin(), deck.end(), random);
            bool magprime_removed = false;
            for (int step = 0; step < k_steps; ++step) {
                // Data in the columns that are there now: an attendee per step, magprime's nights set.
                demo.sql(fmt::format("INSERT INTO attendee (id, first_name, last_name, email) VALUES ({}, 'a', 'b', "
                                     "'c'){}",
                                     step,
                                     before.count("attendee.nights") ? "; UPDATE attendee SET nights = 'fri'" : ""));
                // Uninstall and removal mostly pick a loaded plugin, installation one that is not.
                auto plugin = k_demo_plugins[1 + random() % (k_demo_plugins.size() - 1)].first;
                for (int tries = 0; tries < 4 && (demo.libraries().count(plugin) > 0) == (deck[step] == 2); ++tries)
                    plugin = k_demo_plugins[1 + random() % (k_demo_plugins.size() - 1)].first;
                if (deck[step] == 1 && !magprime_removed) {
                    plugin = "magprime", magprime_removed = true;
                    demo.install_library(plugin);
                    REQUIRE(demo.run({"upgrade"}).exit_code == 0);
                    demo.sql("UPDATE attendee SET nights = 'sat'");
                    before = demo.columns();
                }
                bool loaded = demo.libraries().count(plugin) > 0;
                bool drops_allowed = false;
                std::string action;
                switch (deck[step]) {
                case 0: {
                    action = "uninstall " + plugin;
                    auto down = demo.run({"downgrade", plugin + "@base"});
                    // A plugin neither loaded nor in the ledger is unknown: nothing to uninstall.
                    bool unknown = !loaded && contains(down.err, "unknown");
                    REQUIRE_MESSAGE((down.exit_code == 0 || unknown), history << down.err);
                    demo.remove_library(plugin);
                    drops_allowed = true;
                    break;
                }
                case 1:
                    action = "remove the library of " + plugin;
                    demo.remove_library(plugin);
                    break;
                case 2:
                    action = "install " + plugin;
                    demo.install_library(plugin);
                    REQUIRE(demo.run({"upgrade"}).exit_code == 0);
                    break;
                case 3:
                    action = "autogenerate";
                    break;
                default:
                    action = loaded ? "reset-db" : "upgrade";
                    drops_allowed = loaded;
                    REQUIRE(demo.run({loaded ? "reset-db" : "upgrade"}).exit_code == 0);
                }
                history += fmt::format("  {}: {}\n", step, action);
                CAPTURE(history);
                auto generated = demo.run({"revision", "--autogenerate", "--all-plugins", "-m", "step"});
                CHECK_MESSAGE(generated.out.empty(), "autogenerate wrote " << generated.out);
                auto check = demo.run({"check"});
                CHECK_MESSAGE(check.exit_code == 0, check.out);
                auto after = demo.columns();
                if (!drops_allowed)
                    for (const auto& column : before)
                        CHECK_MESSAGE(after.count(column), column << " was dropped");
                before = std::move(after);
            }
            if (run == k_runs - 1) {
                auto verified = demo.run({"verify"});
                CHECK_MESSAGE(verified.exit_code == 0, verified.out);
            }
        }
    }
}
