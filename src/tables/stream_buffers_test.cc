#include "kalam/tables/stream_buffers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "duckdb/common/allocator.hpp"
#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/commons/temp_dir.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/row_codec.h"
#include "kalam/tables/stream_scan.h"
#include "kalam/tables/type_mapping.h"

namespace kalam::tables {
namespace {

using ::testing::HasSubstr;

// A STREAM table (n BIGINT, body TEXT) with the given TTL and MAX_BUFFER.
std::shared_ptr<TableDefinition> StreamTable(TableNumber number, uint32_t ttl_seconds, uint32_t max_buffer) {
  auto def = std::make_shared<TableDefinition>();
  def->id = TableId{NamespaceId("app"), TableName("s" + std::to_string(number))};
  def->number = number;
  def->type = TableType::kStream;
  def->options.ttl_seconds = ttl_seconds;
  def->options.max_buffer = max_buffer;
  for (auto [name, kind] : {std::pair{"n", TypeKind::kBigInt}, std::pair{"body", TypeKind::kText}}) {
    ColumnDefinition c;
    c.name = name;
    c.type = DataType{kind, 0, 0};
    def->columns.push_back(std::move(c));
  }
  return def;
}

std::vector<std::vector<duckdb::Value>> Rows(int64_t first, int64_t count, size_t body_bytes = 5) {
  std::vector<std::vector<duckdb::Value>> rows;
  for (int64_t n = first; n < first + count; ++n) {
    rows.push_back({duckdb::Value::BIGINT(n), duckdb::Value(std::string(body_bytes, 'x'))});
  }
  return rows;
}

std::vector<int64_t> Numbers(const TableDefinition& def, const StreamRows& rows) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto values = DecodeRowValues(def, rows.row(i));
    EXPECT_TRUE(values.ok());
    if (values.ok()) out.push_back((*values)[0].GetValue<int64_t>());
  }
  return out;
}

class StreamBuffersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok());
    backend_ = std::move(backend).value();
    auto opened = TableStore::Open(*backend_, seq_);
    ASSERT_TRUE(opened.ok());
    store_ = std::move(opened).value();
  }
  std::unique_ptr<StreamBuffers> Buffers(uint64_t max_bytes = 1ull << 30) {
    return std::make_unique<StreamBuffers>(*store_, seq_, max_bytes);
  }
  // The wall-clock time, in ms, of the newest `_seq` handed out.
  int64_t LastMillis() const { return SeqGenerator::MillisOf(seq_.Last()); }

  TempDir dir_;
  SeqGenerator seq_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<TableStore> store_;
};

TEST_F(StreamBuffersTest, ReadsTheScopesRowsInSeqOrder) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 60, 100);
  auto seqs = buffers->Insert(*def, "alice", Rows(1, 3), LastMillis());
  ASSERT_TRUE(seqs.ok());
  ASSERT_EQ(seqs->size(), 3u);
  EXPECT_LT((*seqs)[0], (*seqs)[2]);
  ASSERT_TRUE(buffers->Insert(*def, "bob", Rows(7, 1), LastMillis()).ok());
  const int64_t now = LastMillis();
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "alice", 0, INT64_MAX, now)), ::testing::ElementsAre(1, 2, 3));
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "bob", 0, INT64_MAX, now)), ::testing::ElementsAre(7));
  // `_seq` bounds: after the first, up to the second.
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "alice", (*seqs)[0], (*seqs)[1], now)), ::testing::ElementsAre(2));
  EXPECT_EQ(buffers->Totals().rows, 4u);
}

TEST_F(StreamBuffersTest, RowsPastTheTtlAreInvisibleThenEvicted) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 10, 100);
  ASSERT_TRUE(buffers->Insert(*def, "alice", Rows(1, 2), LastMillis()).ok());
  const int64_t written = LastMillis();
  EXPECT_EQ(buffers->Read(*def, "alice", 0, INT64_MAX, written + 9999).size(), 2u);
  EXPECT_EQ(buffers->Read(*def, "alice", 0, INT64_MAX, written + 10000).size(), 0u);
  // Invisible is not freed: the eviction pass frees the rows and the empty buffer.
  EXPECT_EQ(buffers->Totals().rows, 2u);
  EXPECT_EQ(buffers->EvictExpired(written + 9999).rows, 0u);
  const StreamBufferStats freed = buffers->EvictExpired(written + 10000);
  EXPECT_EQ(freed.rows, 2u);
  EXPECT_EQ(freed.buffers, 1u);
  EXPECT_EQ(buffers->Totals().rows, 0u);
  EXPECT_EQ(buffers->Totals().bytes, 0u);
  EXPECT_EQ(buffers->Stats().buffers, 0u);
}

TEST_F(StreamBuffersTest, AWriteDropsTheBuffersExpiredRowsFirst) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 10, 100);
  ASSERT_TRUE(buffers->Insert(*def, "alice", Rows(1, 2), LastMillis()).ok());
  ASSERT_TRUE(buffers->Insert(*def, "alice", Rows(3, 1), LastMillis() + 10000).ok());
  EXPECT_EQ(buffers->Totals().rows, 1u);
}

