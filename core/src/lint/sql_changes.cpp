#include "lint/sql_changes.hpp"

#include "sql/tokens.hpp"

#include <algorithm>
#include <array>

namespace trellis::lint {

using namespace sql;

namespace {

using Changes = std::vector<Change>;

bool is_any(const Token& token, std::initializer_list<std::string_view> keywords) {
    return std::any_of(keywords.begin(), keywords.end(), [&](auto k) { return is_keyword(token, k); });
}

// --- column definitions -------------------------------------------------------------------

// Where a column's type ends and its constraints begin.
bool ends_type(const Token& token) {
    return is_any(token, {"constraint", "not", "null", "default", "primary", "unique", "references", "check", "collate",
                          "generated", "as", "autoincrement", "using", "on"});
}

// The type at the cursor: words, a parenthesised size, array brackets; up to a constraint.
std::string read_type(TokenCursor& cursor) {
    std::vector<Token> type;
    while (!cursor.done() && !ends_type(*cursor.peek())) {
        if (cursor.at_symbol('(')) {
            auto inside = *cursor.group();
            type.push_back({TokenKind::symbol, "("});
            type.insert(type.end(), inside.begin(), inside.end());
            type.push_back({TokenKind::symbol, ")"});
        } else {
            type.push_back(*cursor.peek());
            cursor.skip();
        }
    }
    return render(type);
}

ColumnDef read_column(Tokens tokens) {
    TokenCursor cursor(tokens);
    ColumnDef column;
    column.name = cursor.name().value_or("");
    column.type = read_type(cursor);
    column.has_default = fills_itself(column.type);
    auto rest = cursor.rest();
    int depth = 0; // a CHECK's `IS NOT NULL` is no column constraint
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i].kind == TokenKind::symbol)
            depth += rest[i].text == "(" ? 1 : rest[i].text == ")" ? -1 : 0;
        if (depth > 0)
            continue;
        bool next_is = i + 1 < rest.size();
        if (is_keyword(rest[i], "not") && next_is && is_keyword(rest[i + 1], "null"))
            column.not_null = true;
        else if (is_keyword(rest[i], "primary") && next_is && is_keyword(rest[i + 1], "key"))
            column.not_null = column.primary_key = true;
        else if (is_any(rest[i], {"default", "generated"}))
            column.has_default = true;
    }
    return column;
}

bool starts_table_constraint(const Token& token) {
    return is_any(token, {"constraint", "primary", "unique", "foreign", "check", "exclude", "like"});
}

// `[CONSTRAINT name]`: the name, or empty.
std::string constraint_name(TokenCursor& cursor) {
    if (!cursor.accept("constraint"))
        return "";
    return cursor.name().value_or("");
}

std::vector<std::string> names_in(Tokens tokens) {
    std::vector<std::string> names;
    for (auto part : split_commas(tokens)) {
        TokenCursor cursor(part);
        if (auto name = cursor.name())
            names.push_back(*name);
    }
    return names;
}

// --- CREATE TABLE / CREATE INDEX ------------------------------------------------------------

void mark_primary_key(Tokens constraint, std::vector<ColumnDef>& columns) {
    TokenCursor cursor(constraint);
    constraint_name(cursor);
    if (!cursor.accept({"primary", "key"}))
        return;
    auto group = cursor.group();
    if (!group)
        return;
    for (const auto& name : names_in(*group))
        for (auto& column : columns)
            if (key(column.name) == key(name))
                column.not_null = column.primary_key = true;
}

std::vector<std::string> read_sources(Tokens tokens);

void create_table(TokenCursor& cursor, Changes& out) {
    CreateTable create;
    create.if_not_exists = cursor.accept({"if", "not", "exists"});
    auto name = cursor.name();
    if (!name)
        return;
    create.table = *name;
    if (auto body = cursor.group()) {
        std::vector<Tokens> constraints;
        for (auto part : split_commas(*body)) {
            if (part.empty())
                continue;
            if (starts_table_constraint(part[0]))
                constraints.push_back(part);
            else
                create.columns.push_back(read_column(part));
        }
        for (auto constraint : constraints)
            mark_primary_key(constraint, create.columns);
    } else if (cursor.accept("as")) {
        create.columns_known = false;
        create.sources = read_sources(cursor.rest());
    }
    out.push_back(std::move(create));
}

void create_index(TokenCursor& cursor, Changes& out) {
    cursor.accept("concurrently");
    cursor.accept({"if", "not", "exists"});
    std::string index = cursor.at("on") ? "" : cursor.name().value_or("");
    if (!cursor.accept("on"))
        return;
    cursor.accept("only");
    auto table = cursor.name();
    if (!table)
        return;
    if (cursor.accept("using"))
        cursor.skip();
    auto columns = cursor.group();
    out.push_back(
        AddUnique{*table, index.empty() ? "a unique index" : "unique index " + index, columns ? render(*columns) : ""});
}

