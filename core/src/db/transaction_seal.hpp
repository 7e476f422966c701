// The transaction trellis runs a revision in, sealed while the revision's statements run: SQL
// that would end it, begin another or nest one (BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT,
// RELEASE) fails before it runs, and the revision is rolled back with its ledger row unwritten.
// On SQLite the database decides, through its authorizer, as it prepares each statement: no
// splitter that reads the SQL otherwise (a PostgreSQL-style nested comment, a `$$`) can be fooled
// into letting a COMMIT through. On PostgreSQL it does nothing: the check at load splits as
// PostgreSQL does, and a commit finds an ended transaction (k_transaction_ended).
#pragma once

namespace trellis {

class Database;
class SqliteDatabase;

class TransactionSeal {
public:
    // Inside a transaction begin() opened; ends before its commit() or rollback().
    explicit TransactionSeal(Database& db);
    ~TransactionSeal();
    TransactionSeal(const TransactionSeal&) = delete;
    TransactionSeal& operator=(const TransactionSeal&) = delete;

private:
    SqliteDatabase* m_sqlite;
};

} // namespace trellis
