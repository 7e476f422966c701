#include "random_models.hpp"

#include "model_project.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace trellis::test {

namespace {

bool integer_kind(ColumnKind k) {
    return k == ColumnKind::integer || k == ColumnKind::bigint || k == ColumnKind::smallint;
}
bool string_kind(ColumnKind k) {
    return k == ColumnKind::text || k == ColumnKind::varchar;
}
bool float_kind(ColumnKind k) {
    return k == ColumnKind::real || k == ColumnKind::double_precision;
}

bool uses(const std::vector<std::string>& columns, const std::string& column) {
    return std::find(columns.begin(), columns.end(), column) != columns.end();
}

bool same_type(const ColumnType& a, const ColumnType& b) {
    return a.kind == b.kind && a.length == b.length && a.precision == b.precision && a.scale == b.scale;
}

const std::vector<ColumnType> k_integers = {types::smallint(), types::integer(), types::bigint()};
const std::vector<ColumnType> k_strings = {types::varchar(8), types::varchar(16), types::varchar(40), types::text()};
const std::vector<ColumnType> k_numerics = {types::numeric(8, 0), types::numeric(10, 2), types::numeric(12, 2),
                                            types::numeric(12, 4)};
const std::vector<ColumnType> k_floats = {types::real(), types::double_precision()};

template <typename T> std::string erase_random(std::vector<T>& items, std::size_t at) {
    auto name = items[at].name;
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(at));
    return name;
}

} // namespace

RandomModels::RandomModels(std::uint64_t seed, std::string dialect, bool portable)
    : m_random(seed)
    , m_dialect(std::move(dialect))
    , m_portable(portable) {}

Models RandomModels::models() const {
    return {m_parent, {}};
}

Models RandomModels::child_models() const {
    Models out{m_child, {}};
    for (const auto& e : m_extensions)
        if (!e.columns.empty())
            out.extensions.push_back({e.name, e.columns, e.indexes, e.foreign_keys});
    return out;
}

std::vector<Table> RandomModels::tables() const {
    std::vector<Table> out = m_parent;
    for (auto& t : out)
        for (const auto& e : m_extensions)
            if (e.name == t.name) {
                t.columns.insert(t.columns.end(), e.columns.begin(), e.columns.end());
                t.indexes.insert(t.indexes.end(), e.indexes.begin(), e.indexes.end());
                t.foreign_keys.insert(t.foreign_keys.end(), e.foreign_keys.begin(), e.foreign_keys.end());
            }
    out.insert(out.end(), m_child.begin(), m_child.end());
    return out;
}

int RandomModels::rows(const std::string& table) const {
    auto it = m_rows.find(table);
    return it == m_rows.end() ? 0 : it->second;
}

std::vector<std::string> RandomModels::mutate() {
    using Change = std::string (RandomModels::*)();
    // Weighted: tables appear and go more rarely than columns and keys change.
    static const std::vector<std::pair<Change, int>> changes = {
        {&RandomModels::add_table, 3},       {&RandomModels::drop_table, 1},
        {&RandomModels::add_column, 4},      {&RandomModels::drop_column, 2},
        {&RandomModels::alter_type, 3},      {&RandomModels::alter_nullability, 3},
        {&RandomModels::alter_default, 3},   {&RandomModels::alter_primary_key, 1},
        {&RandomModels::add_index, 2},       {&RandomModels::drop_index, 1},
        {&RandomModels::add_unique, 2},      {&RandomModels::drop_unique, 1},
        {&RandomModels::add_foreign_key, 2}, {&RandomModels::drop_foreign_key, 1},
        {&RandomModels::add_check, 1},       {&RandomModels::drop_check, 1},
    };
    int total = 0;
    for (const auto& [change, weight] : changes)
        total += weight;
    m_unique_at_start.clear();
    m_referred_at_start.clear();
    m_converted.clear();
    for (const auto& t : tables()) {
        for (const auto& i : t.indexes)
            for (const auto& c : i.columns)
                if (i.unique)
                    m_unique_at_start.insert(key(t.name, c));
        for (const auto& u : t.uniques)
            for (const auto& c : u.columns)
                m_unique_at_start.insert(key(t.name, c));
        for (const auto& f : t.foreign_keys)
            if (f.referred_table != t.name)
                m_referred_at_start.insert(f.referred_table);
    }
    std::vector<std::string> done;
    std::size_t wanted = 1 + pick(3);
    for (int attempt = 0; done.size() < wanted && attempt < 50; ++attempt) {
        if (m_parent.empty()) {
            done.push_back(add_table());
            continue;
        }
        int at = static_cast<int>(pick(static_cast<std::size_t>(total)));
        for (const auto& [change, weight] : changes) {
            if ((at -= weight) >= 0)
                continue;
            // A change that finds nothing to act on says so with an empty line; try another.
            if (auto line = (this->*change)(); !line.empty())
                done.push_back(line);
            break;
        }
    }
    return done;
}

