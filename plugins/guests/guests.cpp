// guests — bands, panelists and industry guests: each is an uber group with guest details, and
// may present a panel through the panels plugin.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

Table guest_group() {
    return {
        .name = "guest_group",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "group_id", .type = types::integer(), .nullable = false},
                {.name = "group_type", .type = types::varchar(32), .nullable = false, .server_default = "'guest'"},
                {.name = "num_hotel_rooms", .type = types::smallint(), .nullable = false, .server_default = "0"},
                {.name = "wants_mc", .type = types::boolean()},
                {.name = "bio", .type = types::text(), .nullable = false, .server_default = "''"},
                {.name = "website", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "honorarium", .type = types::numeric(8, 2)},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_guest_group_group_id", .columns = {"group_id"}}},
        .foreign_keys = {{.name = "fk_guest_group_group_id",
                          .columns = {"group_id"},
                          .referred_table = "attendee_group",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::cascade}},
        .checks = {{.name = "ck_guest_group_num_hotel_rooms", .expression = "num_hotel_rooms >= 0"}},
    };
}

Table guest_panel() {
    return {
        .name = "guest_panel",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "guest_group_id", .type = types::integer(), .nullable = false},
                {.name = "application_id", .type = types::integer()},
                {.name = "wants_panel", .type = types::varchar(32), .nullable = false, .server_default = "''"},
                {.name = "tech_needs", .type = types::text(), .nullable = false, .server_default = "''"},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_guest_panel_guest_group_id", .columns = {"guest_group_id"}}},
        .indexes = {{.name = "ix_guest_panel_application_id", .columns = {"application_id"}}},
        .foreign_keys =
            {
                {.name = "fk_guest_panel_guest_group_id",
                 .columns = {"guest_group_id"},
                 .referred_table = "guest_group",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_guest_panel_application_id",
                 .columns = {"application_id"},
                 .referred_table = "panel_application",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::set_null},
            },
    };
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {guest_group(), guest_panel()};
}

} // namespace

TRELLIS_PLUGIN(describe)
