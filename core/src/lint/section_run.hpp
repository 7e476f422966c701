// One section's statements run against the tables they change (lint/section_check.hpp): the
// table state (which table each name is now, its columns, whether it may hold rows) and the
// events the rules over the whole section read at its end. Statement by statement in
// section_run.cpp, the rules that need the whole section in section_rules.cpp. Not thread-safe:
// one run per section.
#pragma once

#include "lint/section_check.hpp"
#include "lint/table_object.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace trellis::lint {

class SectionRun {
public:
    // `schema`: the tables as the revisions before the section left them; finish() writes the
    // section's changes back into it.
    SectionRun(KnownSchema& schema, const SectionContext& context)
        : m_schema(schema)
        , m_context(context) {}

    // The facts PostgreSQL's rules ask for (lint/pg_rules.hpp). Whether `table` may hold rows now.
    bool has_rows(const std::string& table) { return m_objects[object(table)].has_rows; }
    std::string column_type(const std::string& table, const std::string& column) {
        auto* c = m_objects[object(table)].column(column);
        return c ? c->type : "";
    }
    void report_at(std::size_t statement, std::string code, std::string message, std::string hint = "") {
        m_findings.push_back({std::move(code), statement, std::move(message), std::move(hint)});
    }
    bool proven_not_null(const std::string& table, const std::string& column) {
        return m_objects[object(table)].shape.proven_not_null.contains(sql::key(column));
    }
    bool not_null(const std::string& table, const std::string& column) {
        auto* c = m_objects[object(table)].column(column);
        return c && c->not_null;
    }
    void backfill(const std::string& table, const std::string& column) {
        m_backfills.emplace(object(table), sql::key(column));
    }
    // Runs statement `statement`'s change against the tables.
    void apply(std::size_t statement, const Change& change) {
        m_statement = statement;
        std::visit([this](const auto& c) { on(c); }, change);
    }
    // The rules over the whole section; the findings in statement order.
    std::vector<SectionFinding> finish();

private:
    // --- the statements (section_run.cpp) ----------------------------------------------------
    void on(const CreateTable& c);
    void on(const DropTable& d);
    void on(const AddColumn& a);
    void on(const DropColumn& d);
    void on(const AlterType& a);
    void on(const SetNotNull& s);
    void on(const RenameTable& r);
    void on(const RenameColumn& r);
    void on(const AddUnique& u);
    void on(const CopyRows& c) { copy(object(c.target), c); }
    void on(const InsertRows& i) { m_objects[object(i.table)].has_rows = true; }
    void on(const NotNullCheck& c);
    void on(const ValidateConstraint& v);
    // A valid CHECK (col IS NOT NULL): no NULL left, so neither T202 nor SET NOT NULL's scan.
    void prove(const std::string& table, const std::string& column);
    void on(const SetColumns& s);

    // --- tables --------------------------------------------------------------------------------
    int add(TableObject t);
    bool exists(const std::string& name) const;
    // The live table called `name`. One the section has not met yet existed before it, with the
    // shape the earlier revisions gave it (if they did).
    int object(const std::string& name);
    void copy(int target, const CopyRows& rows);
    bool added_in_section(int object, std::string_view column) const;
    bool backfilled(int object, std::string_view column) const;
    bool named(int object, const std::string& name) const;

    // --- the rules over the whole section and its type changes (section_rules.cpp) ------------
    // A dropped table whose rows were copied into the table that now has its name was rebuilt.
    void resolve_drops();
    // Renaming a table this section created, or one whose old name a new table takes again, breaks no reader.
    void resolve_renames();
    static bool same_family(const ColumnDef& a, const ColumnDef& b);
    void pair_drops_with_adds();
    void check_rebuild(const CopyEvent& copy, int old_object);
    void check_type_change(const std::string& table, const std::string& column, const std::string& from,
                           const std::string& to);

    // --- output --------------------------------------------------------------------------------
    void report(std::string code, std::string message) { report_at(m_statement, std::move(code), std::move(message)); }
    void write_back();

    KnownSchema& m_schema;
    const SectionContext& m_context;
    std::size_t m_statement = 0;
    std::vector<TableObject> m_objects;
    std::unordered_map<std::string, int> m_names; // by key(name); -1: dropped or renamed away
    std::vector<CopyEvent> m_copies;
    std::vector<DropEvent> m_drops;
    std::vector<RenameEvent> m_renames;
    std::vector<ColumnEvent> m_added, m_dropped;
    std::map<std::pair<int, std::string>, std::size_t> m_added_index; // (object, key(column)) → its last add
    std::set<std::pair<int, std::string>> m_added_with_default;
    std::set<std::pair<int, std::string>> m_backfills; // (object, key(column)) set by an UPDATE
    std::vector<SectionFinding> m_findings;
};

} // namespace trellis::lint