// --- where, and what may change ----------------------------------------------------------------

std::optional<RandomModels::Place> RandomModels::random_place(bool tables_only) {
    std::vector<Place> places;
    for (auto& t : m_parent)
        places.push_back({&t, Part::parent_table});
    for (auto& t : m_child)
        places.push_back({&t, Part::child_table});
    if (!tables_only)
        for (auto& e : m_extensions)
            places.push_back({&e, Part::extension});
    if (places.empty())
        return std::nullopt;
    return places[pick(places.size())];
}

Column* RandomModels::random_column(Table& table, bool (RandomModels::*fits)(const Table&, const Column&) const) {
    std::vector<Column*> candidates;
    for (auto& c : table.columns)
        if ((this->*fits)(table, c))
            candidates.push_back(&c);
    return candidates.empty() ? nullptr : candidates[pick(candidates.size())];
}

// The tables a key from `part` may point at: json_models knows only its own; the child knows
// both. A key points at `id`, which must be the whole primary key.
std::vector<const Table*> RandomModels::referable(Part part) const {
    std::vector<const Table*> out;
    for (const auto& t : m_parent)
        out.push_back(&t);
    if (part != Part::parent_table)
        for (const auto& t : m_child)
            out.push_back(&t);
    std::erase_if(out, [](const Table* t) { return t->primary_key != std::vector<std::string>{"id"}; });
    return out;
}

bool RandomModels::in_primary_key(const Table& table, const std::string& column) const {
    return uses(table.primary_key, column);
}

bool RandomModels::is_foreign_key_column(const Table& table, const std::string& column) const {
    return std::any_of(table.foreign_keys.begin(), table.foreign_keys.end(),
                       [&](auto& f) { return uses(f.columns, column); });
}

// Types change within a family whose values the generator's rows always fit; key columns keep
// theirs.
bool RandomModels::alterable(const Table& table, const Column& column) const {
    auto k = column.type.kind;
    return column.name != "id" && !is_foreign_key_column(table, column.name) && !in_primary_key(table, column.name) &&
           (integer_kind(k) || string_kind(k) || k == ColumnKind::numeric || float_kind(k));
}

// NOT NULL fills the NULLs with one value, which would break a unique index or a foreign key.
bool RandomModels::may_change_nullability(const Table& table, const Column& column) const {
    if (column.name == "id" || in_primary_key(table, column.name))
        return false;
    if (!column.nullable)
        return true;
    bool unique =
        std::any_of(table.indexes.begin(), table.indexes.end(),
                    [&](auto& i) { return i.unique && uses(i.columns, column.name); }) ||
        std::any_of(table.uniques.begin(), table.uniques.end(), [&](auto& u) { return uses(u.columns, column.name); });
    return !unique && !is_foreign_key_column(table, column.name);
}

