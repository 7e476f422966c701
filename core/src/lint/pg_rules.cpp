#include "lint/pg_rules.hpp"

#include "lint/duplicate_columns.hpp"
#include "lint/sql_changes.hpp"
#include "schema/types.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace trellis::lint {

namespace {

using sql::last_name;
using sql::Node;
using sql::relation_name;
using sql::text_of;

// `name` is on: given without a value, or with one other than false/off/0.
bool has_option(const Node& options, std::string_view name) {
    for (const auto& option : options.items()) {
        const auto& element = option["DefElem"];
        if (element["defname"].str() != name)
            continue;
        auto value = element["arg"]["String"]["sval"].str();
        if (value.empty())
            value = element["arg"]["Boolean"]["boolval"].truthy() ? "true" : element["arg"].is_null() ? "" : "false";
        return value != "false" && value != "off" && value != "0";
    }
    return false;
}

// Functions whose value does not change from row to row within one statement: a default of
// them is evaluated once, so ADD COLUMN stores it in the catalog instead of rewriting (PG 11+).
constexpr std::array<std::string_view, 34> k_not_volatile = {
    "now",
    "statement_timestamp",
    "transaction_timestamp",
    "current_date",
    "current_timestamp",
    "localtimestamp",
    "lower",
    "upper",
    "length",
    "concat",
    "concat_ws",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "abs",
    "round",
    "floor",
    "ceil",
    "trim",
    "btrim",
    "substr",
    "substring",
    "to_char",
    "to_timestamp",
    "to_date",
    "date_trunc",
    "make_interval",
    "make_date",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "array_fill",
    "timezone",
};
constexpr std::array<std::string_view, 9> k_volatile = {
    "random",    "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp",
    "timeofday", "nextval",         "txid_current",     "setseed",
};

// Whether evaluating `expr` may give each row another value (or is a function trellis does not know).
bool may_be_volatile(const Node& expr) {
    auto tag = expr.tag();
    const auto& fields = expr.inner();
    if (tag == "FuncCall") {
        auto name = last_name(fields["funcname"]);
        if (std::find(k_volatile.begin(), k_volatile.end(), name) != k_volatile.end() ||
            std::find(k_not_volatile.begin(), k_not_volatile.end(), name) == k_not_volatile.end())
            return true;
        const auto& args = fields["args"];
        // now() and its kin take no argument: called with one, it is some other function.
        if (args.size() > 0 && (name == "now" || name == "statement_timestamp" || name == "transaction_timestamp"))
            return true;
        return std::any_of(args.items().begin(), args.items().end(), may_be_volatile);
    }
    if (tag == "A_Const" || tag == "SQLValueFunction" || tag == "ColumnRef" || tag.empty())
        return false;
    // Operators, casts, arrays, CASE: volatile when a part is.
    for (const auto& field : fields.items()) {
        if (field.kind() == Node::Kind::array) {
            if (std::any_of(field.items().begin(), field.items().end(), may_be_volatile))
                return true;
        } else if (field.kind() == Node::Kind::object && may_be_volatile(field)) {
            return true;
        }
    }
    return false;
}

int typmod(const Node& type_name, std::size_t i) {
    auto mods = type_name["typmods"].items();
    return i < mods.size() ? static_cast<int>(mods[i]["A_Const"]["ival"]["ival"].number()) : -1;
}

// char(n) / character / bpchar: blank-padded, compared with its padding ignored.
bool is_char_type(const Node& type_name) {
    auto name = last_name(type_name["names"]);
    return name == "bpchar" || (type_name["names"].size() == 1 && (name == "char" || name == "character"));
}

} // namespace

