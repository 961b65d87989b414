#include "kalam/tables/cold_flush.h"

#include <algorithm>

#include "duckdb/main/appender.hpp"
#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/filestore/table_files.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/type_mapping.h"
#include "primary_key_stat.h"
#include "segment_file_format.h"
#include "sql_text.h"

namespace kalam::tables {
namespace {

Status FromDuckDB(duckdb::QueryResult& result) { return Status::IoError(result.GetError()); }

bool Cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(std::memory_order_relaxed); }
Status CancelledStatus() { return Status::InvalidOperation("cancelled before its commit point"); }

}  // namespace

Result<bool> ColdFlush::DueForFlush(const TableDefinition& def, int64_t now_us) const {
  if (def.type == TableType::kStream) return false;
  const auto row_limit = def.options.flush_row_limit;
  const auto interval = def.options.flush_interval_seconds;
  if (!row_limit && !interval) return false;
  uint64_t pending = 0;
  SeqId oldest = INT64_MAX;
  auto it = backend_.ScanPrefix(store::Partition::kRows, TablePrefix(def.number));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++pending;
    oldest = std::min(oldest, SeqFromRowKey(it->key()));
    if (row_limit && pending >= *row_limit) return true;
  }
  KALAM_RETURN_IF_ERROR(it->status());
  if (pending == 0 || !interval) return false;
  const int64_t oldest_ms = SeqGenerator::MillisOf(oldest);
  return now_us / 1000 - oldest_ms >= static_cast<int64_t>(*interval) * 1000;
}

Result<FlushOutcome> ColdFlush::FlushTable(const std::shared_ptr<const TableDefinition>& def,
                                           const std::atomic<bool>* cancel) {
  KALAM_ASSIGN_OR_RETURN(auto scopes, table_store_.ScopesWithRows(*def));
  FlushOutcome total;
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(FlushOutcome one, FlushScope(def, scope, cancel));
    total.rows += one.rows;
    total.files += one.files;
  }
  return total;
}

