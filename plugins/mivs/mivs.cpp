// mivs — the MAGFest Indie Videogame Showcase: studios, their developers and games, the judges
// who review the games, and the screenshots studios upload.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

Table indie_studio() {
    return {
        .name = "indie_studio",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "group_id", .type = types::integer()},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "website", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "registered_at",
                 .type = types::timestamp(),
                 .nullable = false,
                 .server_default = "CURRENT_TIMESTAMP"},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_indie_studio_name", .columns = {"name"}}},
        .foreign_keys = {{.name = "fk_indie_studio_group_id",
                          .columns = {"group_id"},
                          .referred_table = "attendee_group",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::set_null}},
    };
}

Table indie_developer() {
    return {
        .name = "indie_developer",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "studio_id", .type = types::integer(), .nullable = false},
                {.name = "attendee_id", .type = types::integer()},
                {.name = "first_name", .type = types::varchar(255), .nullable = false},
                {.name = "last_name", .type = types::varchar(255), .nullable = false},
                {.name = "email", .type = types::varchar(255), .nullable = false},
                {.name = "gets_emails", .type = types::boolean(), .nullable = false, .server_default = "false"},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_indie_developer_studio_id", .columns = {"studio_id"}}},
        .foreign_keys =
            {
                {.name = "fk_indie_developer_studio_id",
                 .columns = {"studio_id"},
                 .referred_table = "indie_studio",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_indie_developer_attendee_id",
                 .columns = {"attendee_id"},
                 .referred_table = "attendee",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::set_null},
            },
    };
}

Table indie_game() {
    return {
        .name = "indie_game",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "studio_id", .type = types::integer(), .nullable = false},
                {.name = "public_id", .type = types::uuid(), .nullable = false},
                {.name = "title", .type = types::varchar(255), .nullable = false},
                {.name = "brief_description", .type = types::varchar(80), .nullable = false, .server_default = "''"},
                {.name = "link_to_game", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "release_date", .type = types::date()},
                {.name = "average_score", .type = types::double_precision()},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_indie_game_public_id", .columns = {"public_id"}}},
        .indexes = {{.name = "ix_indie_game_studio_id", .columns = {"studio_id"}}},
        .foreign_keys = {{.name = "fk_indie_game_studio_id",
                          .columns = {"studio_id"},
                          .referred_table = "indie_studio",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::cascade}},
    };
}

Table indie_judge() {
    return {
        .name = "indie_judge",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "attendee_id", .type = types::integer(), .nullable = false},
                {.name = "status", .type = types::varchar(32), .nullable = false, .server_default = "'uncontacted'"},
                {.name = "genres", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "no_game_submission", .type = types::boolean()},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_indie_judge_attendee_id", .columns = {"attendee_id"}}},
        .foreign_keys = {{.name = "fk_indie_judge_attendee_id",
                          .columns = {"attendee_id"},
                          .referred_table = "attendee",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::cascade}},
    };
}

Table indie_game_image() {
    return {
        .name = "indie_game_image",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "game_id", .type = types::integer(), .nullable = false},
                {.name = "filename", .type = types::varchar(255), .nullable = false},
                {.name = "content", .type = types::binary(), .nullable = false},
                {.name = "size_bytes", .type = types::bigint(), .nullable = false, .server_default = "0"},
                {.name = "is_screenshot", .type = types::boolean(), .nullable = false, .server_default = "true"},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_indie_game_image_game_id", .columns = {"game_id"}}},
        .foreign_keys = {{.name = "fk_indie_game_image_game_id",
                          .columns = {"game_id"},
                          .referred_table = "indie_game",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::cascade}},
    };
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {indie_studio(), indie_developer(), indie_game(), indie_judge(), indie_game_image()};
}

} // namespace

TRELLIS_PLUGIN(describe)