// Reverting the drop adds the column back with one value in every row (its default, or what fills
// a NOT NULL column): a unique index on it would then refuse the rows. A developer gets a lint
// finding for that; the generator leaves it out.
bool RandomModels::droppable(const Table& table, const Column& column) const {
    bool filled = !column.nullable || column.server_default;
    bool unique = m_unique_at_start.count(key(table.name, column.name)) > 0;
    return column.name != "id" && !in_primary_key(table, column.name) && !(unique && filled && rows(table.name) > 0);
}

bool RandomModels::defaultable(const Table& table, const Column& column) const {
    return column.name != "id" && column.type.kind != ColumnKind::binary && !is_foreign_key_column(table, column.name);
}

// PostgreSQL has no btree operator class for json.
bool RandomModels::indexable(const Table&, const Column& column) const {
    return column.type.kind != ColumnKind::json;
}

// Whether a unique index or constraint can go on the column's values as they are.
bool RandomModels::distinct(const Table& table, const Column& column) const {
    auto k = column.type.kind;
    bool kind = integer_kind(k) || string_kind(k) || k == ColumnKind::numeric || k == ColumnKind::uuid;
    return kind && !m_repeated.count(key(table.name, column.name)) && !is_foreign_key_column(table, column.name);
}

// A second primary key column: NOT NULL already (the key would need it filled otherwise).
bool RandomModels::key_candidate(const Table& table, const Column& column) const {
    return column.name != "id" && !column.nullable && indexable(table, column) &&
           column.type.kind != ColumnKind::binary && !is_foreign_key_column(table, column.name);
}

std::string RandomModels::constraint_name(const std::string& table, const char* kind) {
    return fmt::format("{}_{}{}", table, kind, m_next_name++);
}

// --- new columns and defaults -------------------------------------------------------------------

std::string RandomModels::random_default(const Column& column) {
    auto one_of = [&](std::vector<std::string> options) { return options[pick(options.size())]; };
    switch (column.type.kind) {
    case ColumnKind::integer:
    case ColumnKind::bigint:
    case ColumnKind::smallint:
        return one_of({"0", "7", "(42)", "'3'", "-1"});
    case ColumnKind::boolean:
        return one_of({"true", "false", "TRUE", "'f'"});
    case ColumnKind::text:
    case ColumnKind::varchar:
        return one_of({"''", "'abc'", "'it''s'"});
    case ColumnKind::numeric:
        return one_of({"0", "1.50", "2.5", "(3)"});
    case ColumnKind::real:
    case ColumnKind::double_precision:
        return one_of({"0", "0.5", "1.25"});
    case ColumnKind::date:
        return one_of({"'2020-01-01'", "CURRENT_DATE"});
    case ColumnKind::time:
        return one_of({"'12:00:00'", "'08:30'"});
    case ColumnKind::timestamp:
    case ColumnKind::timestamp_tz:
        // SQLite knows no now().
        return m_dialect == "postgresql" && !m_portable
                   ? one_of({"CURRENT_TIMESTAMP", "now()", "'2020-01-01 00:00:00'", "'2020-01-01'"})
                   : one_of({"CURRENT_TIMESTAMP", "'2020-01-01 00:00:00'"});
    case ColumnKind::uuid:
        return "'00000000-0000-0000-0000-000000000000'";
    case ColumnKind::json:
        return "'{}'";
    case ColumnKind::binary:
        break;
    }
    return "";
}

Column RandomModels::random_new_column(const std::string& table) {
    static const std::vector<ColumnType> all = {
        types::integer(),   types::bigint(),    types::smallint(),     types::boolean(),      types::text(),
        types::varchar(16), types::varchar(40), types::numeric(10, 2), types::real(),         types::double_precision(),
        types::date(),      types::time(),      types::timestamp(),    types::timestamp_tz(), types::uuid(),
        types::json(),      types::binary()};
    Column c{fmt::format("c{}", m_next_name++), all[pick(all.size())], chance(0.6), std::nullopt};
    if (c.type.kind != ColumnKind::binary && chance(0.4))
        c.server_default = random_default(c);
    if (integer_kind(c.type.kind))
        m_integer_valued.insert(key(table, c.name));
    // Rows already there all get the default, or the value that fills a NOT NULL column.
    if (rows(table) > 0 && (c.server_default || !c.nullable))
        m_repeated.insert(key(table, c.name));
    return c;
}

