#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/byte_buffer.h"
#include "kalam/store/entity_store.h"

namespace kalam::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;


std::unique_ptr<StorageBackend> OpenOrDie(const std::string& path) {
  auto opened = StorageBackend::Open(path, StoreOptions{});
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// Reads the iterator forward from SeekToFirst.
KeyValues Forward(RangeIterator& it) {
  KeyValues out;
  for (it.SeekToFirst(); it.Valid(); it.Next()) out.emplace_back(it.key(), it.value());
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  return out;
}

std::vector<std::string> ForwardKeys(RangeIterator& it) {
  std::vector<std::string> out;
  for (it.SeekToFirst(); it.Valid(); it.Next()) out.emplace_back(it.key());
  return out;
}

std::vector<std::string> ReverseKeys(RangeIterator& it) {
  std::vector<std::string> out;
  for (it.SeekToLast(); it.Valid(); it.Prev()) out.emplace_back(it.key());
  return out;
}

class StorageBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(dir_.path());
    ASSERT_NE(db_, nullptr);
  }

  std::optional<std::string> Get(Partition p, std::string_view key, const Snapshot* snap = nullptr) {
    auto r = db_->Get(p, key, snap);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : std::nullopt;
  }

  void PutAll(Partition p, const std::vector<std::string>& keys) {
    for (const auto& k : keys) ASSERT_TRUE(db_->Put(p, k, "v:" + k).ok());
  }

  TempDir dir_;
  std::unique_ptr<StorageBackend> db_;
};

TEST_F(StorageBackendTest, PutGetDelete) {
  EXPECT_EQ(Get(Partition::kMeta, "k"), std::nullopt);
  ASSERT_TRUE(db_->Put(Partition::kMeta, "k", "v1").ok());
  EXPECT_EQ(Get(Partition::kMeta, "k"), "v1");
  ASSERT_TRUE(db_->Put(Partition::kMeta, "k", "v2").ok());
  EXPECT_EQ(Get(Partition::kMeta, "k"), "v2");
  ASSERT_TRUE(db_->Delete(Partition::kMeta, "k").ok());
  EXPECT_EQ(Get(Partition::kMeta, "k"), std::nullopt);
  // Deleting a missing key is not an error.
  EXPECT_TRUE(db_->Delete(Partition::kMeta, "never").ok());
}

TEST_F(StorageBackendTest, StatsReportSizesAndCompactionRuns) {
  PutAll(Partition::kRows, {"a", "b", "c"});
  EXPECT_GT(db_->Stats().memtable_bytes, 0u);
  ASSERT_TRUE(db_->FlushAll().ok());
  const StoreStats stats = db_->Stats();
  EXPECT_GT(stats.sst_bytes, 0u);
  EXPECT_GE(stats.compactions, 1u);  // the flush to L0 counts as a run
  EXPECT_FALSE(stats.writes_stopped);
  EXPECT_EQ(stats.write_stalls, 0u);
}

TEST_F(StorageBackendTest, EmptyValueIsNotMissing) {
  ASSERT_TRUE(db_->Put(Partition::kRows, "k", "").ok());
  auto v = Get(Partition::kRows, "k");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(*v, "");
}

TEST_F(StorageBackendTest, BinaryKeysAndValues) {
  const std::string key("a\0b\xff", 4);
  const std::string value("\0\x01\x02\xff\0", 5);
  ASSERT_TRUE(db_->Put(Partition::kIndex, key, value).ok());
  EXPECT_EQ(Get(Partition::kIndex, key), value);
  EXPECT_EQ(Get(Partition::kIndex, std::string("a\0b", 3)), std::nullopt);
  EXPECT_EQ(Get(Partition::kIndex, "a"), std::nullopt);
}

TEST_F(StorageBackendTest, PartitionsAreSeparateKeySpaces) {
  ASSERT_TRUE(db_->Put(Partition::kMeta, "k", "meta").ok());
  ASSERT_TRUE(db_->Put(Partition::kRows, "k", "rows").ok());
  EXPECT_EQ(Get(Partition::kMeta, "k"), "meta");
  EXPECT_EQ(Get(Partition::kRows, "k"), "rows");
  EXPECT_EQ(Get(Partition::kIndex, "k"), std::nullopt);

  ASSERT_TRUE(db_->Delete(Partition::kMeta, "k").ok());
  EXPECT_EQ(Get(Partition::kMeta, "k"), std::nullopt);
  EXPECT_EQ(Get(Partition::kRows, "k"), "rows");

  ASSERT_TRUE(db_->Put(Partition::kIndex, "x", "1").ok());
  auto rows = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(Forward(*rows), ElementsAre(Pair("k", "rows")));
  auto meta = db_->Scan(Partition::kMeta, "", "");
  EXPECT_THAT(Forward(*meta), IsEmpty());
}

