// A well-formed plugin whose data migration fails: the step `step_throws:explode` writes a row,
// then throws. Its revision must roll back (the table it created, the row, no ledger row) while
// the revision before it stays applied.
#include <stdexcept>
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

void explode(StepConnection& db) {
    db.execute("INSERT INTO step_kept (id, note) VALUES (1, 'written by the failing step')");
    throw std::runtime_error("the badge printer caught fire");
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {{
        .name = "step_kept",
        .columns = {{.name = "id", .type = types::integer(), .nullable = false},
                    {.name = "note", .type = types::text()}},
        .primary_key = {"id"},
    }};
    plugin.steps.push_back({"explode", &explode});
}

} // namespace

TRELLIS_PLUGIN(describe)
