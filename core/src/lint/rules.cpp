// The rule table: every code, what it protects against and the safe way. Codes are stable; a
// retired code is never reused.
#include "lint/lint.hpp"

namespace trellis {

const std::vector<LintRule>& lint_rules() {
    static const std::vector<LintRule> rules = {
        {"T001", "failure", "PostgreSQL's parser rejects a statement",
         "Fix the statement. If it is SQL newer than the parser (PostgreSQL 15), review it by hand and silence it "
         "with `-- trellis:nolint T001`.",
         "a revision that stops halfway with a syntax error on the first database it runs on"},
        {"T101", "destructive", "a table is dropped",
         "Its rows are gone once this runs. If nothing needs them any more, say so with `-- trellis:nolint T101`.",
         "losing every row of the table"},
        {"T102", "destructive", "a column is dropped",
         "Its data is gone once this runs, and code still reading it breaks: deploy code that no longer uses it "
         "first, then silence with `-- trellis:nolint T102`.",
         "losing the column's data and breaking code that reads it"},
        {"T103", "destructive", "TRUNCATE ... CASCADE",
         "Truncate the tables you mean by name, without CASCADE, so that PostgreSQL refuses when another table "
         "refers to them.",
         "emptying tables the statement does not name"},
        {"T104", "destructive", "a database is dropped",
         "A revision should never drop a database; do it by hand, after a backup.", "losing a whole database"},
        {"T201", "data", "a NOT NULL column without a default is added to an existing table",
         "Rows already in the table have no value for it: give it a DEFAULT, or add it nullable, fill it, and "
         "make it NOT NULL in a later revision.",
         "an upgrade that fails on the first table with rows"},
        {"T202", "data", "an existing column is made NOT NULL",
         "Fill the NULLs first (UPDATE ... WHERE column IS NULL) in the same revision, or silence with "
         "`-- trellis:nolint T202` when a step does it.",
         "an upgrade that fails on a database with NULLs in the column"},
        {"T203", "data", "a unique index, unique constraint or primary key is added over existing rows",
         "Look for duplicates first (SELECT columns, count(*) ... GROUP BY columns HAVING count(*) > 1) and "
         "resolve them in the same revision.",
         "an upgrade that fails on a database with duplicates"},
        {"T204", "data", "a column's type is narrowed",
         "Check that every value fits the new type (the longest string, the largest number) before running it.",
         "an upgrade that fails, or values cut, on the data already there"},
        {"T301", "compatibility", "a table or column is renamed",
         "Code deployed against the old name breaks until it is updated; when old and new code run at once, "
         "add the new name, copy, switch the code, then drop the old name.",
         "errors in the application still running the old code"},
        {"T302", "compatibility", "a column is dropped and another added in one revision (it looks like a rename)",
         "If this is a rename, ALTER TABLE ... RENAME COLUMN keeps the data; the DROP loses it.",
         "losing data through a rename written as drop and add"},
        {"T303", "compatibility", "NOT NULL is dropped from a column",
         "Deploy code that copes with NULLs first, then silence with `-- trellis:nolint T303`.",
         "code that assumed a value meeting NULLs"},
        {"T401", "lock", "CREATE INDEX without CONCURRENTLY on an existing table",
         "Use CREATE INDEX CONCURRENTLY in a revision of its own with `-- transactional: false`.",
         "writes to the table blocked for as long as the index takes to build"},
        {"T402", "lock", "DROP INDEX without CONCURRENTLY",
         "Use DROP INDEX CONCURRENTLY in a revision of its own with `-- transactional: false`.",
         "reads and writes of the table queued behind the drop"},
        {"T403", "lock", "REINDEX without CONCURRENTLY",
         "Use REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a revision with `-- transactional: false`.",
         "writes, and reads through the index, blocked while it rebuilds"},
        {"T404", "lock", "DETACH PARTITION without CONCURRENTLY",
         "Use ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) with `-- transactional: false`.",
         "the partitioned table locked against reads and writes"},
        {"T405", "lock", "a foreign key added without NOT VALID (or validated in the transaction that added it)",
         "Add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later revision: validating takes "
         "a lock that lets reads and writes go on.",
         "writes to both tables blocked while every row is checked"},
        {"T406", "lock", "a CHECK constraint added without NOT VALID (or validated in the transaction that added it)",
         "Add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later revision.",
         "the table locked against reads and writes while every row is checked"},
        {"T407", "lock", "VACUUM FULL or CLUSTER",
         "Use pg_repack or pg_squeeze on a live database, or run it by hand in a maintenance window.",
         "the table locked against reads and writes while it is rewritten"},
        {"T408", "lock", "a constraint added to a domain",
         "Add it with NOT VALID, then ALTER DOMAIN ... VALIDATE CONSTRAINT in a later revision.",
         "every table using the domain locked while its rows are checked"},
        {"T409", "lock", "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
         "On PostgreSQL 12+: ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a "
         "later revision, then SET NOT NULL (it uses the check and skips the scan) and drop the check.",
         "reads and writes of the table blocked while every row is checked"},
        {"T410", "lock", "a primary key or unique constraint that builds its index under the table's lock",
         "CREATE UNIQUE INDEX CONCURRENTLY in a revision with `-- transactional: false`, then ADD CONSTRAINT ... "
         "PRIMARY KEY / UNIQUE USING INDEX.",
         "reads and writes of the table blocked while the index builds"},
        {"T501", "rewrite", "a type change that rewrites the table",
         "Add a column of the new type, backfill it in batches, switch the code, drop the old column; or keep a "
         "change PostgreSQL makes without a rewrite (varchar(n) to a longer varchar or text, numeric precision up).",
         "the table and its indexes rewritten under an ACCESS EXCLUSIVE lock"},
        {"T502", "rewrite", "a column added with a volatile or generated default rewrites the table",
         "Add the column without a default (or with a constant one, PostgreSQL 11+), then fill it in batches.",
         "the table rewritten under an ACCESS EXCLUSIVE lock"},
        {"T601", "failure", "CONCURRENTLY (or VACUUM) inside a transactional revision",
         "Put the statement in a revision of its own with `-- transactional: false`.",
         "an upgrade that stops with SQLSTATE 25001 on every database"},
        {"T602", "failure",
         "BEGIN, COMMIT or ROLLBACK inside a transactional revision, or ones that do not pair up in one that is not",
         "In a transactional revision remove it: trellis runs each revision in its own transaction with its ledger "
         "row. In one with `-- transactional: false`, end each BEGIN with one COMMIT or ROLLBACK.",
         "a revision half applied with no ledger row, or one that commits what should roll back"},
        {"T603", "failure",
         "a column assigned or declared twice (UPDATE, INSERT, MERGE, ON CONFLICT, CREATE TABLE, a view's columns)",
         "Name each column once.", "an upgrade that stops with SQLSTATE 42601 or 42701"},
        {"T604", "failure", "an identifier longer than 63 bytes",
         "Shorten it: PostgreSQL cuts names to 63 bytes, so two long names can become one, and later revisions "
         "that use the full name do not find it.",
         "objects under a name the revisions do not use"},
        {"T701", "type", "a char(n) column",
         "Use text, or varchar(n) when a limit matters: char(n) pads every value with blanks and is no faster.",
         "values that compare equal but differ in length, LIKE and the client"},
    };
    return rules;
}

} // namespace trellis