TEST(PartitionTest, Names) {
  EXPECT_EQ(PartitionName(Partition::kMeta), "meta");
  EXPECT_EQ(PartitionName(Partition::kRows), "rows");
  EXPECT_EQ(PartitionName(Partition::kIndex), "index");
  EXPECT_EQ(kPartitionCount, 3);
}

TEST_F(StorageBackendTest, WriteBatchAppliesPutDeleteAndDeleteRangeTogether) {
  PutAll(Partition::kRows, {"a", "b", "c", "d", "e"});
  ASSERT_TRUE(db_->Put(Partition::kMeta, "gone", "x").ok());

  WriteBatch batch;
  batch.Put(Partition::kRows, "f", "new-f");
  batch.Put(Partition::kMeta, "counter", "7");
  batch.Delete(Partition::kMeta, "gone");
  batch.DeleteRange(Partition::kRows, "b", "d");  // removes b, c; keeps d
  EXPECT_EQ(batch.Count(), 4u);

  // Nothing is visible before Write.
  EXPECT_EQ(Get(Partition::kRows, "f"), std::nullopt);
  EXPECT_EQ(Get(Partition::kMeta, "gone"), "x");

  ASSERT_TRUE(db_->Write(batch).ok());
  auto rows = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(ForwardKeys(*rows), ElementsAre("a", "d", "e", "f"));
  EXPECT_EQ(Get(Partition::kRows, "f"), "new-f");
  EXPECT_EQ(Get(Partition::kMeta, "counter"), "7");
  EXPECT_EQ(Get(Partition::kMeta, "gone"), std::nullopt);
}

TEST_F(StorageBackendTest, WriteBatchKeepsOperationOrder) {
  {
    WriteBatch batch;
    batch.Put(Partition::kRows, "b", "1");
    batch.DeleteRange(Partition::kRows, "a", "c");
    ASSERT_TRUE(db_->Write(batch).ok());
    EXPECT_EQ(Get(Partition::kRows, "b"), std::nullopt);
  }
  {
    WriteBatch batch;
    batch.DeleteRange(Partition::kRows, "a", "c");
    batch.Put(Partition::kRows, "b", "2");
    ASSERT_TRUE(db_->Write(batch).ok());
    EXPECT_EQ(Get(Partition::kRows, "b"), "2");
  }
  {
    WriteBatch batch;
    batch.Put(Partition::kRows, "k", "1");
    batch.Delete(Partition::kRows, "k");
    batch.Put(Partition::kRows, "k", "3");
    ASSERT_TRUE(db_->Write(batch).ok());
    EXPECT_EQ(Get(Partition::kRows, "k"), "3");
  }
}

TEST_F(StorageBackendTest, WriteBatchDeleteRangeIsPerPartition) {
  PutAll(Partition::kRows, {"a", "b"});
  PutAll(Partition::kIndex, {"a", "b"});
  WriteBatch batch;
  batch.DeleteRange(Partition::kRows, "a", "z");
  ASSERT_TRUE(db_->Write(batch).ok());
  auto rows = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(ForwardKeys(*rows), IsEmpty());
  auto index = db_->Scan(Partition::kIndex, "", "");
  EXPECT_THAT(ForwardKeys(*index), ElementsAre("a", "b"));
}