// --- tables ---------------------------------------------------------------------------------------

std::string RandomModels::add_table() {
    bool child = !m_parent.empty() && chance(0.35);
    auto& owner = child ? m_child : m_parent;
    if (owner.size() >= (child ? 3u : 5u))
        return "";
    Table t{fmt::format("{}{}", child ? "k" : "t", m_next_name++),
            {{"id", types::integer(), false, std::nullopt}},
            {"id"},
            {},
            {},
            {},
            {}};
    for (std::size_t k = 1 + pick(3); k > 0; --k)
        t.columns.push_back(random_new_column(t.name));
    std::string extra;
    auto parents = referable(child ? Part::child_table : Part::parent_table);
    if (!parents.empty() && chance(0.4)) {
        const auto& parent = *parents[pick(parents.size())];
        t.columns.push_back({fmt::format("c{}", m_next_name++), types::integer(), true, std::nullopt});
        // Rows point at the same parent: the column keeps repeated values when the key goes.
        m_repeated.insert(key(t.name, t.columns.back().name));
        t.foreign_keys.push_back({constraint_name(t.name, "fk"),
                                  {t.columns.back().name},
                                  parent.name,
                                  {"id"},
                                  chance(0.5) ? ReferentialAction::cascade : ReferentialAction::set_null});
        extra += ", a foreign key to " + parent.name;
    }
    if (chance(0.3)) {
        const auto& c = t.columns[1 + pick(t.columns.size() - 1)];
        if (indexable(t, c)) {
            t.indexes.push_back({constraint_name(t.name, "ix"), {c.name}, false});
            extra += ", an index";
        }
    }
    if (chance(0.2)) {
        t.checks.push_back({constraint_name(t.name, "ck"), "id >= 0"});
        extra += ", a check";
    }
    auto line =
        fmt::format("add {} table {} ({} columns{})", child ? "child" : "parent", t.name, t.columns.size(), extra);
    if (!child)
        m_extensions.push_back({t.name, {}, {}, {}, {}, {}, {}});
    owner.push_back(std::move(t));
    return line;
}

std::string RandomModels::drop_table() {
    auto place = random_place(true);
    if (!place || (place->part == Part::parent_table && m_parent.size() < 2))
        return "";
    auto name = place->table->name;
    // Reverting the drop gives the table back empty: a key from another table's rows into it
    // could not come back. A developer gets a lint finding for that; the generator leaves it out.
    if (m_referred_at_start.count(name) && rows(name) > 0)
        return "";
    auto refers = [&](const Table& t) {
        return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                           [&](auto& f) { return f.referred_table == name; });
    };
    // json_models' revision would drop it before the child's revision drops the key into it.
    if (place->part == Part::parent_table && (std::any_of(m_child.begin(), m_child.end(), refers) ||
                                              std::any_of(m_extensions.begin(), m_extensions.end(), refers)))
        return "";
    // Keys into it go with it (their columns stay), and so does the child's part of it.
    for (auto* group : {&m_parent, &m_child, &m_extensions})
        for (auto& other : *group)
            if (other.name != name)
                std::erase_if(other.foreign_keys, [&](auto& f) { return f.referred_table == name; });
    std::erase_if(m_extensions, [&](auto& e) { return e.name == name; });
    std::erase_if(place->part == Part::parent_table ? m_parent : m_child, [&](auto& t) { return t.name == name; });
    return "drop table " + name;
}

// --- columns --------------------------------------------------------------------------------------

