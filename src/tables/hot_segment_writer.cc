#include "kalam/tables/hot_segment_writer.h"

#include <algorithm>
#include <optional>

#include "duckdb/main/appender.hpp"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/type_mapping.h"
#include "primary_key_stat.h"
#include "segment_file_format.h"
#include "sql_text.h"

namespace kalam::tables {
namespace {

// The temp table the versions are staged in (one per connection).
constexpr char kStagingTable[] = "flush_rows";

Status FromDuckDB(duckdb::QueryResult& result) { return Status::IoError(result.GetError()); }

}  // namespace

HotSegmentWriter::~HotSegmentWriter() {
  if (staged_) con_.Query(std::string("DROP TABLE ") + kStagingTable);
}

Status HotSegmentWriter::Stage(std::shared_ptr<const store::Snapshot> snapshot, SeqId upto, SeqId skip_upto) {
  const TableDefinition& def = *def_;
  ScanProjection projection;
  duckdb::vector<duckdb::LogicalType> types;
  std::string create = "CREATE TEMP TABLE flush_rows (";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    projection.push_back({ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(i)});
    types.push_back(ToLogicalType(def.columns[i].type));
    create += QuoteIdent(def.columns[i].name) + " " + types.back().ToString() + ", ";
  }
  projection.push_back({ScanColumn::Kind::kSeq, 0});
  projection.push_back({ScanColumn::Kind::kDeleted, 0});
  projection.push_back({ScanColumn::Kind::kRowId, 0});
  types.push_back(duckdb::LogicalType::BIGINT);
  types.push_back(duckdb::LogicalType::BOOLEAN);
  types.push_back(duckdb::LogicalType::BIGINT);
  create += "_seq BIGINT, _deleted BOOLEAN, _row_id BIGINT)";

  HotScanOptions options;
  options.include_tombstones = true;
  options.max_seq_inclusive = upto;
  HotScanner scanner(backend_, def_, scope_, std::move(snapshot), projection, options);

  // Created with the first version to stage: a scope with nothing hot (most of them, in a
  // backup) costs no DuckDB statement.
  std::optional<duckdb::Appender> appender;
  duckdb::DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
  while (true) {
    chunk.Reset();
    if (scanner.Fill(chunk) == 0) break;
    const auto* seqs = duckdb::FlatVector::GetData<int64_t>(chunk.data[def.columns.size()]);
    duckdb::SelectionVector keep(chunk.size());
    duckdb::idx_t kept = 0;
    for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
      read_.push_back(seqs[r]);
      if (seqs[r] <= skip_upto) continue;
      keep.set_index(kept++, r);
      min_seq_ = std::min(min_seq_, seqs[r]);
      max_seq_ = std::max(max_seq_, seqs[r]);
    }
    if (kept == 0) continue;
    if (kept < chunk.size()) chunk.Slice(keep, kept);
    if (!appender) {
      auto created = con_.Query(create);
      if (created->HasError()) return FromDuckDB(*created);
      staged_ = true;
      appender.emplace(con_, kStagingTable);
    }
    appender->AppendDataChunk(chunk);
    rows_ += kept;
  }
  KALAM_RETURN_IF_ERROR(scanner.status());
  if (appender) appender->Close();
  return Status::Ok();
}

Status HotSegmentWriter::WriteParquet(const std::string& absolute_path) {
  std::string select = "SELECT ";
  for (const auto& c : def_->columns) select += QuoteIdent(c.name) + ", ";
  select += def_->PrimaryKeyIndex().has_value() ? "_seq, _deleted" : "_seq, _deleted, _row_id";
  auto copied = con_.Query("COPY (" + select + " FROM " + kStagingTable + " ORDER BY _seq) TO " +
                           QuoteLiteral(absolute_path) + " " + SegmentCopyOptions(def_->schema_version));
  if (copied->HasError()) return FromDuckDB(*copied);
  return Status::Ok();
}

filestore::Segment HotSegmentWriter::Describe(int64_t batch) {
  const TableDefinition& def = *def_;
  filestore::Segment segment;
  segment.id = filestore::SegmentId(batch);
  segment.path = filestore::SegmentFileName(batch);
  segment.min_seq = min_seq_;
  segment.max_seq = max_seq_;
  segment.row_count = static_cast<int64_t>(rows_);
  segment.schema_version = def.schema_version;
  segment.status = filestore::SegmentStatus::kCommitted;
  segment.column_stats[filestore::ColumnStatsKey(0)] =
      filestore::ColumnStats{std::to_string(min_seq_), std::to_string(max_seq_), 0};
  if (auto pk = def.PrimaryKeyIndex()) {
    const std::string column = QuoteIdent(def.columns[*pk].name);
    auto stats = con_.Query("SELECT min(" + column + "), max(" + column + ") FROM " + kStagingTable);
    if (!stats->HasError()) {
      auto chunk = stats->Fetch();
      if (chunk && chunk->size() == 1) {
        segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] = filestore::ColumnStats{
            PrimaryKeyStatJson(chunk->GetValue(0, 0)), PrimaryKeyStatJson(chunk->GetValue(1, 0)), 0};
      }
    }
  }
  return segment;
}

}  // namespace kalam::tables