std::string pg_type_text(const Node& type_name) {
    static const std::array<std::pair<std::string_view, std::string_view>, 12> k_names = {{
        {"int2", "smallint"},
        {"int4", "integer"},
        {"int8", "bigint"},
        {"float4", "real"},
        {"float8", "double precision"},
        {"bool", "boolean"},
        {"bpchar", "char"},
        {"timestamptz", "timestamp with time zone"},
        {"timetz", "time with time zone"},
        {"varbit", "bit varying"},
        {"int", "integer"},
        {"decimal", "numeric"},
    }};
    auto name = last_name(type_name["names"]);
    for (const auto& [pg, plain] : k_names)
        if (name == pg)
            name = plain;
    int first = typmod(type_name, 0), second = typmod(type_name, 1);
    if (first >= 0)
        name += second >= 0 ? fmt::format("({},{})", first, second) : fmt::format("({})", first);
    if (!type_name["arrayBounds"].is_null())
        name += "[]";
    return name;
}

void PgRules::check(const Node& stmt, const Report& report) {
    auto tag = stmt.tag();
    const auto& s = stmt.inner();
    if (tag == "IndexStmt") {
        auto table = relation_name(s["relation"]);
        m_new_indexes.insert(text_of(s["idxname"]));
        if (s["concurrent"].truthy()) {
            if (m_facts.transactional)
                report("T601", fmt::format("CREATE INDEX CONCURRENTLY cannot run inside the revision's transaction "
                                           "(PostgreSQL stops it with 25001)"));
        } else if (existing(table)) {
            report("T401", fmt::format("builds an index on {} without CONCURRENTLY: writes to {} wait until it is "
                                       "built",
                                       table, table));
        }
    } else if (tag == "DropStmt" && s["removeType"].str() == "OBJECT_INDEX") {
        bool fresh = true;
        for (const auto& object : s["objects"].items())
            fresh = fresh && m_new_indexes.contains(last_name(object["List"]["items"]));
        if (s["concurrent"].truthy()) {
            if (m_facts.transactional)
                report("T601", "DROP INDEX CONCURRENTLY cannot run inside the revision's transaction (PostgreSQL "
                               "stops it with 25001)");
        } else if (!fresh) {
            report("T402", "drops an index without CONCURRENTLY: its table is locked against reads and writes until "
                           "running queries finish");
        }
    } else if (tag == "ReindexStmt") {
        if (has_option(s["params"], "concurrently")) {
            if (m_facts.transactional)
                report("T601", "REINDEX CONCURRENTLY cannot run inside the revision's transaction (PostgreSQL stops it "
                               "with 25001)");
        } else if (s["kind"].str() != "REINDEX_OBJECT_SYSTEM" &&
                   (s["relation"].is_null() || existing(relation_name(s["relation"])))) {
            report("T403", "reindexes without CONCURRENTLY: writes to the table wait, and reads that use the index "
                           "block, until it is rebuilt");
        }
    } else if (tag == "AlterTableStmt" && s["objtype"].str() == "OBJECT_TABLE") {
        alter_table(s, report);
    } else if (tag == "VacuumStmt") {
        if (s["is_vacuumcmd"].truthy() && has_option(s["options"], "full"))
            report("T407", "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock: nothing reads or writes it "
                           "until it is done");
        if (s["is_vacuumcmd"].truthy() && m_facts.transactional)
            report("T601", "VACUUM cannot run inside the revision's transaction (PostgreSQL stops it with 25001)");
    } else if (tag == "ClusterStmt") {
        report("T407", "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock: nothing reads or writes it until "
                       "it is done");
    } else if (tag == "AlterDomainStmt" && s["subtype"].str() == "C") {
        if (!s["def"]["Constraint"]["skip_validation"].truthy())
            report("T408", "adds a constraint to a domain: every column of the domain is checked while the tables "
                           "that use it are locked");
    } else if (tag == "TruncateStmt" && s["behavior"].str() == "DROP_CASCADE") {
        report("T103", "TRUNCATE ... CASCADE also empties every table with a foreign key to these, and theirs");
    } else if (tag == "DropdbStmt") {
        report("T104", fmt::format("drops database {} and everything in it", text_of(s["dbname"])));
    } else if (tag == "TransactionStmt") {
        transaction(s["kind"].str(), report);
    }
    duplicate_columns(stmt, report);
    if (tag == "CreateStmt") {
        for (const auto& element : s["tableElts"].items())
            char_column(relation_name(s["relation"]), element["ColumnDef"], report);
    }
}