TEST_F(StorageBackendTest, WriteBatchClearMoveAndEmpty) {
  WriteBatch batch;
  batch.Put(Partition::kMeta, "x", "1");
  batch.Clear();
  EXPECT_EQ(batch.Count(), 0u);
  ASSERT_TRUE(db_->Write(batch).ok());  // an empty batch is fine
  EXPECT_EQ(Get(Partition::kMeta, "x"), std::nullopt);

  WriteBatch source;
  source.Put(Partition::kMeta, "y", "2");
  WriteBatch moved(std::move(source));
  EXPECT_EQ(moved.Count(), 1u);
  WriteBatch assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.Count(), 1u);
  ASSERT_TRUE(db_->Write(assigned).ok());
  EXPECT_EQ(Get(Partition::kMeta, "y"), "2");

  // Writing the same batch again after more ops applies the whole list once.
  assigned.Put(Partition::kMeta, "z", "3");
  ASSERT_TRUE(db_->Write(assigned).ok());
  EXPECT_EQ(Get(Partition::kMeta, "z"), "3");
  auto meta = db_->Scan(Partition::kMeta, "", "");
  EXPECT_THAT(ForwardKeys(*meta), ElementsAre("y", "z"));
}

TEST_F(StorageBackendTest, ScanIsHalfOpenForward) {
  PutAll(Partition::kRows, {"a", "b", "c", "d", "e"});
  auto it = db_->Scan(Partition::kRows, "b", "d");
  EXPECT_THAT(Forward(*it), ElementsAre(Pair("b", "v:b"), Pair("c", "v:c")));

  auto between = db_->Scan(Partition::kRows, "bb", "dd");
  EXPECT_THAT(ForwardKeys(*between), ElementsAre("c", "d"));

  auto to_end = db_->Scan(Partition::kRows, "c", "");
  EXPECT_THAT(ForwardKeys(*to_end), ElementsAre("c", "d", "e"));

  auto all = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(ForwardKeys(*all), ElementsAre("a", "b", "c", "d", "e"));

  auto none = db_->Scan(Partition::kRows, "x", "z");
  EXPECT_THAT(ForwardKeys(*none), IsEmpty());
  auto gap = db_->Scan(Partition::kRows, "bb", "bz");
  EXPECT_THAT(ForwardKeys(*gap), IsEmpty());
  auto empty_range = db_->Scan(Partition::kRows, "c", "c");
  EXPECT_THAT(ForwardKeys(*empty_range), IsEmpty());
}

TEST_F(StorageBackendTest, ScanReverse) {
  PutAll(Partition::kRows, {"a", "b", "c", "d", "e"});
  auto it = db_->Scan(Partition::kRows, "b", "d");
  EXPECT_THAT(ReverseKeys(*it), ElementsAre("c", "b"));

  // End between keys, past the last key, and unbounded.
  auto between = db_->Scan(Partition::kRows, "bb", "dd");
  EXPECT_THAT(ReverseKeys(*between), ElementsAre("d", "c"));
  auto past = db_->Scan(Partition::kRows, "a", "z");
  EXPECT_THAT(ReverseKeys(*past), ElementsAre("e", "d", "c", "b", "a"));
  auto unbounded = db_->Scan(Partition::kRows, "c", "");
  EXPECT_THAT(ReverseKeys(*unbounded), ElementsAre("e", "d", "c"));

  // Nothing in range, whether keys lie before or after it.
  auto after_all = db_->Scan(Partition::kRows, "x", "z");
  EXPECT_THAT(ReverseKeys(*after_all), IsEmpty());
  auto before_all = db_->Scan(Partition::kRows, "0", "1");
  EXPECT_THAT(ReverseKeys(*before_all), IsEmpty());
  auto gap = db_->Scan(Partition::kRows, "bb", "bz");
  EXPECT_THAT(ReverseKeys(*gap), IsEmpty());
}

TEST_F(StorageBackendTest, ScanReverseDoesNotCrossIntoOtherPartitions) {
  PutAll(Partition::kRows, {"m"});
  PutAll(Partition::kIndex, {"a", "z"});
  PutAll(Partition::kMeta, {"zz"});
  auto it = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(ReverseKeys(*it), ElementsAre("m"));
  auto empty = db_->Scan(Partition::kIndex, "b", "y");
  EXPECT_THAT(ReverseKeys(*empty), IsEmpty());
}

TEST_F(StorageBackendTest, NextAndPrevMix) {
  PutAll(Partition::kRows, {"a", "b", "c", "d"});
  auto it = db_->Scan(Partition::kRows, "b", "d");
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Prev();
  EXPECT_FALSE(it->Valid());  // "a" is before the range
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Next();
  EXPECT_FALSE(it->Valid());  // "d" is the exclusive end
}

