#include "kalam/tables/compaction.h"

#include <algorithm>
#include <thread>

#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/filestore/table_files.h"
#include "kalam/tables/cold_query.h"
#include "primary_key_stat.h"
#include "segment_file_format.h"
#include "sql_text.h"

namespace kalam::tables {
namespace {

Status FromDuckDB(duckdb::QueryResult& result) { return Status::IoError(result.GetError()); }

// The SELECT that writes the merged segment: ColdQuery's newest version per identity (the
// read every scan uses, so the merged file holds exactly what the scopes' readers saw), with
// the columns renamed back to a segment's own and in `_seq` order.
std::string MergedRowsQuery(const TableDefinition& def, const std::vector<ColdSegment>& inputs) {
  const bool has_pk = def.PrimaryKeyIndex().has_value();
  ScanProjection projection;
  std::string columns, aliases;
  for (size_t i = 0; i < def.columns.size(); ++i) {
    projection.push_back({ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(i)});
    columns += QuoteIdent(def.columns[i].name) + ", ";
    aliases += QuoteIdent(def.columns[i].name) + ", ";
  }
  projection.push_back({ScanColumn::Kind::kSeq, 0});
  aliases += "_seq, ";
  columns += "_seq, _deleted";
  if (!has_pk) {
    projection.push_back({ScanColumn::Kind::kRowId, 0});
    aliases += "_row_id, ";
    columns += ", _row_id";
  }
  aliases += "kalam_identity, _deleted";
  return "SELECT " + columns + " FROM (" + ColdQuery(def, projection, inputs, {}, /*with_identity=*/false) +
         ") AS kalam_merged(" + aliases + ") ORDER BY _seq";
}

}  // namespace

void CompactionOutcome::Add(const CompactionOutcome& other) {
  scopes += other.scopes;
  segments_merged += other.segments_merged;
  segments_written += other.segments_written;
  versions_dropped += other.versions_dropped;
  tombstones_purged += other.tombstones_purged;
  files_deleted += other.files_deleted;
  files_left += other.files_left;
}

Result<std::vector<std::string>> Compaction::ScopesToCompact(const TableDefinition& def, size_t min_segments) {
  std::vector<std::string> due;
  if (def.type == TableType::kStream) return due;
  min_segments = std::max<size_t>(min_segments, 2);
  KALAM_ASSIGN_OR_RETURN(auto scopes, retention_.AllScopes(def));
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(auto segments, catalog_.Segments(def, scope));
    if (segments->size() >= min_segments) due.push_back(scope);
  }
  return due;
}

Result<CompactionOutcome> Compaction::CompactTable(const std::shared_ptr<const TableDefinition>& def,
                                                   const CompactionOptions& options) {
  KALAM_ASSIGN_OR_RETURN(auto scopes, ScopesToCompact(*def, options.min_segments));
  CompactionOutcome total;
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(CompactionOutcome one, CompactScope(def, scope, options));
    total.Add(one);
  }
  return total;
}