void PgRules::transaction(std::string_view kind, const Report& report) {
    bool begins = kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START";
    bool ends = kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE";
    if (m_facts.transactional) {
        if (begins || ends || kind == "TRANS_STMT_COMMIT_PREPARED")
            report("T602", "transaction control inside a revision: trellis runs each revision in its own transaction "
                           "with its ledger row, and a COMMIT here ends it early");
        return;
    }
    // A revision that is not transactional may run its own transactions, if they pair up.
    if (begins && m_open)
        report("T602", "BEGIN inside the transaction an earlier BEGIN opened: PostgreSQL ignores it with a warning, "
                       "and the first COMMIT ends both");
    else if (ends && !m_open)
        report("T602", "ends a transaction that was never begun: the statements above it already committed one by "
                       "one, and PostgreSQL only warns");
    if (begins)
        m_open = true;
    else if (ends)
        m_open = false;
}

void PgRules::alter_table(const Node& alter, const Report& report) {
    auto table = relation_name(alter["relation"]);
    for (const auto& item : alter["cmds"].items()) {
        const auto& cmd = item["AlterTableCmd"];
        auto subtype = cmd["subtype"].str();
        auto column = text_of(cmd["name"]);
        if (subtype == "AT_AddColumn")
            add_column(table, cmd["def"]["ColumnDef"], report);
        else if (subtype == "AT_AddConstraint")
            add_constraint(table, cmd["def"]["Constraint"], report);
        else if (subtype == "AT_AlterColumnType") {
            if (is_char_type(cmd["def"]["ColumnDef"]["typeName"]))
                report("T701", fmt::format("changes {}.{} to char(n): values are padded with blanks to the length",
                                           table, column));
            alter_type(table, column, cmd["def"]["ColumnDef"], report);
        } else if (subtype == "AT_ValidateConstraint") {
            std::pair<std::string, std::string> added{table, column};
            if (auto it = m_not_valid.find(added); it != m_not_valid.end() && m_facts.transactional && existing(table))
                report(it->second, fmt::format("validates {} in the same transaction that added it NOT VALID: the lock "
                                               "the ADD took is held through the whole scan",
                                               column));
        } else if (subtype == "AT_SetNotNull") {
            // From PostgreSQL 12, a validated CHECK (col IS NOT NULL) spares SET NOT NULL its scan.
            bool proven = m_facts.pg_version >= 12 && m_facts.proven_not_null(table, column);
            if (existing(table) && !proven && !m_facts.not_null(table, column))
                report("T409", fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS EXCLUSIVE "
                                           "lock",
                                           table, column));
        } else if (subtype == "AT_DropNotNull") {
            if (existing(table))
                report("T303", fmt::format("drops NOT NULL from {}.{}: code that relies on a value there now meets "
                                           "NULLs",
                                           table, column));
        } else if (subtype == "AT_DetachPartition") {
            if (cmd["def"]["PartitionCmd"]["concurrent"].truthy()) {
                if (m_facts.transactional)
                    report("T601", "DETACH PARTITION CONCURRENTLY cannot run inside the revision's transaction "
                                   "(PostgreSQL stops it with 25001)");
            } else {
                report("T404", fmt::format("detaches a partition of {} without CONCURRENTLY: {} is locked against "
                                           "reads and writes",
                                           table, table));
            }
        }
    }
}

void PgRules::char_column(const std::string& table, const Node& column, const Report& report) {
    if (!column.is_null() && is_char_type(column["typeName"]))
        report("T701", fmt::format("{}.{} is char(n): values are padded with blanks to the length, and the padding "
                                   "is ignored in comparisons but not in length(), LIKE or the client",
                                   table, text_of(column["colname"])));
}