TEST_F(StreamBuffersTest, MaxBufferDropsTheOldestRowsOfThatBufferOnly) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 60, 3);
  ASSERT_TRUE(buffers->Insert(*def, "bob", Rows(100, 1), LastMillis()).ok());
  ASSERT_TRUE(buffers->Insert(*def, "alice", Rows(1, 2), LastMillis()).ok());
  ASSERT_TRUE(buffers->Insert(*def, "alice", Rows(3, 3), LastMillis()).ok());
  const int64_t now = LastMillis();
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "alice", 0, INT64_MAX, now)), ::testing::ElementsAre(3, 4, 5));
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "bob", 0, INT64_MAX, now)), ::testing::ElementsAre(100));
  EXPECT_EQ(buffers->Totals().rows, 4u);
  EXPECT_EQ(buffers->Totals().bytes, buffers->Stats().bytes);
}

TEST_F(StreamBuffersTest, TheGlobalLimitRefusesWholeWritesAndKeepsEveryRow) {
  auto def = StreamTable(1, 60, 1000);
  auto buffers = Buffers(/*max_bytes=*/10 * 200);
  ASSERT_TRUE(buffers->Insert(*def, "bob", Rows(1, 5, 100), LastMillis()).ok());
  const StreamBufferStats before = buffers->Totals();
  auto refused = buffers->Insert(*def, "alice", Rows(10, 10, 100), LastMillis());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidOperation);
  EXPECT_THAT(refused.status().message(), HasSubstr("stream.max_total_bytes"));
  EXPECT_EQ(buffers->Totals().rows, before.rows);
  EXPECT_EQ(buffers->Totals().bytes, before.bytes);
  EXPECT_EQ(buffers->Read(*def, "bob", 0, INT64_MAX, LastMillis()).size(), 5u);
  EXPECT_EQ(buffers->Stats().buffers, 1u);  // no empty buffer left behind for alice
}

TEST_F(StreamBuffersTest, DeleteRemovesRowsBySeq) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 60, 100);
  auto seqs = buffers->Insert(*def, "alice", Rows(1, 3), LastMillis());
  ASSERT_TRUE(seqs.ok());
  std::vector<RowChange> changes(1);
  changes[0].current_seq = (*seqs)[1];
  changes[0].values = Rows(2, 1)[0];
  auto removed = buffers->Delete(*def, "alice", changes);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_THAT(Numbers(*def, buffers->Read(*def, "alice", 0, INT64_MAX, LastMillis())), ::testing::ElementsAre(1, 3));
  // Another scope's row with that `_seq` does not exist: nothing to remove.
  auto none = buffers->Delete(*def, "bob", changes);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(buffers->Totals().rows, 2u);
}

TEST_F(StreamBuffersTest, DropTableAndDropScopeFreeTheirBuffers) {
  auto buffers = Buffers();
  auto one = StreamTable(1, 60, 100);
  auto two = StreamTable(2, 60, 100);
  for (const char* user : {"alice", "bob"}) {
    ASSERT_TRUE(buffers->Insert(*one, user, Rows(1, 2), LastMillis()).ok());
    ASSERT_TRUE(buffers->Insert(*two, user, Rows(1, 1), LastMillis()).ok());
  }
  buffers->DropScope("alice");
  EXPECT_EQ(buffers->Totals().rows, 3u);
  buffers->DropTable(1);
  EXPECT_EQ(buffers->Totals().rows, 1u);
  const TableNumber two_number = 2;
  EXPECT_EQ(buffers->Stats(&two_number).rows, 1u);
  EXPECT_EQ(buffers->Totals().bytes, buffers->Stats().bytes);
}

TEST_F(StreamBuffersTest, AHundredByteRowTakesAtMost200Bytes) {
  auto def = StreamTable(1, 60, 100);
  std::string encoded;
  // 8 bytes of BIGINT and a 90-byte body: about 100 bytes of user data.
  EncodeRow(*def, Rows(1, 1, 90)[0], false, 0, &encoded);
  const std::string exact(encoded);
  EXPECT_LE(StreamBuffers::RowFootprint(exact), 200u) << "encoded " << exact.size() << " bytes";
}

TEST_F(StreamBuffersTest, StreamScanDecodesTheProjectedColumns) {
  auto buffers = Buffers();
  auto def = StreamTable(1, 60, 100);
  auto seqs = buffers->Insert(*def, "alice", Rows(5, 2), LastMillis());
  ASSERT_TRUE(seqs.ok());
  ScanProjection projection = {
      {ScanColumn::Kind::kSeq, 0}, {ScanColumn::Kind::kUserColumn, 0}, {ScanColumn::Kind::kDeleted, 0}};
  StreamScan scan(def, buffers->Read(*def, "alice", 0, INT64_MAX, LastMillis()), projection);
  duckdb::DataChunk out;
  out.Initialize(duckdb::Allocator::DefaultAllocator(),
                 {duckdb::LogicalType::BIGINT, duckdb::LogicalType::BIGINT, duckdb::LogicalType::BOOLEAN});
  ASSERT_EQ(scan.Fill(out), 2u);
  EXPECT_EQ(out.GetValue(0, 1).GetValue<int64_t>(), (*seqs)[1]);
  EXPECT_EQ(out.GetValue(1, 1).GetValue<int64_t>(), 6);
  EXPECT_FALSE(out.GetValue(2, 0).GetValue<bool>());
  out.Reset();
  EXPECT_EQ(scan.Fill(out), 0u);
  EXPECT_TRUE(scan.status().ok());
}

}  // namespace
}  // namespace kalam::tables
