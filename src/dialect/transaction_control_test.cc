#include "kalam/dialect/transaction_control.h"

#include "kalam/dialect/default_namespace.h"

#include <gtest/gtest.h>

namespace kalam::dialect {
namespace {

TEST(TransactionControlTest, EverySpelling) {
  const std::pair<const char*, TransactionControl> cases[] = {
      {"BEGIN", TransactionControl::kBegin},
      {"begin transaction", TransactionControl::kBegin},
      {"BEGIN WORK;", TransactionControl::kBegin},
      {"START TRANSACTION", TransactionControl::kBegin},
      {"COMMIT", TransactionControl::kCommit},
      {"commit work", TransactionControl::kCommit},
      {"END", TransactionControl::kCommit},
      {"END TRANSACTION ;", TransactionControl::kCommit},
      {"  ROLLBACK -- undo\n", TransactionControl::kRollback},
      {"ROLLBACK TRANSACTION", TransactionControl::kRollback},
  };
  for (const auto& [sql, control] : cases) {
    auto parsed = ParseTransactionControl(sql);
    ASSERT_TRUE(parsed.has_value()) << sql;
    EXPECT_EQ(*parsed, control) << sql;
  }
}

TEST(TransactionControlTest, OtherStatementsAreNotTransactionControl) {
  for (const char* sql : {"SELECT 1", "START", "START WORK", "BEGIN ISOLATION LEVEL SERIALIZABLE",
                          "COMMIT PREPARED 'x'", "ROLLBACK TO SAVEPOINT a", "\"begin\"", "BEGIN TRANSACTION x", "'"}) {
    EXPECT_FALSE(ParseTransactionControl(sql).has_value()) << sql;
  }
}

TEST(DefaultNamespaceTest, QuotesDefaultBeforeADotOnly) {
  EXPECT_EQ(QuoteDefaultNamespace("SELECT n.id FROM default.notes n"), "SELECT n.id FROM \"default\".notes n");
  EXPECT_EQ(QuoteDefaultNamespace("select 1 from DEFAULT . t, default.u"), "select 1 from \"default\" . t, \"default\".u");
  EXPECT_FALSE(QuoteDefaultNamespace("INSERT INTO t VALUES (DEFAULT)").has_value());
  EXPECT_FALSE(QuoteDefaultNamespace("SELECT 'default.t' FROM \"default\".t").has_value());
}

}  // namespace
}  // namespace kalam::dialect
