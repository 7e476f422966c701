#include "db/transaction_seal.hpp"

#include "db/sqlite_database.hpp"

namespace trellis {

TransactionSeal::TransactionSeal(Database& db)
    : m_sqlite(dynamic_cast<SqliteDatabase*>(&db)) {
    if (m_sqlite)
        m_sqlite->seal_transaction(true);
}

TransactionSeal::~TransactionSeal() {
    if (m_sqlite)
        m_sqlite->seal_transaction(false);
}

} // namespace trellis