Result<FlushOutcome> ColdFlush::FlushScope(const std::shared_ptr<const TableDefinition>& def_ptr,
                                           const std::string& scope, const std::atomic<bool>* cancel) {
  const TableDefinition& def = *def_ptr;
  if (Cancelled(cancel)) return CancelledStatus();
  std::lock_guard flush_lock(catalog_.ScopeMutex(def, scope));
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope));
  filestore::Manifest manifest;
  auto loaded = catalog_.LoadOrRebuild(def, scope, files, dir);
  if (loaded.ok()) {
    manifest = std::move(loaded).value();
  } else if (loaded.status().code() == StatusCode::kNotFound) {
    manifest.table_id = def.id.ToString();
    if (def.type != TableType::kShared) manifest.user_id = scope;
    manifest.created_at_ms = NowMicros() / 1000;
  } else {
    return loaded.status();
  }
  KALAM_RETURN_IF_ERROR(files.CreateDirectories(dir));
  // Leftovers of a crashed flush: temp files and files the manifest never committed.
  KALAM_RETURN_IF_ERROR(filestore::CleanupUncommitted(files, dir, manifest));
  SeqId committed_upto = 0;
  for (const auto& segment : manifest.segments) committed_upto = std::max(committed_upto, segment.flushed_upto_seq);

  // Snapshot the versions to move; later writes get higher `_seq` and stay hot.
  auto snapshot = backend_.GetSnapshot();
  const SeqId upto = seq_.Last();
  const bool has_pk = def.PrimaryKeyIndex().has_value();
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
  HotScanner scanner(backend_, def_ptr, scope, snapshot, projection, options);

  auto con = parquet_.Connect();
  auto created = con->Query(create);
  if (created->HasError()) return FromDuckDB(*created);
  std::vector<SeqId> moved;  // every hot version read: written now or already in Parquet
  uint64_t rows = 0;
  SeqId min_seq = INT64_MAX, max_seq = 0;
  {
    duckdb::Appender appender(*con, "flush_rows");
    duckdb::DataChunk chunk;
    chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
    while (true) {
      chunk.Reset();
      if (scanner.Fill(chunk) == 0) break;
      const auto* seqs = duckdb::FlatVector::GetData<int64_t>(chunk.data[def.columns.size()]);
      duckdb::SelectionVector keep(chunk.size());
      duckdb::idx_t kept = 0;
      for (duckdb::idx_t r = 0; r < chunk.size(); ++r) {
        moved.push_back(seqs[r]);
        // Already covered by a committed segment (a crash hit between commit and cleanup).
        if (seqs[r] <= committed_upto) continue;
        keep.set_index(kept++, r);
        min_seq = std::min(min_seq, seqs[r]);
        max_seq = std::max(max_seq, seqs[r]);
      }
      if (kept == 0) continue;
      if (kept < chunk.size()) chunk.Slice(keep, kept);
      appender.AppendDataChunk(chunk);
      rows += kept;
    }
    KALAM_RETURN_IF_ERROR(scanner.status());
    appender.Close();
  }
  if (rows == 0) {
    if (!moved.empty()) KALAM_RETURN_IF_ERROR(table_store_.DeleteFlushedVersions(def, scope, moved));
    return FlushOutcome{};
  }

  const int64_t batch = filestore::NextBatchNumber(manifest);
  const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(batch));
  const std::string final_name = filestore::SegmentFileName(batch);
  std::string select = "SELECT ";
  for (const auto& c : def.columns) select += QuoteIdent(c.name) + ", ";
  select += has_pk ? "_seq, _deleted" : "_seq, _deleted, _row_id";
  KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
  auto copied = con->Query("COPY (" + select + " FROM flush_rows ORDER BY _seq) TO " +
                           QuoteLiteral(files.AbsolutePath(tmp_rel)) + " " +
                           SegmentCopyOptions(def.schema_version));
  if (copied->HasError()) return FromDuckDB(*copied);
  KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kFlushSegmentWritten));
  // The last moment to give up: after the rename the next step is the commit.
  if (Cancelled(cancel)) {
    KALAM_RETURN_IF_ERROR(files.Delete(tmp_rel));
    return CancelledStatus();
  }
  KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, filestore::JoinPath(dir, final_name)));
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kFlushSegmentRenamed));

  filestore::Segment segment;
  segment.id = filestore::SegmentId(batch);
  segment.path = final_name;
  segment.min_seq = min_seq;
  segment.max_seq = max_seq;
  // Not `upto`: a write holding a `_seq` below it may commit after the snapshot and stay hot.
  // Only versions this flush actually read are covered (commits happen in `_seq` order, so
  // every committed version below the largest one read was visible to the snapshot).
  segment.flushed_upto_seq = *std::max_element(moved.begin(), moved.end());
  segment.row_count = static_cast<int64_t>(rows);
  KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(filestore::JoinPath(dir, final_name)));
  segment.size_bytes = static_cast<int64_t>(size);
  segment.created_at_ms = NowMicros() / 1000;
  segment.schema_version = def.schema_version;
  segment.status = filestore::SegmentStatus::kCommitted;
  segment.column_stats[filestore::ColumnStatsKey(0)] =
      filestore::ColumnStats{std::to_string(min_seq), std::to_string(max_seq), 0};
  if (auto pk = def.PrimaryKeyIndex()) {
    auto stats = con->Query("SELECT min(" + QuoteIdent(def.columns[*pk].name) + "), max(" +
                            QuoteIdent(def.columns[*pk].name) + ") FROM flush_rows");
    if (!stats->HasError()) {
      auto chunk = stats->Fetch();
      if (chunk && chunk->size() == 1) {
        segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] = filestore::ColumnStats{
            PrimaryKeyStatJson(chunk->GetValue(0, 0)), PrimaryKeyStatJson(chunk->GetValue(1, 0)), 0};
      }
    }
  }
  manifest.segments.push_back(std::move(segment));
  manifest.last_sequence_number = batch;
  // The commit point: once the manifest names the file, the rows live in the cold tier.
  KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
  catalog_.ForgetScope(def, scope);
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kFlushManifestSaved));
  KALAM_RETURN_IF_ERROR(table_store_.DeleteFlushedVersions(def, scope, moved));
  return FlushOutcome{rows, 1};
}

}  // namespace kalam::tables