void PgRules::add_column(const std::string& table, const Node& column, const Report& report) {
    char_column(table, column, report);
    if (!existing(table))
        return;
    auto name = text_of(column["colname"]);
    auto type = last_name(column["typeName"]["names"]);
    if (fills_itself(type))
        report("T502", fmt::format("adds {}.{} as {}: every row gets its own value from a sequence, so the table is "
                                   "rewritten under an ACCESS EXCLUSIVE lock",
                                   table, name, type));
    for (const auto& item : column["constraints"].items()) {
        const auto& c = item["Constraint"];
        auto kind = c["contype"].str();
        if (kind == "CONSTR_DEFAULT") {
            if (m_facts.pg_version < 11)
                report("T502", fmt::format("adds {}.{} with a DEFAULT: before PostgreSQL 11 that rewrites the whole "
                                           "table under an ACCESS EXCLUSIVE lock",
                                           table, name));
            else if (may_be_volatile(c["raw_expr"]))
                report("T502", fmt::format("adds {}.{} with a volatile DEFAULT: each row gets its own value, so the "
                                           "table is rewritten under an ACCESS EXCLUSIVE lock",
                                           table, name));
        } else if (kind == "CONSTR_GENERATED") {
            report("T502", fmt::format("adds {}.{} as a STORED generated column: the table is rewritten under an "
                                       "ACCESS EXCLUSIVE lock",
                                       table, name));
        } else if (kind == "CONSTR_IDENTITY") {
            report("T502", fmt::format("adds {}.{} as an identity column: every row gets its own value, so the table "
                                       "is rewritten under an ACCESS EXCLUSIVE lock",
                                       table, name));
        } else if (kind == "CONSTR_FOREIGN" && !c["skip_validation"].truthy()) {
            report("T405", fmt::format("adds {}.{} with a foreign key: {} and {} are locked against writes while it is "
                                       "checked",
                                       table, name, table, relation_name(c["pktable"])));
        } else if (kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE") {
            report("T410", fmt::format("adds {}.{} with a {} index built under an ACCESS EXCLUSIVE lock", table, name,
                                       kind == "CONSTR_PRIMARY" ? "primary key" : "unique"));
        }
    }
}

void PgRules::add_constraint(const std::string& table, const Node& c, const Report& report) {
    auto kind = c["contype"].str();
    auto name = text_of(c["conname"]);
    bool not_valid = c["skip_validation"].truthy();
    if (not_valid)
        m_not_valid[{table, name}] = kind == "CONSTR_FOREIGN" ? "T405" : "T406";
    if (!existing(table))
        return;
    if (kind == "CONSTR_FOREIGN" && !not_valid)
        report("T405", fmt::format("adds a foreign key on {} without NOT VALID: {} and {} are locked against writes "
                                   "while every row is checked",
                                   table, table, relation_name(c["pktable"])));
    else if (kind == "CONSTR_CHECK" && !not_valid)
        report("T406", fmt::format("adds a CHECK on {} without NOT VALID: {} is locked against reads and writes while "
                                   "every row is checked",
                                   table, table));
    else if ((kind == "CONSTR_PRIMARY" || kind == "CONSTR_UNIQUE") && c["indexname"].is_null())
        report("T410", fmt::format("adds a {} on {} that builds its index under an ACCESS EXCLUSIVE lock",
                                   kind == "CONSTR_PRIMARY" ? "primary key" : "unique constraint", table));
}

void PgRules::alter_type(const std::string& table, const std::string& column, const Node& def, const Report& report) {
    if (!existing(table))
        return;
    auto to_text = pg_type_text(def["typeName"]);
    auto from_text = m_facts.column_type(table, column);
    bool using_expr = !def["raw_default"].is_null();
    if (!from_text.empty() && !using_expr &&
        keeps_storage(trellis::column_type(from_text), trellis::column_type(to_text)))
        return;
    auto from = from_text.empty() ? std::string("its earlier type (not in the revisions read)") : from_text;
    report("T501", fmt::format("changes {}.{} from {} to {}: the table and its indexes are rewritten under an ACCESS "
                               "EXCLUSIVE lock",
                               table, column, from, to_text));
}

} // namespace trellis::lint
