#include "schema/ddl_read.hpp"

#include "sql/tokens.hpp"

#include <cctype>
#include <optional>

namespace trellis {

namespace {

using sql::TokenCursor;
using sql::Tokens;

// The text of a parenthesised group, as written: `tokens` is the group's statement.
struct Text {
    std::string_view sql;
    Tokens tokens;

    std::string of(std::optional<Tokens> group) const {
        if (!group || group->empty())
            return "";
        auto end = group->data() + group->size();
        auto stop = end < tokens.data() + tokens.size() ? end->offset : sql.size();
        auto begin = group->front().offset;
        auto text = sql.substr(begin, stop - begin);
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
            text.remove_suffix(1);
        return std::string(text);
    }
};

std::vector<std::string> names_in(std::optional<Tokens> group) {
    std::vector<std::string> out;
    if (group)
        for (auto item : sql::split_commas(*group))
            if (auto name = TokenCursor(item).name())
                out.push_back(*name);
    return out;
}

bool at_table_constraint(const TokenCursor& c) {
    for (auto word : {"constraint", "primary", "unique", "foreign", "check", "exclude"})
        if (c.at(word))
            return true;
    return false;
}

// `[CONSTRAINT name] UNIQUE (a, b) | FOREIGN KEY (a) REFERENCES ... | CHECK (expression)`; a
// primary key or an exclusion constraint is not one ownership follows.
void table_constraint(const Text& text, TokenCursor& c, const std::string& table, std::vector<ConstraintFound>& out) {
    std::string name;
    if (c.accept("constraint"))
        name = c.name().value_or("");
    if (c.accept("unique")) {
        c.accept({"nulls", "not", "distinct"}) || c.accept({"nulls", "distinct"});
        out.push_back({table, "unique", name, names_in(c.group()), ""});
    } else if (c.accept({"foreign", "key"})) {
        out.push_back({table, "foreign", name, names_in(c.group()), ""});
    } else if (c.accept("check")) {
        out.push_back({table, "check", name, {}, text.of(c.group())});
    }
}

// After a column's name: its type and constraints (`INTEGER CONSTRAINT fk_x REFERENCES t (id)
// CHECK (x > 0) UNIQUE`). Parenthesised groups (a type's length, a default) are skipped whole.
void column_constraints(const Text& text, TokenCursor& c, const std::string& table, const std::string& column,
                        std::vector<ConstraintFound>& out) {
    std::string name;
    while (!c.done()) {
        if (c.accept("constraint")) {
            name = c.name().value_or("");
            continue;
        }
        if (c.accept("references"))
            out.push_back({table, "foreign", name, {column}, ""});
        else if (c.accept("unique"))
            out.push_back({table, "unique", name, {column}, ""});
        else if (c.accept("check"))
            out.push_back({table, "check", name, {}, text.of(c.group())});
        else {
            if (!c.group())
                c.skip();
            continue;
        }
        name.clear();
    }
}

void create_table(const Text& text, TokenCursor& c, SqlFound& found, bool downgrade) {
    c.accept({"if", "not", "exists"});
    auto table = c.name();
    if (!table)
        return;
    if (!downgrade)
        found.tables.push_back(*table);
    auto& created = found.created[*table];
    auto items = c.group();
    if (!items)
        return;
    for (auto item : sql::split_commas(*items)) {
        TokenCursor i(item);
        if (at_table_constraint(i)) {
            table_constraint(text, i, *table, created.constraints);
        } else if (auto column = i.name()) {
            created.columns.push_back(*column);
            column_constraints(text, i, *table, *column, created.constraints);
        }
    }
}

void alter_action(const Text& text, TokenCursor& c, const std::string& table, SqlFound& found, bool downgrade) {
    if (c.accept({"rename", "to"})) {
        if (auto to = c.name())
            found.renamed[table] = *to;
        return;
    }
    if (downgrade) {
        if (!c.accept("drop"))
            return;
        if (c.accept("constraint")) {
            c.accept({"if", "exists"});
            if (auto name = c.name())
                found.constraints.push_back({table, "", *name, {}, ""});
            return;
        }
        c.accept("column");
        c.accept({"if", "exists"});
        if (!at_table_constraint(c))
            if (auto column = c.name())
                found.columns.push_back(table + "." + *column);
        return;
    }
    if (!c.accept("add"))
        return;
    if (at_table_constraint(c)) {
        table_constraint(text, c, table, found.constraints);
        return;
    }
    c.accept("column");
    c.accept({"if", "not", "exists"});
    if (auto column = c.name()) {
        found.columns.push_back(table + "." + *column);
        column_constraints(text, c, table, *column, found.constraints);
    }
}

} // namespace

void read_statement(std::string_view statement, bool downgrade, SqlFound& found) {
    auto tokens = sql::tokenize(statement);
    Text text{statement, tokens};
    TokenCursor c(tokens);
    if (c.accept("create")) {
        c.accept("temporary") || c.accept("temp");
        c.accept("unique");
        if (c.accept("table")) {
            create_table(text, c, found, downgrade);
        } else if (!downgrade && c.accept("index")) {
            c.accept("concurrently");
            c.accept({"if", "not", "exists"});
            if (!c.at("on"))
                if (auto name = c.name())
                    found.indexes.push_back(*name);
        }
        return;
    }
    if (downgrade && c.accept("drop")) {
        if (c.accept("table")) {
            c.accept({"if", "exists"});
            do
                if (auto name = c.name())
                    found.tables.push_back(*name);
            while (c.accept_symbol(','));
        } else if (c.accept("index")) {
            c.accept("concurrently");
            c.accept({"if", "exists"});
            if (auto name = c.name())
                found.indexes.push_back(*name);
        }
        return;
    }
    if (!c.accept({"alter", "table"}))
        return;
    c.accept({"if", "exists"});
    c.accept("only");
    auto table = c.name();
    if (!table)
        return;
    for (auto action : sql::split_commas(c.rest())) {
        TokenCursor a(action);
        alter_action(text, a, *table, found, downgrade);
    }
}

} // namespace trellis