TEST_F(StorageBackendTest, SeekIsClampedToTheRange) {
  PutAll(Partition::kRows, {"a", "b", "c", "d", "e", "f"});
  auto it = db_->Scan(Partition::kRows, "c", "e");
  it->Seek("a");  // before the range: clamped to its begin
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "c");
  it->Seek("d");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->Seek("cc");  // between keys: the next one
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->Seek("e");  // the exclusive end
  EXPECT_FALSE(it->Valid());
  it->Seek("z");
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
}

TEST_F(StorageBackendTest, ScanPrefix) {
  PutAll(Partition::kMeta, {"usr/a", "usr/a/1", "usr/ab", "usr/b", "usq", "usr", "usr0", "tbl/x"});
  auto it = db_->ScanPrefix(Partition::kMeta, "usr/a");
  EXPECT_THAT(ForwardKeys(*it), ElementsAre("usr/a", "usr/a/1", "usr/ab"));
  EXPECT_THAT(ReverseKeys(*it), ElementsAre("usr/ab", "usr/a/1", "usr/a"));

  auto exact = db_->ScanPrefix(Partition::kMeta, "usr/a/");
  EXPECT_THAT(ForwardKeys(*exact), ElementsAre("usr/a/1"));

  auto users = db_->ScanPrefix(Partition::kMeta, "usr/");
  EXPECT_THAT(ForwardKeys(*users), ElementsAre("usr/a", "usr/a/1", "usr/ab", "usr/b"));

  auto none = db_->ScanPrefix(Partition::kMeta, "nothing/");
  EXPECT_THAT(ForwardKeys(*none), IsEmpty());

  auto everything = db_->ScanPrefix(Partition::kMeta, "");
  EXPECT_EQ(ForwardKeys(*everything).size(), 8u);
}

TEST_F(StorageBackendTest, ScanPrefixWithFfBytes) {
  const std::string ff("\xff", 1);
  const std::string ffff("\xff\xff", 2);
  const std::string a_ff("a\xff", 2);
  PutAll(Partition::kRows, {"a", a_ff, a_ff + "x", "b", std::string("\xfe", 1), ff, ffff, ffff + "\x01"});

  auto under_a_ff = db_->ScanPrefix(Partition::kRows, a_ff);
  EXPECT_THAT(ForwardKeys(*under_a_ff), ElementsAre(a_ff, a_ff + "x"));
  EXPECT_THAT(ReverseKeys(*under_a_ff), ElementsAre(a_ff + "x", a_ff));

  // A prefix of only 0xff bytes has no successor: the scan runs to the partition's end.
  auto under_ff = db_->ScanPrefix(Partition::kRows, ff);
  EXPECT_THAT(ForwardKeys(*under_ff), ElementsAre(ff, ffff, ffff + "\x01"));
  EXPECT_THAT(ReverseKeys(*under_ff), ElementsAre(ffff + "\x01", ffff, ff));

  auto under_ffff = db_->ScanPrefix(Partition::kRows, ffff);
  EXPECT_THAT(ForwardKeys(*under_ffff), ElementsAre(ffff, ffff + "\x01"));
}

TEST(PrefixSuccessorTest, EdgeCases) {
  EXPECT_EQ(PrefixSuccessor(""), "");
  EXPECT_EQ(PrefixSuccessor("a"), "b");
  EXPECT_EQ(PrefixSuccessor("abc"), "abd");
  EXPECT_EQ(PrefixSuccessor(std::string("\0", 1)), std::string("\x01", 1));
  EXPECT_EQ(PrefixSuccessor(std::string("a\0", 2)), std::string("a\x01", 2));
  EXPECT_EQ(PrefixSuccessor(std::string("a\xfe", 2)), std::string("a\xff", 2));
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("ab\xff\xff", 4)), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("\x01\xff\xff\xff", 4)), std::string("\x02", 1));
  EXPECT_EQ(PrefixSuccessor(std::string("\xff", 1)), "");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff\xff", 3)), "");

  // The successor is above every extension of the prefix and not above the next prefix.
  const std::string prefix("k\x7f\xff", 3);
  const std::string succ = PrefixSuccessor(prefix);
  EXPECT_GT(succ, prefix + std::string("\xff\xff\xff", 3));
  EXPECT_LE(succ, std::string("k\x80", 2));
}

