// uber — the core of the demo event: attendees, the groups they register in, and the departments
// staff work for. Every other demo plugin builds on these tables.
//
// The models describe the schema as it stands after the newest revision in versions/; `verify`
// checks that the two agree, so a change here comes with a revision there.
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

Table attendee_group() {
    return {
        .name = "attendee_group",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "table_count", .type = types::numeric(4, 1), .nullable = false, .server_default = "0"},
                {.name = "cost", .type = types::integer(), .nullable = false, .server_default = "0"},
                {.name = "created_at",
                 .type = types::timestamp(),
                 .nullable = false,
                 .server_default = "CURRENT_TIMESTAMP"},
                {.name = "status", .type = types::varchar(32), .nullable = false, .server_default = "'unapproved'"},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_attendee_group_status", .columns = {"status"}}},
    };
}

Table attendee() {
    // magprime adds its own columns to this table (see plugins/magprime); they are not listed here.
    return {
        .name = "attendee",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "first_name", .type = types::varchar(255), .nullable = false},
                {.name = "last_name", .type = types::varchar(255), .nullable = false},
                {.name = "email", .type = types::varchar(255), .nullable = false},
                {.name = "badge_num", .type = types::integer()},
                {.name = "badge_type", .type = types::varchar(32), .nullable = false, .server_default = "'attendee'"},
                {.name = "paid", .type = types::varchar(32), .nullable = false, .server_default = "'not_paid'"},
                {.name = "group_id", .type = types::integer()},
                {.name = "created_at",
                 .type = types::timestamp(),
                 .nullable = false,
                 .server_default = "CURRENT_TIMESTAMP"},
                {.name = "placeholder", .type = types::boolean(), .nullable = false, .server_default = "false"},
                {.name = "badge_printed_name", .type = types::varchar(20)},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_attendee_badge_num", .columns = {"badge_num"}}},
        .indexes =
            {
                {.name = "ix_attendee_last_name_first_name", .columns = {"last_name", "first_name"}},
                {.name = "ix_attendee_email", .columns = {"email"}},
            },
        .foreign_keys = {{.name = "fk_attendee_group_id",
                          .columns = {"group_id"},
                          .referred_table = "attendee_group",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::set_null}},
        .checks = {{.name = "ck_attendee_badge_num_positive", .expression = "badge_num IS NULL OR badge_num > 0"}},
    };
}

Table department() {
    return {
        .name = "department",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "description", .type = types::text(), .nullable = false, .server_default = "''"},
                {.name = "is_shiftless", .type = types::boolean(), .nullable = false, .server_default = "false"},
            },
        .primary_key = {"id"},
        .uniques = {{.name = "uq_department_name", .columns = {"name"}}},
    };
}

Table dept_membership() {
    return {
        .name = "dept_membership",
        .columns =
            {
                {.name = "attendee_id", .type = types::integer(), .nullable = false},
                {.name = "department_id", .type = types::integer(), .nullable = false},
                {.name = "is_dept_head", .type = types::boolean(), .nullable = false, .server_default = "false"},
            },
        .primary_key = {"attendee_id", "department_id"},
        .indexes = {{.name = "ix_dept_membership_department_id", .columns = {"department_id"}}},
        .foreign_keys =
            {
                {.name = "fk_dept_membership_attendee_id",
                 .columns = {"attendee_id"},
                 .referred_table = "attendee",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_dept_membership_department_id",
                 .columns = {"department_id"},
                 .referred_table = "department",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
            },
    };
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {attendee_group(), attendee(), department(), dept_membership()};
}

} // namespace

TRELLIS_PLUGIN(describe)