Result<CompactionOutcome> Compaction::CompactScope(const std::shared_ptr<const TableDefinition>& def_ptr,
                                                   const std::string& scope, const CompactionOptions& options) {
  const TableDefinition& def = *def_ptr;
  CompactionOutcome outcome;
  if (def.type == TableType::kStream) return outcome;
  // Tombstones past retention go first, through retention itself: it also removes their
  // index entries and hot copies, which a merge alone could not.
  // Only worth a read when some segment holds versions that old.
  if (options.retention_cutoff > 0) {
    KALAM_ASSIGN_OR_RETURN(auto listed, catalog_.Segments(def, scope));
    const bool old = std::any_of(listed->begin(), listed->end(),
                                 [&](const ColdSegment& s) { return s.min_seq < options.retention_cutoff; });
    listed.reset();
    if (old) {
      KALAM_ASSIGN_OR_RETURN(RetentionOutcome purged,
                             retention_.PurgeTombstones(def_ptr, scope, options.retention_cutoff));
      outcome.tombstones_purged = purged.cold_purged + purged.hot_purged;
    }
  }
  std::lock_guard scope_lock(catalog_.ScopeMutex(def, scope));
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope));
  auto loaded = catalog_.LoadOrRebuild(def, scope, files, dir);
  if (!loaded.ok()) {
    if (loaded.status().code() == StatusCode::kNotFound) return outcome;
    return loaded.status();
  }
  filestore::Manifest manifest = std::move(loaded).value();
  std::vector<ColdSegment> inputs;
  {
    // Listed from the manifest just loaded: every writer of it holds the scope's lock.
    KALAM_ASSIGN_OR_RETURN(auto listed, catalog_.Segments(def, scope));
    inputs = *listed;
  }
  if (inputs.size() < std::max<size_t>(options.min_segments, 2)) return outcome;

  SeqId flushed_upto = 0;
  int64_t rows_before = 0;
  std::vector<filestore::Segment> kept;  // what the merge does not replace
  for (const filestore::Segment& segment : manifest.segments) {
    if (segment.status != filestore::SegmentStatus::kCommitted) {
      kept.push_back(segment);
      continue;
    }
    flushed_upto = std::max(flushed_upto, segment.flushed_upto_seq);
    rows_before += segment.row_count;
  }

  const int64_t batch = filestore::NextBatchNumber(manifest);
  const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(batch));
  const std::string final_name = filestore::SegmentFileName(batch);
  const std::string final_rel = filestore::JoinPath(dir, final_name);
  auto con = parquet_.Connect();
  KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
  auto copied = con->Query("COPY (" + MergedRowsQuery(def, inputs) + ") TO " +
                           QuoteLiteral(files.AbsolutePath(tmp_rel)) + " " +
                           SegmentCopyOptions(def.schema_version));
  if (copied->HasError()) return FromDuckDB(*copied);
  KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
  KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, final_rel));

  // The merged segment's statistics, read back from the file itself.
  const auto pk = def.PrimaryKeyIndex();
  std::string stats_sql = "SELECT count(*), min(_seq), max(_seq)";
  if (pk)
    stats_sql += ", min(" + QuoteIdent(def.columns[*pk].name) + "), max(" + QuoteIdent(def.columns[*pk].name) + ")";
  stats_sql += " FROM read_parquet(" + QuoteLiteral(files.AbsolutePath(final_rel)) + ")";
  auto stats = con->Query(stats_sql);
  if (stats->HasError()) return FromDuckDB(*stats);
  auto row = stats->Fetch();
  if (!row || row->size() != 1) return Status::Internal("compaction: no statistics for " + final_name);
  const int64_t rows_after = row->GetValue(0, 0).GetValue<int64_t>();

  outcome.scopes = 1;
  outcome.segments_merged = inputs.size();
  outcome.versions_dropped = static_cast<uint64_t>(std::max<int64_t>(rows_before - rows_after, 0));
  if (rows_after > 0) {
    filestore::Segment segment;
    segment.id = filestore::SegmentId(batch);
    segment.path = final_name;
    segment.min_seq = row->GetValue(1, 0).GetValue<int64_t>();
    segment.max_seq = row->GetValue(2, 0).GetValue<int64_t>();
    // Every hot version any replaced segment covered is still covered: its newest version is
    // in the merged file, or it was superseded by one that is.
    segment.flushed_upto_seq = flushed_upto;
    segment.row_count = rows_after;
    KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(final_rel));
    segment.size_bytes = static_cast<int64_t>(size);
    segment.created_at_ms = NowMicros() / 1000;
    segment.schema_version = def.schema_version;
    segment.status = filestore::SegmentStatus::kCommitted;
    segment.column_stats[filestore::ColumnStatsKey(filestore::kSeqColumnId)] =
        filestore::ColumnStats{std::to_string(segment.min_seq), std::to_string(segment.max_seq), 0};
    if (pk) {
      segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] =
          filestore::ColumnStats{PrimaryKeyStatJson(row->GetValue(3, 0)), PrimaryKeyStatJson(row->GetValue(4, 0)), 0};
    }
    kept.push_back(std::move(segment));
    outcome.segments_written = 1;
  }
  manifest.segments = std::move(kept);
  // The commit point: one atomic manifest save swaps the old segments for the merged one.
  // When nothing stayed the new file is unlisted and goes with the replaced ones.
  KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
  catalog_.ForgetScope(def, scope);
  KALAM_RETURN_IF_ERROR(RemoveReplacedFiles(def, scope, files, dir, manifest, options.reader_wait, &outcome));
  return outcome;
}

Status Compaction::RemoveReplacedFiles(const TableDefinition& def, const std::string& scope,
                                       filestore::FileBackend& files, const std::string& dir,
                                       const filestore::Manifest& manifest, std::chrono::milliseconds wait,
                                       CompactionOutcome* outcome) {
  KALAM_ASSIGN_OR_RETURN(std::vector<std::string> names, files.List(dir));
  std::vector<std::string> unlisted;
  for (const std::string& name : names) {
    if (!filestore::ParseSegmentFileName(name)) continue;
    const bool listed = std::any_of(manifest.segments.begin(), manifest.segments.end(),
                                    [&](const filestore::Segment& s) { return s.path == name; });
    if (!listed) unlisted.push_back(files.AbsolutePath(filestore::JoinPath(dir, name)));
  }
  if (unlisted.empty()) return Status::Ok();
  // A scan that listed the segments before the commit may still open them. No new one can
  // (SegmentCatalog::ScansMayRead), so the wait ends when the running ones do.
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (catalog_.ScansMayRead(def, scope, unlisted)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      outcome->files_left += unlisted.size();
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::vector<std::string> removed;
  KALAM_RETURN_IF_ERROR(filestore::CleanupUncommitted(files, dir, manifest, &removed));
  for (const std::string& name : removed) {
    if (filestore::ParseSegmentFileName(name)) ++outcome->files_deleted;
  }
  return Status::Ok();
}

}  // namespace kalam::tables
