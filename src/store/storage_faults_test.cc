// Storage failures of the hot tier, injected through the store's failpoints into RocksDB's
// real file system (kalam/commons/failpoint.h): a full disk and a failing fsync while the log
// is written, and a full disk while a memtable is flushed. Each write that hits the fault is
// refused with Unavailable and not applied; nothing acknowledged is lost; writes are accepted
// again once the fault is gone.
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "kalam/commons/failpoint.h"
#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"

namespace kalam::store {
namespace {

// Polls `done` until it holds or the deadline passes; RocksDB recovers from a full disk on its
// own background thread, so the test waits for that observable effect.
bool PollUntil(const std::function<bool()>& done, std::chrono::seconds deadline = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

class StorageFaultsTest : public ::testing::Test {
 protected:
  void TearDown() override { DisarmAllFailpoints(); }

  void Open(bool sync_writes = false) {
    StoreOptions options;
    options.sync_writes = sync_writes;
    options.block_cache_bytes = 1 << 20;
    auto opened = StorageBackend::Open(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(opened).value();
  }

  std::optional<std::string> Get(std::string_view key) {
    auto r = db_->Get(Partition::kRows, key);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::nullopt;
  }

  // Writes `key` until it is accepted; false when the deadline passes first.
  bool PutEventually(const std::string& key) {
    return PollUntil([&] { return db_->Put(Partition::kRows, key, "v").ok(); });
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> db_;
};

TEST_F(StorageFaultsTest, FullDiskWhileAppendingTheLogRefusesTheWriteAndRecovers) {
  Open();
  ASSERT_TRUE(db_->Put(Partition::kRows, "before", "v").ok());
  const uint64_t hits = FailpointHits(Failpoint::kStoreWalAppend);
  ArmFailpoint(Failpoint::kStoreWalAppend, ENOSPC);

  const Status refused = db_->Put(Partition::kRows, "during", "v");
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused.ToString();
  EXPECT_NE(refused.message().find("No space left on device"), std::string::npos) << refused.message();
  EXPECT_EQ(refused.message().find(dir_.path()), std::string::npos) << "no server path in client messages";
  EXPECT_GT(FailpointHits(Failpoint::kStoreWalAppend), hits);
  // Still full: later writes are refused too, and reads keep working.
  EXPECT_EQ(db_->Put(Partition::kRows, "during2", "v").code(), StatusCode::kUnavailable);
  EXPECT_EQ(Get("before"), "v");

  DisarmFailpoint(Failpoint::kStoreWalAppend);
  ASSERT_TRUE(PutEventually("after")) << "writes were not accepted again after space returned";
  EXPECT_EQ(Get("before"), "v");
  EXPECT_EQ(Get("during"), std::nullopt);
  EXPECT_EQ(Get("after"), "v");

  db_.reset();
  Open();
  EXPECT_EQ(Get("before"), "v");
  EXPECT_EQ(Get("during"), std::nullopt);
  EXPECT_EQ(Get("after"), "v");
}

TEST_F(StorageFaultsTest, FailedLogFsyncReopensTheDatabaseOnceTheStorageWorks) {
  Open(/*sync_writes=*/true);
  ASSERT_TRUE(db_->Put(Partition::kRows, "before", "v").ok());
  ArmFailpoint(Failpoint::kStoreWalSync, EIO);

  const Status refused = db_->Put(Partition::kRows, "during", "v");
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused.ToString();
  EXPECT_NE(refused.message().find("I/O error"), std::string::npos) << refused.message();
  EXPECT_EQ(Get("before"), "v");

  DisarmFailpoint(Failpoint::kStoreWalSync);
  {
    // RocksDB never resumes after a failed fsync of its log; the backend reopens the database,
    // but not under an open snapshot, which points into the old instance.
    auto snapshot = db_->GetSnapshot();
    const Status waiting = db_->Put(Partition::kRows, "while-pinned", "v");
    EXPECT_EQ(waiting.code(), StatusCode::kUnavailable) << waiting.ToString();
    EXPECT_EQ(db_->Get(Partition::kRows, "before", snapshot.get()).value(), "v");
  }
  ASSERT_TRUE(db_->Put(Partition::kRows, "after", "v").ok());
  EXPECT_EQ(Get("before"), "v");
  EXPECT_EQ(Get("after"), "v");
  {
    auto rows = db_->Scan(Partition::kRows, "", "");
    int count = 0;
    for (rows->SeekToFirst(); rows->Valid(); rows->Next()) ++count;
    EXPECT_TRUE(rows->status().ok());
    EXPECT_GE(count, 2);
  }

  db_.reset();
  Open(/*sync_writes=*/true);
  EXPECT_EQ(Get("before"), "v");
  EXPECT_EQ(Get("after"), "v");
}

TEST_F(StorageFaultsTest, FullDiskDuringAMemtableFlushKeepsTheRowsAndRecovers) {
  Open();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(db_->Put(Partition::kRows, "k" + std::to_string(i), "v").ok());
  ArmFailpoint(Failpoint::kStoreTableWrite, ENOSPC);

  const Status flushed = db_->FlushAll();
  EXPECT_EQ(flushed.code(), StatusCode::kUnavailable) << flushed.ToString();
  EXPECT_GT(FailpointHits(Failpoint::kStoreTableWrite), 0u);
  EXPECT_EQ(Get("k0"), "v");
  EXPECT_EQ(Get("k99"), "v");

  DisarmFailpoint(Failpoint::kStoreTableWrite);
  ASSERT_TRUE(PutEventually("after"));
  ASSERT_TRUE(db_->FlushAll().ok());
  db_.reset();
  Open();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Get("k" + std::to_string(i)), "v") << i;
  EXPECT_EQ(Get("after"), "v");
}

TEST(FailpointTest, SpecArmsFiltersAndDisarms) {
  EXPECT_EQ(FailpointFromName("store.wal_append"), Failpoint::kStoreWalAppend);
  EXPECT_EQ(FailpointName(Failpoint::kParquetWrite), "filestore.parquet_write");
  EXPECT_FALSE(FailpointFromName("store.nope"));

  EXPECT_TRUE(ApplyFailpointSpec("# comment\nfilestore.sync=ENOSPC:manifest.json\n\nstore.wal_sync=EIO\n").ok());
  EXPECT_EQ(FailpointCheck(Failpoint::kFilestoreSync, "t/u/.manifest.json.1.tmp"), ENOSPC);
  EXPECT_EQ(FailpointCheck(Failpoint::kFilestoreSync, "t/u/.batch-1.parquet.tmp"), 0);
  EXPECT_EQ(FailpointCheck(Failpoint::kStoreWalSync, "000004.log"), EIO);
  // A bad line applies nothing.
  EXPECT_EQ(ApplyFailpointSpec("store.wal_sync=off\nstore.bogus=EIO").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FailpointCheck(Failpoint::kStoreWalSync), EIO);
  EXPECT_TRUE(ApplyFailpointSpec("store.wal_sync=off\nfilestore.sync=off").ok());
  EXPECT_EQ(FailpointCheck(Failpoint::kStoreWalSync), 0);
  EXPECT_EQ(FailpointCheck(Failpoint::kFilestoreSync, "manifest.json"), 0);
}

}  // namespace
}  // namespace kalam::store