std::string RandomModels::add_column() {
    auto place = random_place(false);
    auto& t = *place->table;
    t.columns.push_back(random_new_column(t.name));
    const auto& c = t.columns.back();
    return fmt::format("add column {}.{} {}{}{}{}", t.name, c.name, type_spelling(c.type),
                       c.nullable ? "" : " NOT NULL", c.server_default ? " DEFAULT " + *c.server_default : "",
                       place->part == Part::extension ? " (by the child)" : "");
}

std::string RandomModels::drop_column() {
    auto& t = *random_place(false)->table;
    auto* c = random_column(t, &RandomModels::droppable);
    if (!c)
        return "";
    auto name = c->name;
    // What uses the column goes with it, as a developer deleting the field would remove them.
    std::erase_if(t.indexes, [&](auto& i) { return uses(i.columns, name); });
    std::erase_if(t.uniques, [&](auto& u) { return uses(u.columns, name); });
    std::erase_if(t.foreign_keys, [&](auto& f) { return uses(f.columns, name); });
    std::erase_if(t.columns, [&](auto& x) { return x.name == name; });
    return fmt::format("drop column {}.{}", t.name, name);
}

std::string RandomModels::alter_type() {
    auto& t = *random_place(false)->table;
    auto* c = random_column(t, &RandomModels::alterable);
    if (!c || !m_converted.insert(key(t.name, c->name)).second)
        return "";
    bool integers = m_integer_valued.count(key(t.name, c->name)) > 0;
    std::vector<ColumnType> options;
    if (integer_kind(c->type.kind) || (integers && string_kind(c->type.kind))) {
        options = k_integers;
        // Integers written as text and back: only in columns that never held anything else.
        if (integers)
            options.insert(options.end(), k_strings.begin(), k_strings.end());
    } else if (string_kind(c->type.kind)) {
        options = k_strings;
    } else if (c->type.kind == ColumnKind::numeric) {
        options = k_numerics;
    } else {
        options = k_floats;
    }
    std::erase_if(options, [&](auto& o) { return same_type(o, c->type); });
    auto from = c->type;
    c->type = options[pick(options.size())];
    // A default of another family would not be one of the new type.
    if (c->server_default && integer_kind(from.kind) != integer_kind(c->type.kind))
        c->server_default = chance(0.5) ? std::optional(random_default(*c)) : std::nullopt;
    return fmt::format("alter column {}.{} type {} -> {}", t.name, c->name, type_spelling(from),
                       type_spelling(c->type));
}

std::string RandomModels::alter_nullability() {
    auto& t = *random_place(false)->table;
    auto* c = random_column(t, &RandomModels::may_change_nullability);
    if (!c || !m_converted.insert(key(t.name, c->name)).second)
        return "";
    c->nullable = !c->nullable;
    if (!c->nullable && rows(t.name) > 0) {
        // NULLs are filled with one value, which may not be a number.
        m_repeated.insert(key(t.name, c->name));
        if (!integer_kind(c->type.kind))
            m_integer_valued.erase(key(t.name, c->name));
    }
    return fmt::format("alter column {}.{} {}", t.name, c->name, c->nullable ? "NULL" : "NOT NULL");
}

std::string RandomModels::alter_default() {
    auto& t = *random_place(false)->table;
    auto* c = random_column(t, &RandomModels::defaultable);
    if (!c)
        return "";
    if (c->server_default && chance(0.4))
        c->server_default.reset();
    else
        c->server_default = random_default(*c);
    return fmt::format("alter column {}.{} default {}", t.name, c->name, c->server_default.value_or("none"));
}

