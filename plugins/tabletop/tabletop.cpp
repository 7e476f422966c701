// tabletop — the board game lending library and the tournaments run in the tabletop room.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

Table tabletop_game() {
    return {
        .name = "tabletop_game",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "code", .type = types::varchar(16), .nullable = false},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "attendee_id", .type = types::integer(), .nullable = false},
                {.name = "returned", .type = types::boolean(), .nullable = false, .server_default = "false"},
                {.name = "publisher", .type = types::varchar(255), .nullable = false, .server_default = "''"},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_tabletop_game_code", .columns = {"code"}}},
        .indexes = {{.name = "ix_tabletop_game_name", .columns = {"name"}}},
        .foreign_keys = {{.name = "fk_tabletop_game_attendee_id",
                          .columns = {"attendee_id"},
                          .referred_table = "attendee",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::cascade}},
    };
}

Table tabletop_checkout() {
    return {
        .name = "tabletop_checkout",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "game_id", .type = types::integer(), .nullable = false},
                {.name = "attendee_id", .type = types::integer(), .nullable = false},
                {.name = "checked_out",
                 .type = types::timestamp(),
                 .nullable = false,
                 .server_default = "CURRENT_TIMESTAMP"},
                {.name = "returned", .type = types::timestamp()},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_tabletop_checkout_game_id", .columns = {"game_id"}}},
        .foreign_keys =
            {
                {.name = "fk_tabletop_checkout_game_id",
                 .columns = {"game_id"},
                 .referred_table = "tabletop_game",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_tabletop_checkout_attendee_id",
                 .columns = {"attendee_id"},
                 .referred_table = "attendee",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
            },
    };
}

Table tabletop_tournament() {
    return {
        .name = "tabletop_tournament",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "panel_id", .type = types::integer()},
                {.name = "start_date", .type = types::date()},
                {.name = "start_time", .type = types::time()},
                {.name = "max_players", .type = types::smallint(), .nullable = false, .server_default = "16"},
                {.name = "prize_pool", .type = types::real()},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_tabletop_tournament_panel_id", .columns = {"panel_id"}}},
        .foreign_keys = {{.name = "fk_tabletop_tournament_panel_id",
                          .columns = {"panel_id"},
                          .referred_table = "panel_application",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::set_null}},
        .checks = {{.name = "ck_tabletop_tournament_max_players", .expression = "max_players >= 2"}},
    };
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {tabletop_game(), tabletop_checkout(), tabletop_tournament()};
}

} // namespace

TRELLIS_PLUGIN(describe)
