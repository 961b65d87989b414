#include "kalam/tables/transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "kalam/commons/seq_generator.h"
#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/table_store.h"

namespace kalam::tables {
namespace {

using duckdb::Value;
using ::testing::HasSubstr;

// Transactions over a real RocksDB in a temporary directory: id BIGINT PRIMARY KEY, body TEXT.
class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto opened = TableStore::Open(*backend_, seq_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    def_.id = TableId{NamespaceId("app"), TableName("msgs")};
    def_.number = 7;
    def_.type = TableType::kUser;
    ColumnDefinition id;
    id.name = "id";
    id.type = DataType{TypeKind::kBigInt, 0, 0};
    id.primary_key = true;
    id.nullable = false;
    id.column_id = 1;
    ColumnDefinition body;
    body.name = "body";
    body.type = DataType{TypeKind::kText, 0, 0};
    body.column_id = 2;
    def_.columns = {id, body};
  }

  static std::vector<Value> Row(int64_t id, const std::string& body) { return {Value::BIGINT(id), Value(body)}; }

  // The newest version of key `id` as the database (or `txn`'s view) holds it.
  std::optional<TableStore::IndexedVersion> Find(int64_t id, const Transaction* txn = nullptr) {
    const auto view = txn ? txn->NewestView() : nullptr;
    auto found = store_->FindIndexed(TableStore::PrimaryKeyIndexKey(def_, "alice", Value::BIGINT(id)), view.get());
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }

  RowChange ChangeOf(int64_t id, const std::string& body, const Transaction* txn = nullptr) {
    RowChange change;
    change.current_seq = Find(id, txn)->seq;
    change.values = Row(id, body);
    return change;
  }

  TempDir dir_;
  SeqGenerator seq_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<TableStore> store_;
  TableDefinition def_;
};

TEST_F(TransactionTest, StagedWritesAreSeenOnlyThroughTheTransactionUntilCommit) {
  Transaction txn(*backend_);
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(1, "a"), Row(2, "b")}, {}, &txn).ok());
  EXPECT_FALSE(Find(1).has_value());
  ASSERT_TRUE(Find(1, &txn).has_value());
  auto counted = store_->CountHotRows(def_, nullptr);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 0u);

  // A primary-key check inside the transaction sees its own row.
  auto dup = store_->Insert(def_, "alice", {Row(1, "again")}, {}, &txn);
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), HasSubstr("Primary key violation"));

  auto committed = store_->Commit(txn);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, 2u);
  ASSERT_TRUE(Find(1).has_value());
  EXPECT_FALSE(Find(1)->deleted);
  counted = store_->CountHotRows(def_, nullptr);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 2u);
}

TEST_F(TransactionTest, DestroyingATransactionWritesNothing) {
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(1, "a")}).ok());
  const SeqId before = Find(1)->seq;
  {
    Transaction txn(*backend_);
    ASSERT_TRUE(store_->Insert(def_, "alice", {Row(2, "b")}, {}, &txn).ok());
    ASSERT_TRUE(store_->Delete(def_, "alice", {ChangeOf(1, "a", &txn)}, {}, &txn).ok());
    EXPECT_TRUE(Find(1, &txn)->deleted);
  }
  EXPECT_FALSE(Find(2).has_value());
  ASSERT_TRUE(Find(1).has_value());
  EXPECT_EQ(Find(1)->seq, before);
  EXPECT_FALSE(Find(1)->deleted);
}

TEST_F(TransactionTest, TheSecondCommitOfTheSameKeyConflictsAndWritesNothing) {
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(1, "a")}).ok());
  Transaction first(*backend_);
  Transaction second(*backend_);
  ASSERT_TRUE(store_->Update(def_, "alice", {ChangeOf(1, "first", &first)}, {}, &first).ok());
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(5, "only in second")}, {}, &second).ok());
  ASSERT_TRUE(store_->Update(def_, "alice", {ChangeOf(1, "second", &second)}, {}, &second).ok());

  ASSERT_TRUE(store_->Commit(first).ok());
  const SeqId after_first = Find(1)->seq;
  auto lost = store_->Commit(second);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(lost.status().message(), HasSubstr("Transaction conflict: row '1' of table app.msgs"));
  // None of the second transaction's writes applied, its other row included.
  EXPECT_FALSE(Find(5).has_value());
  EXPECT_EQ(Find(1)->seq, after_first);
}

TEST_F(TransactionTest, AWriteOutsideAnyTransactionAlsoWinsAgainstOne) {
  Transaction txn(*backend_);
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(3, "tx")}, {}, &txn).ok());
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(3, "plain")}).ok());
  auto lost = store_->Commit(txn);
  ASSERT_FALSE(lost.ok());
  EXPECT_THAT(lost.status().message(), HasSubstr("Transaction conflict"));
}

TEST_F(TransactionTest, CommittedVersionsGetFreshSeqsInWriteOrder) {
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(1, "a")}).ok());
  Transaction txn(*backend_);
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(2, "b")}, {}, &txn).ok());
  ASSERT_TRUE(store_->Update(def_, "alice", {ChangeOf(1, "a2", &txn)}, {}, &txn).ok());
  // A plain write after the transaction's writes but before its commit.
  ASSERT_TRUE(store_->Insert(def_, "alice", {Row(9, "plain")}).ok());
  const SeqId plain = Find(9)->seq;
  std::unordered_map<SeqId, SeqId> final_seqs;
  ASSERT_TRUE(store_->Commit(txn, &final_seqs).ok());
  // `_seq` order is commit order: the transaction's versions come after the plain write.
  EXPECT_GT(Find(2)->seq, plain);
  EXPECT_GT(Find(1)->seq, Find(2)->seq);
  EXPECT_EQ(final_seqs.size(), 2u);
  auto counted = store_->CountHotRows(def_, nullptr);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, 3u);  // the superseded version of key 1 is gone
}

}  // namespace
}  // namespace kalam::tables