// (id) -> (id, c) and back, on a table no key points at: PostgreSQL's key rests on the primary
// key's index, and a key needs `id` alone to be unique.
std::string RandomModels::alter_primary_key() {
    auto& t = *random_place(true)->table;
    auto all = tables();
    bool referred = std::any_of(all.begin(), all.end(), [&](const Table& other) {
        return std::any_of(other.foreign_keys.begin(), other.foreign_keys.end(),
                           [&](auto& f) { return f.referred_table == t.name; });
    });
    // A key dropped in this round may be in the child's revision, which runs after json_models'.
    if (referred || m_referred_at_start.count(t.name))
        return "";
    if (t.primary_key.size() > 1)
        t.primary_key = {"id"};
    else if (auto* c = random_column(t, &RandomModels::key_candidate))
        t.primary_key = {"id", c->name};
    else
        return "";
    return fmt::format("primary key of {} ({})", t.name, fmt::join(t.primary_key, ", "));
}

// --- indexes, keys, checks ----------------------------------------------------------------------

std::string RandomModels::add_index() {
    auto& t = *random_place(false)->table;
    std::vector<std::string> columns;
    for (std::size_t k = 1 + pick(2); k > 0; --k)
        if (auto* c = random_column(t, &RandomModels::indexable); c && !uses(columns, c->name))
            columns.push_back(c->name);
    if (columns.empty())
        return "";
    bool unique = chance(0.4) && std::all_of(columns.begin(), columns.end(), [&](auto& name) {
                      return distinct(t, *std::find_if(t.columns.begin(), t.columns.end(),
                                                       [&](auto& c) { return c.name == name; }));
                  });
    t.indexes.push_back({constraint_name(t.name, "ix"), columns, unique});
    return fmt::format("add {}index {} on {}({})", unique ? "unique " : "", t.indexes.back().name, t.name,
                       fmt::join(columns, ", "));
}

std::string RandomModels::drop_index() {
    auto& t = *random_place(false)->table;
    return t.indexes.empty() ? "" : "drop index " + erase_random(t.indexes, pick(t.indexes.size()));
}

std::string RandomModels::add_unique() {
    auto& t = *random_place(true)->table;
    std::vector<std::string> columns;
    for (std::size_t k = 1 + pick(2); k > 0; --k)
        if (auto* c = random_column(t, &RandomModels::distinct); c && !uses(columns, c->name))
            columns.push_back(c->name);
    // One unique constraint per set of columns: SQLite keeps no names to tell two apart.
    if (columns.empty() ||
        std::any_of(t.uniques.begin(), t.uniques.end(), [&](auto& u) { return u.columns == columns; }))
        return "";
    t.uniques.push_back({constraint_name(t.name, "uq"), columns});
    return fmt::format("add unique {} on {}({})", t.uniques.back().name, t.name, fmt::join(columns, ", "));
}

std::string RandomModels::drop_unique() {
    auto& t = *random_place(true)->table;
    return t.uniques.empty() ? "" : "drop unique " + erase_random(t.uniques, pick(t.uniques.size()));
}

std::string RandomModels::add_foreign_key() {
    auto place = random_place(false);
    auto& t = *place->table;
    auto parents = referable(place->part);
    if (parents.empty())
        return "";
    auto parent = parents[pick(parents.size())]->name;
    static const std::vector<ReferentialAction> actions = {ReferentialAction::no_action, ReferentialAction::restrict,
                                                           ReferentialAction::cascade, ReferentialAction::set_null};
    // A new nullable column: the rows there hold NULL, which any key accepts.
    t.columns.push_back({fmt::format("c{}", m_next_name++), types::integer(), true, std::nullopt});
    m_repeated.insert(key(t.name, t.columns.back().name));
    t.foreign_keys.push_back({constraint_name(t.name, "fk"),
                              {t.columns.back().name},
                              parent,
                              {"id"},
                              actions[pick(actions.size())],
                              chance(0.2) ? ReferentialAction::cascade : ReferentialAction::no_action});
    return fmt::format("add foreign key {} on {}({}) to {}", t.foreign_keys.back().name, t.name, t.columns.back().name,
                       parent);
}

