// panels — applications for panels at the event and the people who present them.
//
// Registers the C++ step `panels:backfill_slugs`, the data migration that fills
// panel_application.slug (revisions cad191ba648c and c259062e8958). It is C++ rather than SQL
// because a slug must be unique and the two databases share no way to say "first free suffix".
#include <cctype>
#include <set>
#include <string>
#include <trellis/plugin.hpp>

namespace {

using namespace trellis;

Table panel_application() {
    return {
        .name = "panel_application",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "name", .type = types::varchar(255), .nullable = false},
                {.name = "description", .type = types::text(), .nullable = false, .server_default = "''"},
                {.name = "length_minutes", .type = types::smallint(), .nullable = false, .server_default = "60"},
                {.name = "status", .type = types::varchar(32), .nullable = false, .server_default = "'pending'"},
                {.name = "submitted_at",
                 .type = types::timestamp_tz(),
                 .nullable = false,
                 .server_default = "CURRENT_TIMESTAMP"},
                {.name = "slug", .type = types::varchar(255), .nullable = false},
                {.name = "tech_needs", .type = types::json()},
                {.name = "poc_id", .type = types::integer()},
            },
        .primary_key = {"id"},
        .indexes =
            {
                {.name = "ix_panel_application_slug", .columns = {"slug"}, .unique = true},
                {.name = "ix_panel_application_status", .columns = {"status"}},
            },
        .foreign_keys = {{.name = "fk_panel_application_poc_id",
                          .columns = {"poc_id"},
                          .referred_table = "attendee",
                          .referred_columns = {"id"},
                          .on_delete = ReferentialAction::set_null}},
        .checks = {{.name = "ck_panel_application_length",
                    .expression = "length_minutes > 0 AND length_minutes <= 240"}},
    };
}

Table panel_applicant() {
    return {
        .name = "panel_applicant",
        .columns =
            {
                {.name = "id", .type = types::integer(), .nullable = false},
                {.name = "application_id", .type = types::integer(), .nullable = false},
                {.name = "attendee_id", .type = types::integer()},
                {.name = "first_name", .type = types::varchar(255), .nullable = false},
                {.name = "last_name", .type = types::varchar(255), .nullable = false},
                {.name = "email", .type = types::varchar(255), .nullable = false},
                {.name = "submitter", .type = types::boolean(), .nullable = false, .server_default = "false"},
            },
        .primary_key = {"id"},
        .indexes = {{.name = "ix_panel_applicant_application_id", .columns = {"application_id"}}},
        .foreign_keys =
            {
                {.name = "fk_panel_applicant_application_id",
                 .columns = {"application_id"},
                 .referred_table = "panel_application",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::cascade},
                {.name = "fk_panel_applicant_attendee_id",
                 .columns = {"attendee_id"},
                 .referred_table = "attendee",
                 .referred_columns = {"id"},
                 .on_delete = ReferentialAction::set_null},
            },
    };
}

// "Intro to Chiptune: Part 2!" -> "intro-to-chiptune-part-2". ASCII letters and digits are kept,
// every other run of characters becomes one dash.
std::string slug_of(const std::string& name) {
    std::string slug;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u < 128 && std::isalnum(u))
            slug += static_cast<char>(std::tolower(u));
        else if (!slug.empty() && slug.back() != '-')
            slug += '-';
    }
    while (!slug.empty() && slug.back() == '-')
        slug.pop_back();
    // Room for a "-NNN" suffix inside the column's 255 characters.
    if (slug.size() > 240)
        slug.resize(240);
    return slug.empty() ? "panel" : slug;
}

// Fills every NULL slug, keeping slugs unique across the table: the unique index that
// c259062e8958 creates must not fail on two panels called "Q&A". Safe to run again: rows that
// have a slug are left alone.
void backfill_slugs(StepConnection& db) {
    std::set<std::string> taken;
    for (const auto& row : db.query("SELECT slug FROM panel_application WHERE slug IS NOT NULL"))
        taken.insert(row[0].value_or(""));
    auto rows = db.query("SELECT id, name FROM panel_application WHERE slug IS NULL ORDER BY id");
    for (const auto& row : rows) {
        auto base = slug_of(row[1].value_or(""));
        auto slug = base;
        for (int suffix = 2; taken.count(slug); ++suffix)
            slug = base + "-" + std::to_string(suffix);
        taken.insert(slug);
        db.execute("UPDATE panel_application SET slug = $1 WHERE id = $2", {slug, row[0]});
    }
}

void describe(PluginDescriptor& plugin) {
    plugin.models.tables = {panel_application(), panel_applicant()};
    plugin.steps.push_back({"backfill_slugs", &backfill_slugs});
}

} // namespace

TRELLIS_PLUGIN(describe)