void create(TokenCursor& cursor, Changes& out) {
    cursor.accept({"or", "replace"});
    bool unique = cursor.accept("unique");
    if (cursor.accept("index")) {
        if (unique)
            create_index(cursor, out);
        return;
    }
    for (auto modifier : {"global", "local", "temp", "temporary", "unlogged"})
        cursor.accept(modifier);
    if (cursor.accept("table"))
        create_table(cursor, out);
}

// --- DROP TABLE -----------------------------------------------------------------------------

void drop(TokenCursor& cursor, Changes& out) {
    if (!cursor.accept("table"))
        return;
    cursor.accept({"if", "exists"});
    DropTable dropped;
    for (auto part : split_commas(cursor.rest())) {
        TokenCursor each(part);
        if (auto name = each.name())
            dropped.tables.push_back(*name);
    }
    if (!dropped.tables.empty())
        out.push_back(std::move(dropped));
}

// --- ALTER TABLE ----------------------------------------------------------------------------

void add_constraint(const std::string& table, TokenCursor& cursor, Changes& out) {
    auto name = constraint_name(cursor);
    if (cursor.accept("check")) {
        auto inside = cursor.group();
        TokenCursor test(inside.value_or(Tokens{}));
        auto column = test.name();
        if (column && test.accept({"is", "not", "null"}) && test.done())
            out.push_back(NotNullCheck{table, name, *column, !cursor.accept({"not", "valid"})});
        return;
    }
    std::string what;
    if (cursor.accept("unique"))
        what = name.empty() ? "a unique constraint" : "unique constraint " + name;
    else if (cursor.accept({"primary", "key"}))
        what = name.empty() ? "a primary key" : "primary key " + name;
    else
        return;
    if (!cursor.accept({"nulls", "not", "distinct"}))
        cursor.accept({"nulls", "distinct"});
    auto columns = cursor.group();
    if (!columns) // `UNIQUE USING INDEX ix`: the index is already unique
        return;
    out.push_back(AddUnique{table, what, render(*columns)});
}

void alter_add(const std::string& table, TokenCursor& cursor, Changes& out) {
    if (!cursor.at("column") && cursor.peek() && starts_table_constraint(*cursor.peek())) {
        add_constraint(table, cursor, out);
        return;
    }
    cursor.accept("column");
    cursor.accept({"if", "not", "exists"});
    auto column = read_column(cursor.rest());
    if (!column.name.empty())
        out.push_back(AddColumn{table, std::move(column)});
}

void alter_drop(const std::string& table, TokenCursor& cursor, Changes& out) {
    if (!cursor.accept("column")) {
        const auto* next = cursor.peek();
        if (!next || is_any(*next, {"constraint", "primary", "foreign", "index", "key", "check", "unique"}))
            return;
    }
    cursor.accept({"if", "exists"});
    if (auto column = cursor.name())
        out.push_back(DropColumn{table, *column});
}

void alter_column(const std::string& table, TokenCursor& cursor, Changes& out) {
    cursor.accept("column");
    auto column = cursor.name();
    if (!column)
        return;
    if (cursor.accept({"set", "data", "type"}) || cursor.accept("type"))
        out.push_back(AlterType{table, *column, read_type(cursor)});
    else if (cursor.accept({"set", "not", "null"}))
        out.push_back(SetNotNull{table, *column});
}

void alter_rename(const std::string& table, TokenCursor& cursor, Changes& out) {
    if (cursor.accept("to")) {
        if (auto to = cursor.name())
            out.push_back(RenameTable{table, *to});
        return;
    }
    if (cursor.accept("constraint"))
        return;
    cursor.accept("column");
    auto from = cursor.name();
    if (from && cursor.accept("to"))
        if (auto to = cursor.name())
            out.push_back(RenameColumn{table, *from, *to});
}

void alter(TokenCursor& cursor, Changes& out) {
    if (!cursor.accept("table"))
        return;
    cursor.accept({"if", "exists"});
    cursor.accept("only");
    auto table = cursor.name();
    if (!table)
        return;
    cursor.accept_symbol('*');
    for (auto action : split_commas(cursor.rest())) {
        TokenCursor each(action);
        if (each.accept("add"))
            alter_add(*table, each, out);
        else if (each.accept("drop"))
            alter_drop(*table, each, out);
        else if (each.accept("alter"))
            alter_column(*table, each, out);
        else if (each.accept("rename"))
            alter_rename(*table, each, out);
        else if (each.accept({"validate", "constraint"}))
            out.push_back(ValidateConstraint{*table, each.name().value_or("")});
    }
}