std::string RandomModels::drop_foreign_key() {
    auto& t = *random_place(false)->table;
    return t.foreign_keys.empty() ? ""
                                  : "drop foreign key " + erase_random(t.foreign_keys, pick(t.foreign_keys.size()));
}

std::string RandomModels::add_check() {
    auto& t = *random_place(true)->table;
    static const std::vector<std::string> expressions = {"id >= 0", "id < 100000000", "id <> -1"};
    t.checks.push_back({constraint_name(t.name, "ck"), expressions[pick(expressions.size())]});
    return fmt::format("add check {} on {}", t.checks.back().name, t.name);
}

std::string RandomModels::drop_check() {
    auto& t = *random_place(true)->table;
    return t.checks.empty() ? "" : "drop check " + erase_random(t.checks, pick(t.checks.size()));
}

// --- rows ---------------------------------------------------------------------------------------

std::string RandomModels::value(const Table& table, const Column& column, int row) {
    for (const auto& f : table.foreign_keys)
        if (uses(f.columns, column.name)) {
            // A row the referred table has (a table referring to itself: an earlier row).
            int available = f.referred_table == table.name ? row - 1 : rows(f.referred_table);
            return available > 0 && chance(0.7) ? std::to_string(1 + pick(static_cast<std::size_t>(available)))
                                                : "NULL";
        }
    if (column.nullable && !in_primary_key(table, column.name) && chance(0.15))
        return "NULL";
    // Distinct from row to row in every type a unique index may go on.
    int n = row * 3 + static_cast<int>(column.name.size() % 3);
    switch (column.type.kind) {
    case ColumnKind::integer:
    case ColumnKind::bigint:
    case ColumnKind::smallint:
        return std::to_string(n);
    case ColumnKind::boolean:
        return row % 2 ? "true" : "false";
    case ColumnKind::text:
    case ColumnKind::varchar:
        return m_integer_valued.count(key(table.name, column.name)) ? fmt::format("'{}'", n) : fmt::format("'v{}'", n);
    case ColumnKind::numeric:
        return std::to_string(n);
    case ColumnKind::real:
    case ColumnKind::double_precision:
        return fmt::format("{}.5", n);
    case ColumnKind::date:
        return fmt::format("'2020-{:02}-{:02}'", 1 + row % 12, 1 + row % 28);
    case ColumnKind::time:
        return fmt::format("'12:{:02}:{:02}'", row / 60 % 60, row % 60);
    case ColumnKind::timestamp:
        return fmt::format("'2020-01-01 12:{:02}:{:02}'", row / 60 % 60, row % 60);
    case ColumnKind::timestamp_tz:
        return fmt::format("'2020-01-01 12:{:02}:{:02}+00'", row / 60 % 60, row % 60);
    case ColumnKind::uuid:
        return fmt::format("'00000000-0000-0000-0000-{:012}'", n);
    case ColumnKind::json:
        return fmt::format("'{{\"r\": {}}}'", n);
    case ColumnKind::binary:
        return m_dialect == "postgresql" ? "decode('4142', 'hex')" : "X'4142'";
    }
    return "NULL";
}

std::string RandomModels::insert_rows() {
    std::string out;
    for (const auto& t : tables()) {
        if (!chance(0.7))
            continue;
        std::vector<std::string> names, tuples;
        for (const auto& c : t.columns)
            names.push_back(c.name);
        for (std::size_t k = 1 + pick(2); k > 0; --k) {
            int row = ++m_rows[t.name];
            std::vector<std::string> values;
            for (const auto& c : t.columns)
                values.push_back(c.name == "id" ? std::to_string(row) : value(t, c, row));
            tuples.push_back(fmt::format("({})", fmt::join(values, ", ")));
        }
        out += fmt::format("INSERT INTO {} ({}) VALUES {};\n", t.name, fmt::join(names, ", "), fmt::join(tuples, ", "));
    }
    return out;
}

} // namespace trellis::test
