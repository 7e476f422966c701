// PostgreSQL's enum types (`CREATE TYPE ... AS ENUM`) as a revision changes them. A type lives as
// long as a column uses it: it is created before the first table or column that uses it and
// dropped after the last one goes (and the downgrade does the inverse). A change of its labels is
// made in two steps, so that no statement needs a label that is not there yet or drops one still in
// use: labels added (ALTER TYPE ... ADD VALUE) before the revision's table changes, labels removed
// or moved after them, by making the type again and converting its columns (PostgreSQL cannot drop
// or move a label), behind a guard that stops the revision while a row holds a removed label.
// SQLite has no types: its enum columns carry a CHECK (schema/ddl.hpp), rebuilt with the table.
#pragma once

#include "schema/schema.hpp"

#include <map>
#include <string>
#include <vector>

namespace trellis {

struct EnumType {
    std::string name; // as spelled by the models (or the catalog)
    std::vector<std::string> labels;
};

// The enum types the columns of `tables` use, by their compared name (case and quotes aside).
// A type known only by its name (a reflected SQLite column without its CHECK) has no labels.
std::map<std::string, EnumType> enum_types(const std::vector<Table>& tables);

// CREATE TYPE for `type`, and the DROP TYPE that undoes it.
std::string create_type_sql(const EnumType& type);
std::string drop_type_sql(const EnumType& type);

// The statements that turn the enum types of `before` into those of `after`, in two halves:
// `first` runs before the revision's other statements, `last` after them; `*_down` are their
// inverses (the downgrade runs `last_down` first). `upgrade_text` and `downgrade_text` are the
// revision's other statements: an added label that they use is not added with ADD VALUE, whose
// label a transaction cannot use before it commits (PostgreSQL 12 and later; 11 and older refuse
// ADD VALUE inside a transaction at all), but by making the type again.
struct EnumChanges {
    std::string first_up, first_down, last_up, last_down;
};
EnumChanges enum_changes(const Schema& before, const Schema& after, const std::string& upgrade_text,
                         const std::string& downgrade_text);

} // namespace trellis