TEST_F(StorageBackendTest, SnapshotDoesNotSeeLaterWrites) {
  PutAll(Partition::kRows, {"a", "b"});
  ASSERT_TRUE(db_->Put(Partition::kMeta, "m", "old").ok());
  std::shared_ptr<const Snapshot> snap = db_->GetSnapshot();
  ASSERT_NE(snap, nullptr);

  ASSERT_TRUE(db_->Put(Partition::kRows, "c", "v:c").ok());
  ASSERT_TRUE(db_->Delete(Partition::kRows, "a").ok());
  ASSERT_TRUE(db_->Put(Partition::kMeta, "m", "new").ok());
  WriteBatch batch;
  batch.DeleteRange(Partition::kRows, "b", "c");
  ASSERT_TRUE(db_->Write(batch).ok());

  EXPECT_EQ(Get(Partition::kMeta, "m", snap.get()), "old");
  EXPECT_EQ(Get(Partition::kMeta, "m"), "new");
  EXPECT_EQ(Get(Partition::kRows, "a", snap.get()), "v:a");
  EXPECT_EQ(Get(Partition::kRows, "c", snap.get()), std::nullopt);

  auto at_snap = db_->Scan(Partition::kRows, "", "", snap.get());
  EXPECT_THAT(ForwardKeys(*at_snap), ElementsAre("a", "b"));
  EXPECT_THAT(ReverseKeys(*at_snap), ElementsAre("b", "a"));
  auto prefix_at_snap = db_->ScanPrefix(Partition::kRows, "c", snap.get());
  EXPECT_THAT(ForwardKeys(*prefix_at_snap), IsEmpty());
  auto now = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(ForwardKeys(*now), ElementsAre("c"));

  // A later snapshot sees the later state; the old one is unaffected.
  auto snap2 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(Partition::kRows, "d", "v:d").ok());
  auto at_snap2 = db_->Scan(Partition::kRows, "", "", snap2.get());
  EXPECT_THAT(ForwardKeys(*at_snap2), ElementsAre("c"));
  EXPECT_THAT(ForwardKeys(*at_snap), ElementsAre("a", "b"));
}

TEST_F(StorageBackendTest, SnapshotSurvivesFlush) {
  ASSERT_TRUE(db_->Put(Partition::kRows, "k", "before").ok());
  auto snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(Partition::kRows, "k", "after").ok());
  ASSERT_TRUE(db_->FlushAll().ok());
  EXPECT_EQ(Get(Partition::kRows, "k", snap.get()), "before");
  EXPECT_EQ(Get(Partition::kRows, "k"), "after");
}

TEST_F(StorageBackendTest, IteratorSeesItsOwnPointInTime) {
  PutAll(Partition::kRows, {"a", "b"});
  auto it = db_->Scan(Partition::kRows, "", "");
  ASSERT_TRUE(db_->Put(Partition::kRows, "c", "v:c").ok());
  EXPECT_THAT(ForwardKeys(*it), ElementsAre("a", "b"));
}

TEST_F(StorageBackendTest, ReopenKeepsData) {
  PutAll(Partition::kMeta, {"m1", "m2"});
  PutAll(Partition::kRows, {"r1"});
  WriteBatch batch;
  batch.Put(Partition::kIndex, "i1", "x");
  batch.Delete(Partition::kMeta, "m2");
  ASSERT_TRUE(db_->Write(batch).ok());
  db_.reset();  // closes the database

  db_ = OpenOrDie(dir_.path());
  ASSERT_NE(db_, nullptr);
  EXPECT_EQ(Get(Partition::kMeta, "m1"), "v:m1");
  EXPECT_EQ(Get(Partition::kMeta, "m2"), std::nullopt);
  EXPECT_EQ(Get(Partition::kRows, "r1"), "v:r1");
  EXPECT_EQ(Get(Partition::kIndex, "i1"), "x");

  // And again, after flushing memtables to files.
  ASSERT_TRUE(db_->Put(Partition::kRows, "r2", "v:r2").ok());
  ASSERT_TRUE(db_->FlushAll().ok());
  db_.reset();
  db_ = OpenOrDie(dir_.path());
  ASSERT_NE(db_, nullptr);
  auto rows = db_->Scan(Partition::kRows, "", "");
  EXPECT_THAT(Forward(*rows), ElementsAre(Pair("r1", "v:r1"), Pair("r2", "v:r2")));
}

