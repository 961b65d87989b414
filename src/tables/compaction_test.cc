// Compaction against scans that run meanwhile, over real RocksDB and real Parquet segments: a
// scan that listed the segments before the commit reads them to the end (the replaced files
// stay while it runs), scans that start afterwards read the merged segment, and the replaced
// files go once no scan holds them.
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

namespace kalam::tables {
namespace {

using duckdb::Value;
using ::testing::ElementsAre;

constexpr const char* kScope = "";  // a SHARED table

class CompactionScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path() + "/rocksdb", store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    auto storages = registry::StorageRegistry::Open(*backend_);
    ASSERT_TRUE(storages.ok()) << storages.status().ToString();
    storages_ = std::move(storages).value();
    StorageDefinition local;
    local.id = StorageId(std::string(registry::kLocalStorageId));
    local.name = "Local storage";
    local.type = StorageType::kFilesystem;
    local.base_directory = dir_.path() + "/storage";
    local.shared_tables_template = "{namespace}/{tableName}";
    local.user_tables_template = "{namespace}/{tableName}/{userId}";
    ASSERT_TRUE(storages_->EnsureBuiltIn(local).ok());
    auto store = TableStore::Open(*backend_, seq_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    cold_ = std::make_unique<ColdTier>(*backend_, *store_, seq_, *storages_);

    auto def = std::make_shared<TableDefinition>();
    def->id = TableId{NamespaceId("app"), TableName("s")};
    def->number = 3;
    def->type = TableType::kShared;
    ColumnDefinition id, v;
    id.name = "id";
    id.type = DataType{TypeKind::kBigInt, 0, 0};
    id.primary_key = true;
    id.nullable = false;
    id.column_id = 1;
    v.name = "v";
    v.type = DataType{TypeKind::kText, 0, 0};
    v.column_id = 2;
    def->columns = {id, v};
    def_ = def;
    // Three segments of two rows each.
    for (int64_t i = 0; i < 6; ++i) {
      ASSERT_TRUE(store_->Insert(*def_, kScope, {{Value::BIGINT(i), Value("v" + std::to_string(i))}}).ok());
      if (i % 2 == 1) {
        ASSERT_TRUE(cold_->FlushScope(def_, kScope).ok());
      }
    }
  }

  std::unique_ptr<TableScan> Scan() {
    auto segments = cold_->Segments(*def_, kScope);
    EXPECT_TRUE(segments.ok()) << segments.status().ToString();
    ScanProjection projection = {{ScanColumn::Kind::kUserColumn, 0}, {ScanColumn::Kind::kUserColumn, 1}};
    return std::make_unique<TableScan>(*store_, cold_->parquet(), def_, kScope, backend_->GetSnapshot(),
                                       segments.ok() ? *segments : nullptr, std::move(projection), TableScanOptions{});
  }
  static std::vector<std::string> Rows(TableScan& scan) {
    std::vector<std::string> out;
    auto it = scan.Ordered(ScanOrder::kOldestFirst);
    for (; it->Valid(); it->Next()) {
      out.push_back(it->chunk().GetValue(0, it->row()).ToString() + "=" +
                    it->chunk().GetValue(1, it->row()).ToString());
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/storage/app/s")) {
      names.push_back(e.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir_;
  SeqGenerator seq_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<registry::StorageRegistry> storages_;
  std::unique_ptr<TableStore> store_;
  std::unique_ptr<ColdTier> cold_;
  std::shared_ptr<const TableDefinition> def_;
};

const std::vector<std::string> kAllRows = {"0=v0", "1=v1", "2=v2", "3=v3", "4=v4", "5=v5"};

TEST_F(CompactionScanTest, AScanStartedBeforeTheCommitReadsItsSegmentsToTheEnd) {
  auto before = Scan();  // lists batch-0..2; opens nothing yet
  auto done = cold_->compaction().CompactScope(def_, kScope, CompactionOptions{});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->segments_merged, 3u);
  EXPECT_EQ(done->segments_written, 1u);
  // The running scan holds the replaced files: they stay, for later cleanup.
  EXPECT_EQ(done->files_deleted, 0u);
  EXPECT_EQ(done->files_left, 3u);
  EXPECT_THAT(Files(),
              ElementsAre("batch-0.parquet", "batch-1.parquet", "batch-2.parquet", "batch-3.parquet", "manifest.json"));
  EXPECT_EQ(Rows(*before), kAllRows);
  // A scan that starts now reads the merged segment alone.
  auto after = Scan();
  EXPECT_EQ(Rows(*after), kAllRows);
  before.reset();
  // With no scan left on them, the next writer of the directory removes the replaced files.
  ASSERT_TRUE(store_->Insert(*def_, kScope, {{Value::BIGINT(6), Value("v6")}}).ok());
  ASSERT_TRUE(cold_->FlushScope(def_, kScope).ok());
  EXPECT_THAT(Files(), ElementsAre("batch-3.parquet", "batch-4.parquet", "manifest.json"));
}

TEST_F(CompactionScanTest, ReplacedFilesGoRightAfterTheCommitWhenNoScanHoldsThem) {
  auto finished = Scan();
  EXPECT_EQ(Rows(*finished), kAllRows);
  finished.reset();
  auto done = cold_->compaction().CompactScope(def_, kScope, CompactionOptions{});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->files_deleted, 3u);
  EXPECT_EQ(done->files_left, 0u);
  EXPECT_THAT(Files(), ElementsAre("batch-3.parquet", "manifest.json"));
  EXPECT_EQ(Rows(*Scan()), kAllRows);
}

TEST_F(CompactionScanTest, ScansMayReadAsksOnlyAboutListsStillHeld) {
  const std::string first = dir_.path() + "/storage/app/s/batch-0.parquet";
  {
    auto held = cold_->Segments(*def_, kScope);
    ASSERT_TRUE(held.ok());
    EXPECT_TRUE(cold_->catalog().ScansMayRead(*def_, kScope, {first}));
    EXPECT_FALSE(cold_->catalog().ScansMayRead(*def_, kScope, {dir_.path() + "/storage/app/s/batch-9.parquet"}));
  }
  // The catalog's own cache counts too, until the manifest changes.
  EXPECT_TRUE(cold_->catalog().ScansMayRead(*def_, kScope, {first}));
  cold_->catalog().ForgetScope(*def_, kScope);
  EXPECT_FALSE(cold_->catalog().ScansMayRead(*def_, kScope, {first}));
}

}  // namespace
}  // namespace kalam::tables
