// TableScan over real RocksDB and real Parquet segments: the merged iterator in both orders,
// as of a snapshot, with tombstones, hot versions shadowing cold ones, several segments, and
// a newest-first read that stops early; Fill against the ordered read.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/seq_generator.h"
#include "kalam/commons/temp_dir.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/cold_tier.h"
#include "kalam/tables/table_scan.h"
#include "kalam/tables/table_store.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::tables {
namespace {

using duckdb::Value;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

ColumnDefinition Column(std::string name, TypeKind kind, uint32_t id, bool pk = false) {
  ColumnDefinition c;
  c.name = std::move(name);
  c.type = DataType{kind, 0, 0};
  c.primary_key = pk;
  c.nullable = !pk;
  c.column_id = id;
  return c;
}

// `prefix` followed by the decimal `n` (appended, not `+`: GCC 12 warns falsely on that).
std::string Label(char prefix, int n) {
  std::string out(1, prefix);
  out += std::to_string(n);
  return out;
}

class TableScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend =
        store::StorageBackend::Open((std::filesystem::path(dir_.path()) / "rocksdb").string(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto storages = registry::StorageRegistry::Open(*backend_);
    ASSERT_TRUE(storages.ok()) << storages.status().ToString();
    storages_ = std::move(storages).value();
    StorageDefinition local;
    local.id = StorageId(std::string(registry::kLocalStorageId));
    local.name = "Local storage";
    local.type = StorageType::kFilesystem;
    local.base_directory = (std::filesystem::path(dir_.path()) / "storage").string();
    local.shared_tables_template = "{namespace}/{tableName}";
    local.user_tables_template = "{namespace}/{tableName}/{userId}";
    ASSERT_TRUE(storages_->EnsureBuiltIn(local).ok());
    auto store = TableStore::Open(*backend_, seq_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    cold_ = std::make_unique<ColdTier>(*backend_, *store_, seq_, *storages_);

    auto def = std::make_shared<TableDefinition>();
    def->id = TableId{NamespaceId("app"), TableName("messages")};
    def->number = 7;
    def->type = TableType::kUser;
    def->columns = {Column("id", TypeKind::kBigInt, 1, /*pk=*/true), Column("v", TypeKind::kText, 2)};
    def_ = def;
  }

  void Insert(int64_t id, const std::string& v) {
    auto r = store_->Insert(*def_, kUser, {{Value::BIGINT(id), Value(v)}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Primary-key tables apply a change to the newest version, so no `_seq` is needed.
  void Update(int64_t id, const std::string& v) {
    RowChange change;
    change.values = {Value::BIGINT(id), Value(v)};
    auto r = store_->Update(*def_, kUser, {change});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(*r, 1u);
  }
  void Delete(int64_t id, const std::string& v) {
    RowChange change;
    change.values = {Value::BIGINT(id), Value(v)};
    auto r = store_->Delete(*def_, kUser, {change});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(*r, 1u);
  }
  void Flush() {
    auto r = cold_->FlushScope(def_, kUser);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->files, 1u);
  }

  std::unique_ptr<TableScan> Scan(TableScanOptions options = {},
                                  std::shared_ptr<const store::Snapshot> snapshot = nullptr) {
    auto segments = cold_->Segments(*def_, kUser);
    EXPECT_TRUE(segments.ok()) << segments.status().ToString();
    ScanProjection projection = {{ScanColumn::Kind::kUserColumn, 0}, {ScanColumn::Kind::kUserColumn, 1}};
    if (!snapshot) snapshot = backend_->GetSnapshot();
    return std::make_unique<TableScan>(*store_, cold_->parquet(), def_, kUser, std::move(snapshot),
                                       segments.ok() ? *segments : nullptr, std::move(projection), std::move(options));
  }

  // "id=v" (plus " deleted") per version the iterator shows; checks the `_seq` order.
  static std::vector<std::string> Rows(VersionIterator& it, ScanOrder order, size_t limit = SIZE_MAX) {
    std::vector<std::string> out;
    SeqId last = order == ScanOrder::kOldestFirst ? INT64_MIN : INT64_MAX;
    for (; it.Valid() && out.size() < limit; it.Next()) {
      EXPECT_TRUE(order == ScanOrder::kOldestFirst ? it.seq() > last : it.seq() < last);
      last = it.seq();
      out.push_back(it.chunk().GetValue(0, it.row()).ToString() + "=" + it.chunk().GetValue(1, it.row()).ToString() +
                    (it.deleted() ? " deleted" : ""));
    }
    EXPECT_TRUE(it.status().ok()) << it.status().ToString();
    return out;
  }
  std::vector<std::string> Read(ScanOrder order, TableScanOptions options = {},
                                std::shared_ptr<const store::Snapshot> snapshot = nullptr) {
    auto scan = Scan(std::move(options), std::move(snapshot));
    auto it = scan->Ordered(order);
    return Rows(*it, order);
  }
  std::vector<std::string> Filled(TableScanOptions options = {}) {
    auto scan = Scan(std::move(options));
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(),
                     {duckdb::LogicalType::BIGINT, duckdb::LogicalType::VARCHAR});
    std::vector<std::string> out;
    while (true) {
      chunk.Reset();
      if (scan->Fill(chunk) == 0) break;
      for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
        out.push_back(chunk.GetValue(0, r).ToString() + "=" + chunk.GetValue(1, r).ToString());
      }
    }
    EXPECT_TRUE(scan->status().ok()) << scan->status().ToString();
    return out;
  }

  static constexpr const char* kUser = "alice";
  TempDir dir_;
  SeqGenerator seq_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<registry::StorageRegistry> storages_;
  std::unique_ptr<TableStore> store_;
  std::unique_ptr<ColdTier> cold_;
  std::shared_ptr<const TableDefinition> def_;
};

// Two segments and the hot tier: an update in a later segment and one still hot shadow the
// older cold versions; a delete hides the row unless tombstones are asked for.
TEST_F(TableScanTest, BothOrdersAcrossSegmentsAndTheHotTier) {
  Insert(1, "a");
  Insert(2, "b");
  Insert(3, "c");
  Flush();
  Update(2, "b2");
  Insert(4, "d");
  Flush();
  Delete(3, "c");
  Update(1, "a2");  // hot, shadowing the first segment's version
  Insert(5, "e");
  EXPECT_THAT(Read(ScanOrder::kOldestFirst), ElementsAre("2=b2", "4=d", "1=a2", "5=e"));
  EXPECT_THAT(Read(ScanOrder::kNewestFirst), ElementsAre("5=e", "1=a2", "4=d", "2=b2"));
  TableScanOptions with_tombstones;
  with_tombstones.include_tombstones = true;
  EXPECT_THAT(Read(ScanOrder::kOldestFirst, with_tombstones), ElementsAre("2=b2", "4=d", "3=c deleted", "1=a2", "5=e"));
  EXPECT_THAT(Read(ScanOrder::kNewestFirst, with_tombstones), ElementsAre("5=e", "1=a2", "3=c deleted", "4=d", "2=b2"));
  // The vectorised path shows the same rows, in no particular order.
  EXPECT_THAT(Filled(), UnorderedElementsAreArray(Read(ScanOrder::kOldestFirst)));
}

// A tombstone that was flushed hides the older versions in earlier segments too.
TEST_F(TableScanTest, FlushedTombstonesHideOlderSegments) {
  Insert(1, "a");
  Insert(2, "b");
  Flush();
  Delete(1, "a");
  Flush();
  EXPECT_THAT(Read(ScanOrder::kOldestFirst), ElementsAre("2=b"));
  EXPECT_THAT(Read(ScanOrder::kNewestFirst), ElementsAre("2=b"));
  EXPECT_THAT(Filled(), ElementsAre("2=b"));
}

// As of a snapshot: later writes and flushes change nothing, even the subtle case of a hot
// version that a later write superseded (so it was never flushed) and whose successor was.
TEST_F(TableScanTest, ReadsAsOfASnapshot) {
  Insert(1, "a");
  Insert(2, "b");
  Flush();
  Update(1, "a2");  // hot
  auto snapshot = backend_->GetSnapshot();
  const SeqId as_of = seq_.Last();
  Update(1, "a3");
  Delete(2, "b");
  Insert(3, "c");
  Flush();
  TableScanOptions options;
  options.include_tombstones = true;
  options.as_of_seq = as_of;
  options.skip_flushed_hot = false;
  EXPECT_THAT(Read(ScanOrder::kOldestFirst, options, snapshot), ElementsAre("2=b", "1=a2"));
  EXPECT_THAT(Read(ScanOrder::kNewestFirst, options, snapshot), ElementsAre("1=a2", "2=b"));
  // Only versions after a lower bound.
  options.min_seq_exclusive = as_of - 1;
  EXPECT_THAT(Read(ScanOrder::kOldestFirst, options, snapshot), ElementsAre("1=a2"));
  // And now.
  EXPECT_THAT(Read(ScanOrder::kOldestFirst), ElementsAre("1=a3", "3=c"));
}

// "Last N": newest first, a read that stops after N rows opens only the children it reached.
TEST_F(TableScanTest, NewestFirstStopsEarly) {
  constexpr int kSegments = 5;
  constexpr int kPerSegment = 10;
  for (int s = 0; s < kSegments; ++s) {
    for (int i = 0; i < kPerSegment; ++i) Insert(s * kPerSegment + i, Label('m', s * kPerSegment + i));
    Flush();
  }
  Insert(1000, "hot");
  {
    auto scan = Scan();
    auto it = scan->Ordered(ScanOrder::kNewestFirst);
    EXPECT_THAT(Rows(*it, ScanOrder::kNewestFirst, 3), ElementsAre("1000=hot", "49=m49", "48=m48"));
    // The hot tier and the newest segment; the four older segments were never read.
    EXPECT_EQ(scan->counters().children_opened, 2u);
  }
  {
    auto scan = Scan();
    auto it = scan->Ordered(ScanOrder::kNewestFirst);
    EXPECT_EQ(Rows(*it, ScanOrder::kNewestFirst).size(), static_cast<size_t>(kSegments * kPerSegment + 1));
    EXPECT_EQ(scan->counters().children_opened, static_cast<uint64_t>(kSegments + 1));
  }
}

// A read that wants few rows asks for a small first hot chunk; chunks then grow fourfold, and
// every order and every row (deleted ones skipped, updated ones once) come out as with the
// default chunks.
TEST_F(TableScanTest, SmallFirstHotChunkGrowsAndReadsTheSameRows) {
  for (int i = 0; i < 300; ++i) Insert(i, Label('m', i));
  for (int i = 0; i < 300; i += 7) Update(i, Label('u', i));
  for (int i = 3; i < 300; i += 11) Delete(i, Label('m', i));
  for (int i = 300; i < 320; ++i) Insert(i, Label('n', i));  // the newest versions
  TableScanOptions small;
  small.first_hot_chunk_rows = 16;
  for (ScanOrder order : {ScanOrder::kNewestFirst, ScanOrder::kOldestFirst}) {
    EXPECT_EQ(Read(order, small), Read(order));
  }
  {
    auto scan = Scan(small);
    auto it = scan->Ordered(ScanOrder::kNewestFirst);
    EXPECT_EQ(Rows(*it, ScanOrder::kNewestFirst, 10).size(), 10u);
    EXPECT_EQ(scan->counters().chunks_read, 1u);  // 16 rows hold the 10 wanted
  }
  {
    // 320 hot versions, tombstones included: 16 + 64 + 256 rows, three chunks.
    auto scan = Scan(small);
    auto it = scan->Ordered(ScanOrder::kNewestFirst);
    Rows(*it, ScanOrder::kNewestFirst);
    EXPECT_EQ(scan->counters().chunks_read, 3u);
  }
}

// Primary-key equality: segments outside the key's range are not opened, the hot version is
// found through the index.
TEST_F(TableScanTest, PrimaryKeyLookupPrunes) {
  for (int i = 0; i < 3; ++i) Insert(i, Label('x', i));
  Flush();
  for (int i = 10; i < 13; ++i) Insert(i, Label('y', i));
  Flush();
  Update(11, "y11b");
  TableScanOptions options;
  options.primary_key = Value::BIGINT(11);
  auto scan = Scan(options);
  auto it = scan->Ordered(ScanOrder::kNewestFirst);
  EXPECT_THAT(Rows(*it, ScanOrder::kNewestFirst), ElementsAre("11=y11b"));
  EXPECT_EQ(scan->counters().children_opened, 2u);  // the hot tier and the second segment
  options.primary_key = Value::BIGINT(1);
  EXPECT_THAT(Read(ScanOrder::kOldestFirst, options), ElementsAre("1=x1"));
}

}  // namespace
}  // namespace kalam::tables
