// A plugin whose C++ steps end the transaction trellis runs their revision in, as a careless data
// migration might: `ends_transaction:commits` runs COMMIT, `ends_transaction:rolls_back` runs
// ROLLBACK. The revision must fail, and no ledger row may claim it ran. No revisions of its own.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

void commits(StepConnection& db) {
    db.execute("COMMIT");
}

void rolls_back(StepConnection& db) {
    db.execute("ROLLBACK");
}

void describe(PluginDescriptor& plugin) {
    plugin.steps.push_back({"commits", &commits});
    plugin.steps.push_back({"rolls_back", &rolls_back});
}

} // namespace

TRELLIS_PLUGIN(describe)
