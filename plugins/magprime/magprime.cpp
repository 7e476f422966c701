// magprime — MAGFest's own additions: attendee details that only this event collects (declared
// as an extension of uber's attendee table, so they belong to this branch) and staff hotel rooms.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

// Columns on uber's `attendee`. uber's models do not mention them; a database without magprime
// has none of them.
TableExtension attendee_extension() {
    return {
        .table = "attendee",
        .columns =
            {
                {.name = "nights", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "shirt_size", .type = types::varchar(16)},
            },
        .indexes = {{.name = "ix_attendee_shirt_size", .columns = {"shirt_size"}}},
    };
}

Table hotel_request() {
    return {
        .name = "hotel_request",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "attendee_id", .type = types::integer(), .nullable = false},
                {.name = "nights", .type = types::varchar(255), .nullable = false, .server_default = "''"},
                {.name = "wanted_roommates", .type = types::text(), .nullable = false, .server_default = "''"},
                {.name = "special_needs", .type = types::text()},
                {.name = "approved", .type = types::boolean(), .nullable = false, .server_default = "false"},
                {.name = "department_id", .type = types::integer()},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_hotel_request_attendee_id", .columns = {"attendee_id"}}},
        .indexes = {{.name = "ix_hotel_request_department_id", .columns = {"department_id"}}},
        .foreign_keys =
            {
                {.name = "fk_hotel_request_attendee_id",
                 .columns = {"attendee_id"},
                 .referred_table = "attendee",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_hotel_request_department_id",
                 .columns = {"department_id"},
                 .referred_table = "department",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::set_null},
            },
    };
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {hotel_request()};
    plugin.models.extensions = {attendee_extension()};
}

} // namespace

TRELLIS_PLUGIN(describe)
