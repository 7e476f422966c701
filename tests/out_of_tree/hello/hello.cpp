// The smallest real plugin: one table, declared as a model and created by its one revision.
#include <trellis/plugin.hpp>

static void describe(trellis::PluginDescriptor& plugin) {
    using namespace trellis;
    plugin.models.tables.push_back(Table{.name = "greeting",
                                         .columns = {{.name = "id", .type = types::integer(), .nullable = false},
                                                     {.name = "text", .type = types::varchar(80), .nullable = false}},
                                         .primary_key = {"id"}});
}

TRELLIS_PLUGIN(describe)
