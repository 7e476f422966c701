// The seal on the transaction trellis runs a revision in: on SQLite the connection itself refuses,
// as it prepares them, the statements that would end, begin or nest that transaction, whatever
// the splitter made of the text, and the transaction stays open with what ran before.
#include "db/database.hpp"
#include "db/transaction_seal.hpp"
#include "db/url.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace trellis;
using namespace trellis::test;

TEST_SUITE("transaction_seal") {
    TEST_CASE("SQLite: a sealed transaction cannot be ended, begun again or nested, and keeps what ran") {
        TempDir dir;
        auto url = "sqlite:///" + (dir / "seal.db").string();
        auto db = connect(parse_url(url, dir.path()), OpenMode::read_write, 10);
        {
            Transaction transaction(*db);
            {
                TransactionSeal seal(*db);
                db->execute("CREATE TABLE kept (x INTEGER)");
                for (std::string sql : {"COMMIT", "END", "ROLLBACK", "BEGIN", "BEGIN IMMEDIATE", "SAVEPOINT s",
                                        "RELEASE s", "ROLLBACK TO s", "/* a /* b */ COMMIT", "EXPLAIN COMMIT"}) {
                    std::string message;
                    try {
                        db->execute(sql);
                    } catch (const SqlError& e) {
                        message = e.what();
                    }
                    CHECK_MESSAGE(contains(message, "controls the transaction trellis runs this revision in (SQLite "
                                                    "refused it): a transactional revision cannot end its own "
                                                    "transaction"),
                                  sql << ": " << message);
                    CHECK_MESSAGE(contains(message, "transactional: false"), sql);
                }
                CHECK_THROWS_AS(db->query("COMMIT"), SqlError);
                CHECK(db->in_transaction());
                db->execute("INSERT INTO kept VALUES (1)");
            }
            transaction.commit(); // unsealed: trellis's own COMMIT runs
        }
        CHECK(query(url, "SELECT count(*) FROM kept") == "1\n");
        // Without a seal SQL may manage transactions (a `transactional: false` revision).
        db->execute("BEGIN");
        db->execute("SAVEPOINT s");
        db->execute("INSERT INTO kept VALUES (2)");
        db->execute("RELEASE s");
        db->execute("COMMIT");
        CHECK(query(url, "SELECT count(*) FROM kept") == "2\n");
    }
}