TEST_F(StorageBackendTest, SecondOpenOfALockedDirectoryFails) {
  auto second = StorageBackend::Open(dir_.path(), StoreOptions{});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIoError);
  EXPECT_EQ(second.status().message(), "data directory is locked");

  // The first handle still works, and the lock is released on close.
  ASSERT_TRUE(db_->Put(Partition::kMeta, "k", "v").ok());
  db_.reset();
  auto third = StorageBackend::Open(dir_.path(), StoreOptions{});
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  auto value = third.value()->Get(Partition::kMeta, "k");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value.value(), "v");
}

TEST(StorageBackendOpenTest, FailsWithoutCreateIfMissing) {
  TempDir dir;
  StoreOptions options;
  options.create_if_missing = false;
  auto opened = StorageBackend::Open(dir.path() + "/db", options);
  EXPECT_FALSE(opened.ok());
}

TEST(StorageBackendOpenTest, FailsWhenThePathIsAFile) {
  TempDir dir;
  const std::string file = dir.path() + "/file";
  std::ofstream(file) << "x";
  auto opened = StorageBackend::Open(file + "/db", StoreOptions{});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kIoError);
}

TEST(StorageBackendOpenTest, SyncWritesOption) {
  TempDir dir;
  StoreOptions options;
  options.sync_writes = true;
  options.block_cache_bytes = 1 << 20;
  auto opened = StorageBackend::Open(dir.path(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto& db = *opened.value();
  ASSERT_TRUE(db.Put(Partition::kRows, "k", "v").ok());
  auto v = db.Get(Partition::kRows, "k");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), "v");
}

TEST_F(StorageBackendTest, EstimateKeys) {
  EXPECT_EQ(db_->EstimateKeys(Partition::kIndex), 0u);
  for (int i = 0; i < 100; ++i) {
    std::string key = std::to_string(i);
    key.insert(0, "k/");
    ASSERT_TRUE(db_->Put(Partition::kIndex, key, "v").ok());
  }
  const uint64_t n = db_->EstimateKeys(Partition::kIndex);
  EXPECT_GE(n, 50u);
  EXPECT_LE(n, 150u);
  EXPECT_EQ(db_->EstimateKeys(Partition::kRows), 0u);
}

// ---------------------------------------------------------------------------------------
// EntityStore

struct Item {
  uint32_t id = 0;
  std::string name;
  bool operator==(const Item&) const = default;
};

struct ItemCodec {
  static std::string Encode(const Item& item) {
    std::string out;
    ByteWriter w(&out);
    w.U8(1);
    w.Varint(item.id);
    w.Bytes(item.name);
    return out;
  }
  static Result<Item> Decode(std::string_view bytes) {
    ByteReader r(bytes);
    uint8_t format = 0;
    uint64_t id = 0;
    Item item;
    if (!r.U8(&format) || format != 1 || !r.Varint(&id) || !r.String(&item.name) || !r.AtEnd()) {
      return Status::Corruption("bad item");
    }
    item.id = static_cast<uint32_t>(id);
    return item;
  }
};

using ItemStore = EntityStore<Item, ItemCodec>;

TEST_F(StorageBackendTest, EntityStorePutGetDelete) {
  ItemStore items(*db_, Partition::kMeta, "item/");
  auto missing = items.Get("1");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing.value().has_value());

  ASSERT_TRUE(items.Put("1", Item{1, "one"}).ok());
  auto got = items.Get("1");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got.value().has_value());
  EXPECT_EQ(*got.value(), (Item{1, "one"}));
  // Stored under the prefix, encoded by the codec.
  EXPECT_EQ(Get(Partition::kMeta, "item/1"), ItemCodec::Encode(Item{1, "one"}));

  ASSERT_TRUE(items.Delete("1").ok());
  auto gone = items.Get("1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone.value().has_value());
}

