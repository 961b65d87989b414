// Transactions through the engine: atomic visibility, no lost update under concurrent
// transactions, rollback, and the row limit.

#include <atomic>
#include <thread>

#include "engine_test_util.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TransactionEngineTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Run(Root(), "CREATE NAMESPACE app");
    Run(Root(), "CREATE SHARED TABLE app.counters (id INT PRIMARY KEY, n INT)");
    Run(Root(), "INSERT INTO app.counters VALUES (1, 0)");
  }
};

TEST_F(TransactionEngineTest, ConcurrentTransactionsOnOneRowLoseNoUpdate) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  std::vector<Session*> sessions;
  for (int t = 0; t < kThreads; ++t) sessions.push_back(&As("w" + std::to_string(t), Role::kDba));
  std::atomic<int> committed{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        auto outcome = engine_->Execute(*sessions[t], "BEGIN; UPDATE app.counters SET n = n + 1 WHERE id = 1; COMMIT");
        if (outcome.ok()) {
          committed.fetch_add(1);
        } else if (outcome.error.message().find("Transaction conflict") == std::string::npos) {
          unexpected.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(committed.load(), 0);
  // Every committed increment is there, and no failed one.
  EXPECT_THAT(Query(Root(), "SELECT n FROM app.counters WHERE id = 1"), ElementsAre(std::to_string(committed.load())));
}

TEST_F(TransactionEngineTest, ReadersSeeAllOfATransactionOrNothing) {
  Run(Root(), "CREATE SHARED TABLE app.batch (id INT PRIMARY KEY, round INT)");
  constexpr int kRounds = 30;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  Session& reader = As("reader", Role::kDba);
  std::thread read_loop([&] {
    while (!done.load()) {
      auto outcome = engine_->Execute(reader, "SELECT count(*) FROM app.batch");
      if (!outcome.ok()) continue;
      const auto rows = Rows(outcome.results.back());
      if (rows.size() != 1 || std::stoi(rows[0]) % 10 != 0) torn.fetch_add(1);
    }
  });
  Session& writer = As("writer", Role::kDba);
  for (int r = 0; r < kRounds; ++r) {
    std::string sql = "BEGIN";
    for (int k = 0; k < 10; ++k) {
      sql += "; INSERT INTO app.batch VALUES (" + std::to_string(r * 10 + k) + ", " + std::to_string(r) + ")";
    }
    Run(writer, sql + "; COMMIT");
  }
  done.store(true);
  read_loop.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.batch"), ElementsAre(std::to_string(kRounds * 10)));
}

TEST_F(TransactionEngineTest, AFailureRollsBackOnlyTheTransaction) {
  Status s = Fail(Root(),
                  "UPDATE app.counters SET n = 5 WHERE id = 1; BEGIN; INSERT INTO app.counters VALUES (2, 2); "
                  "UPDATE app.counters SET n = 6 WHERE id = 1; SELECT 'x'::INT; COMMIT");
  EXPECT_THAT(s.message(), HasSubstr("Statement 5 failed: "));
  EXPECT_THAT(s.message(), HasSubstr("the transaction was rolled back: nothing written since BEGIN (statement 2)"));
  EXPECT_THAT(Query(Root(), "SELECT id, n FROM app.counters ORDER BY id"), ElementsAre("1|5"));
}

TEST_F(TransactionEngineTest, ATransactionIsBoundedByTheWriteRowLimit) {
  EngineConfig config;
  config.query_threads = 1;
  config.max_write_rows = 5;
  ReopenWith(config);
  Status s = Fail(Root(),
                  "BEGIN; INSERT INTO app.counters VALUES (2, 0), (3, 0), (4, 0); "
                  "INSERT INTO app.counters VALUES (5, 0), (6, 0), (7, 0); COMMIT");
  EXPECT_THAT(s.message(), HasSubstr("Statement 3 failed: Too many rows written: the transaction would write more "
                                     "than limits.max_write_rows (5) rows"));
  EXPECT_THAT(Query(Root(), "SELECT count(*) FROM app.counters"), ElementsAre("1"));
  // Rows written several times count once.
  Run(Root(),
      "BEGIN; UPDATE app.counters SET n = n + 1; UPDATE app.counters SET n = n + 1; "
      "UPDATE app.counters SET n = n + 1; UPDATE app.counters SET n = n + 1; "
      "UPDATE app.counters SET n = n + 1; UPDATE app.counters SET n = n + 1; COMMIT");
  EXPECT_THAT(Query(Root(), "SELECT n FROM app.counters"), ElementsAre("6"));
}

}  // namespace
}  // namespace kalam::core::testing