// --- INSERT ... SELECT / UPDATE ---------------------------------------------------------------

// The tables named after FROM and JOIN, at any depth (subqueries read tables too).
std::vector<std::string> read_sources(Tokens tokens) {
    std::vector<std::string> sources;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (!is_any(tokens[i], {"from", "join"}))
            continue;
        TokenCursor cursor(tokens.subspan(i + 1));
        do {
            auto name = cursor.name();
            if (!name)
                break;
            sources.push_back(*name);
            if (cursor.accept("as") ||
                (cursor.peek() && cursor.peek()->kind == TokenKind::word &&
                 !is_any(*cursor.peek(), {"where", "join", "inner", "left", "right", "full", "cross", "natural", "on",
                                          "group", "order", "limit", "union", "using"})))
                cursor.skip();
        } while (cursor.accept_symbol(','));
    }
    return sources;
}

SelectItem read_item(Tokens tokens) {
    // A trailing `AS alias` names the output, it reads nothing.
    if (tokens.size() >= 2 && is_keyword(tokens[tokens.size() - 2], "as"))
        tokens = tokens.first(tokens.size() - 2);
    SelectItem item;
    for (const auto& t : tokens)
        if (is_identifier(t))
            item.columns.push_back(t.text);
    item.star = tokens.size() == 1 && tokens[0].kind == TokenKind::symbol && tokens[0].text == "*";
    TokenCursor cursor(tokens);
    item.bare = cursor.name() && cursor.done();
    if (item.bare)
        item.columns = {item.columns.back()};
    return item;
}

// The tokens up to the first of `keywords` outside parentheses.
Tokens before_keyword(Tokens tokens, std::initializer_list<std::string_view> keywords) {
    int depth = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].kind == TokenKind::symbol)
            depth += tokens[i].text == "(" ? 1 : tokens[i].text == ")" ? -1 : 0;
        if (depth == 0 && is_any(tokens[i], keywords))
            return tokens.first(i);
    }
    return tokens;
}

// The select list: from after SELECT to the FROM outside parentheses.
std::vector<SelectItem> read_select_list(Tokens tokens) {
    while (!tokens.empty() && is_any(tokens[0], {"distinct", "all"}))
        tokens = tokens.subspan(1);
    std::vector<SelectItem> items;
    for (auto part : split_commas(before_keyword(tokens, {"from"})))
        items.push_back(read_item(part));
    return items;
}

void insert(TokenCursor& cursor, Changes& out) {
    if (cursor.accept("or"))
        cursor.skip();
    if (!cursor.accept("into"))
        return;
    auto target = cursor.name();
    if (!target)
        return;
    if (cursor.accept("as"))
        cursor.skip();
    CopyRows copy{*target, {}, {}, {}};
    if (auto columns = cursor.group())
        copy.target_columns = names_in(*columns);
    if (!cursor.accept("select")) {
        out.push_back(InsertRows{*target});
        return;
    }
    copy.items = read_select_list(cursor.rest());
    copy.sources = read_sources(cursor.rest());
    if (!copy.sources.empty())
        out.push_back(std::move(copy));
}

void update(TokenCursor& cursor, Changes& out) {
    if (cursor.accept("or"))
        cursor.skip();
    cursor.accept("only");
    auto table = cursor.name();
    if (!table)
        return;
    cursor.accept_symbol('*');
    while (!cursor.done() && !cursor.at("set"))
        cursor.skip(); // an alias
    if (!cursor.accept("set"))
        return;
    SetColumns set{*table, {}};
    for (auto assignment : split_commas(before_keyword(cursor.rest(), {"from", "where", "returning"}))) {
        TokenCursor each(assignment);
        if (auto group = each.group()) {
            auto names = names_in(*group);
            set.columns.insert(set.columns.end(), names.begin(), names.end());
        } else if (auto name = each.name()) {
            set.columns.push_back(*name);
        }
    }
    out.push_back(std::move(set));
}

} // namespace

std::vector<Change> parse_changes(Tokens tokens) {
    TokenCursor cursor(tokens);
    Changes out;
    if (cursor.accept("create"))
        create(cursor, out);
    else if (cursor.accept("drop"))
        drop(cursor, out);
    else if (cursor.accept("alter"))
        alter(cursor, out);
    else if (cursor.accept("insert"))
        insert(cursor, out);
    else if (cursor.accept("replace"))
        insert(cursor, out);
    else if (cursor.accept("update"))
        update(cursor, out);
    return out;
}

bool fills_itself(std::string_view type) {
    return type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial4" || type == "serial8" ||
           type == "serial2";
}

} // namespace trellis::lint