TEST_F(StorageBackendTest, EntityStoreListIsOrderedAndScopedToItsPrefix) {
  ItemStore items(*db_, Partition::kMeta, "item/");
  ItemStore others(*db_, Partition::kMeta, "itemx/");
  ItemStore rows(*db_, Partition::kRows, "item/");
  ASSERT_TRUE(items.Put("b", Item{2, "bee"}).ok());
  ASSERT_TRUE(items.Put("a", Item{1, "ay"}).ok());
  ASSERT_TRUE(items.Put("c", Item{3, ""}).ok());
  ASSERT_TRUE(others.Put("a", Item{9, "other"}).ok());
  ASSERT_TRUE(rows.Put("z", Item{8, "rows"}).ok());
  ASSERT_TRUE(db_->Put(Partition::kMeta, "item", "not-an-item").ok());

  auto list = items.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_THAT(list.value(), ElementsAre(Item{1, "ay"}, Item{2, "bee"}, Item{3, ""}));
  auto other_list = others.List();
  ASSERT_TRUE(other_list.ok());
  EXPECT_THAT(other_list.value(), ElementsAre(Item{9, "other"}));
  auto row_list = rows.List();
  ASSERT_TRUE(row_list.ok());
  EXPECT_THAT(row_list.value(), ElementsAre(Item{8, "rows"}));
  ItemStore empty(*db_, Partition::kIndex, "item/");
  auto empty_list = empty.List();
  ASSERT_TRUE(empty_list.ok());
  EXPECT_THAT(empty_list.value(), IsEmpty());
}

TEST_F(StorageBackendTest, EntityStoreBatchedWritesApplyOnWrite) {
  ItemStore items(*db_, Partition::kMeta, "item/");
  ASSERT_TRUE(items.Put("old", Item{1, "old"}).ok());
  WriteBatch batch;
  ASSERT_TRUE(items.Put("new", Item{2, "new"}, &batch).ok());
  ASSERT_TRUE(items.Delete("old", &batch).ok());
  EXPECT_EQ(batch.Count(), 2u);
  auto before = items.List();
  ASSERT_TRUE(before.ok());
  EXPECT_THAT(before.value(), ElementsAre(Item{1, "old"}));

  ASSERT_TRUE(db_->Write(batch).ok());
  auto after = items.List();
  ASSERT_TRUE(after.ok());
  EXPECT_THAT(after.value(), ElementsAre(Item{2, "new"}));
}

TEST_F(StorageBackendTest, EntityStoreDeleteAllRemovesOnlyItsPrefix) {
  ItemStore items(*db_, Partition::kMeta, "item/");
  ItemStore others(*db_, Partition::kMeta, "itemx/");
  ASSERT_TRUE(items.Put("a", Item{1, "a"}).ok());
  ASSERT_TRUE(items.Put("b", Item{2, "b"}).ok());
  ASSERT_TRUE(others.Put("a", Item{9, "other"}).ok());
  ASSERT_TRUE(db_->Put(Partition::kMeta, "item", "the prefix's own key is not a record").ok());
  WriteBatch batch;
  items.DeleteAll(batch);
  ASSERT_TRUE(db_->Write(batch).ok());
  auto list = items.List();
  ASSERT_TRUE(list.ok());
  EXPECT_THAT(list.value(), IsEmpty());
  auto other_list = others.List();
  ASSERT_TRUE(other_list.ok());
  EXPECT_THAT(other_list.value(), ElementsAre(Item{9, "other"}));
  EXPECT_EQ(Get(Partition::kMeta, "item"), "the prefix's own key is not a record");
}

TEST_F(StorageBackendTest, EntityStoreReportsDecodeErrors) {
  ItemStore items(*db_, Partition::kMeta, "item/");
  ASSERT_TRUE(items.Put("a", Item{1, "ok"}).ok());
  ASSERT_TRUE(db_->Put(Partition::kMeta, "item/b", "\x02garbage").ok());
  auto bad = items.Get("b");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(bad.status().message(), "bad item");
  auto list = items.List();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), StatusCode::kCorruption);
  auto good = items.Get("a");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value()->name, "ok");
}

TEST_F(StorageBackendTest, EntityStoreSurvivesReopen) {
  {
    ItemStore items(*db_, Partition::kMeta, "item/");
    ASSERT_TRUE(items.Put("k", Item{42, "persisted"}).ok());
  }
  db_.reset();
  db_ = OpenOrDie(dir_.path());
  ASSERT_NE(db_, nullptr);
  ItemStore items(*db_, Partition::kMeta, "item/");
  auto got = items.Get("k");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got.value().has_value());
  EXPECT_EQ(*got.value(), (Item{42, "persisted"}));
}

}  // namespace
}  // namespace kalam::store
