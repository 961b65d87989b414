#include "kalam/tables/retention.h"

#include <unordered_set>

#include "duckdb/main/appender.hpp"
#include "kalam/commons/failpoint.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/filestore/table_files.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/row_codec.h"
#include "kalam/tables/table_scan.h"
#include "kalam/tables/type_mapping.h"
#include "primary_key_stat.h"
#include "segment_file_format.h"
#include "sql_text.h"

namespace kalam::tables {
namespace {

Status FromDuckDB(duckdb::QueryResult& result) { return Status::IoError(result.GetError()); }

bool IsTombstone(std::string_view record) {
  auto header = DecodeRowHeader(record);
  return header.ok() && header->deleted;
}

}  // namespace

SeqId SeqBeforeMillis(int64_t cutoff_ms) {
  if (cutoff_ms <= SeqGenerator::kEpochMs) return 0;
  return static_cast<SeqId>((cutoff_ms - SeqGenerator::kEpochMs) << 22);
}

Result<RetentionOutcome> Retention::PurgeTombstones(const std::shared_ptr<const TableDefinition>& def,
                                                    const std::string& scope, SeqId cutoff_seq) {
  RetentionOutcome outcome;
  if (def->type == TableType::kStream || cutoff_seq <= 0) return outcome;
  // Serialised with flushes of the scope: both rewrite its manifest.
  std::lock_guard flush_lock(catalog_.ScopeMutex(*def, scope));
  std::vector<TableStore::PurgeCandidate> cold_purged;
  KALAM_RETURN_IF_ERROR(PurgeCold(*def, scope, cutoff_seq, &cold_purged, &outcome));
  if (!cold_purged.empty()) {
    KALAM_ASSIGN_OR_RETURN(size_t n, table_store_.PurgeTombstones(*def, scope, cold_purged));
    outcome.cold_purged = n;
  }
  KALAM_RETURN_IF_ERROR(PurgeHot(def, scope, cutoff_seq, &outcome));
  return outcome;
}

Status Retention::PurgeCold(const TableDefinition& def, const std::string& scope, SeqId cutoff_seq,
                            std::vector<TableStore::PurgeCandidate>* purged, RetentionOutcome* outcome) {
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  filestore::FileBackend& files = *storage->files;
  KALAM_ASSIGN_OR_RETURN(std::string dir, storage->ScopeDirectory(def, scope));
  const auto pk = def.PrimaryKeyIndex();
  const std::string identity = pk ? QuoteIdent(def.columns[*pk].name) : std::string("_row_id");
  const std::string identity_typed =
      pk ? "CAST(" + identity + " AS " + ToLogicalType(def.columns[*pk].type).ToString() + ")" : identity;
  auto loaded = catalog_.LoadOrRebuild(def, scope, files, dir);
  if (!loaded.ok()) return loaded.status().code() == StatusCode::kNotFound ? Status::Ok() : loaded.status();
  filestore::Manifest manifest = std::move(loaded).value();
  // Leftovers of an interrupted flush or rewrite: files no committed manifest lists.
  KALAM_RETURN_IF_ERROR(filestore::CleanupUncommitted(files, dir, manifest));
  std::vector<size_t> committed;
  for (size_t i = 0; i < manifest.segments.size(); ++i) {
    if (manifest.segments[i].status == filestore::SegmentStatus::kCommitted) committed.push_back(i);
  }
  if (committed.empty()) return Status::Ok();
  auto con = parquet_.Connect();
  std::string paths;
  for (size_t i : committed) {
    if (!paths.empty()) paths += ", ";
    KALAM_ASSIGN_OR_RETURN(std::string local, files.LocalReadPath(filestore::JoinPath(dir, manifest.segments[i].path)));
    paths += QuoteLiteral(local);
  }
  // Identities whose newest version in Parquet is a tombstone older than the cutoff.
  auto found = con->Query("SELECT " + identity_typed + ", CAST(" + identity + " AS VARCHAR), _seq FROM (SELECT " +
                          identity + ", _seq, _deleted, row_number() OVER (PARTITION BY " + identity +
                          " ORDER BY _seq DESC) AS kalam_rn FROM read_parquet([" + paths +
                          // Segments of several schema versions (ALTER TABLE) differ in their
                          // other columns; the key, `_seq` and `_deleted` are in every one.
                          "], union_by_name = true)) WHERE kalam_rn = 1 AND _deleted AND _seq < " + std::to_string(cutoff_seq));
  if (found->HasError()) return FromDuckDB(*found);
  std::vector<std::string> purge_ids;
  while (auto chunk = found->Fetch()) {
    if (chunk->size() == 0) break;
    for (duckdb::idx_t r = 0; r < chunk->size(); ++r) {
      const duckdb::Value key = chunk->GetValue(0, r);
      const SeqId seq = chunk->GetValue(2, r).GetValue<int64_t>();
      std::string index_key = pk ? TableStore::PrimaryKeyIndexKey(def, scope, key)
                                 : TableStore::RowIdIndexKey(def, scope, key.GetValue<int64_t>());
      // Only when that tombstone is the identity's newest version anywhere: a newer hot
      // version (a key inserted again) keeps it out of the purge.
      KALAM_ASSIGN_OR_RETURN(auto newest, table_store_.FindIndexed(index_key));
      if (!newest || !newest->deleted || newest->seq != seq) continue;
      purge_ids.push_back(chunk->GetValue(1, r).ToString());
      purged->push_back({seq, std::move(index_key)});
    }
  }
  if (found->HasError()) return FromDuckDB(*found);
  if (purge_ids.empty()) return Status::Ok();
  auto created = con->Query("CREATE TEMP TABLE purge_ids (id VARCHAR)");
  if (created->HasError()) return FromDuckDB(*created);
  {
    duckdb::Appender appender(*con, "purge_ids");
    for (const std::string& id : purge_ids) {
      appender.BeginRow();
      appender.Append(duckdb::Value(id));
      appender.EndRow();
    }
    appender.Close();
  }
  const std::string keep = "CAST(" + identity + " AS VARCHAR) NOT IN (SELECT id FROM purge_ids)";
  int64_t batch = filestore::NextBatchNumber(manifest);
  std::vector<filestore::Segment> rewritten;  // parallel to `committed`; empty id = dropped
  bool changed = false;
  for (size_t i : committed) {
    filestore::Segment old = manifest.segments[i];
    KALAM_ASSIGN_OR_RETURN(std::string old_local, files.LocalReadPath(filestore::JoinPath(dir, old.path)));
    const std::string old_abs = QuoteLiteral(old_local);
    // How many of the segment's versions go.
    auto stats =
        con->Query("SELECT count(*), count(*) FILTER (WHERE NOT (" + keep + ")) FROM read_parquet(" + old_abs + ")");
    if (stats->HasError()) return FromDuckDB(*stats);
    auto row = stats->Fetch();
    if (!row || row->size() != 1) return Status::Internal("retention: no statistics for " + old.path);
    const int64_t removed = row->GetValue(1, 0).GetValue<int64_t>();
    if (removed == 0) {
      rewritten.push_back(old);
      continue;
    }
    changed = true;
    const int64_t total = row->GetValue(0, 0).GetValue<int64_t>();
    if (total == removed) {
      rewritten.emplace_back();  // nothing stays: the segment leaves the manifest
      continue;
    }
    // Min/max of what stays, from the kept rows only.
    std::string kept_sql = "SELECT count(*), min(_seq), max(_seq)";
    if (pk) kept_sql += ", min(" + identity + "), max(" + identity + ")";
    kept_sql += " FROM read_parquet(" + old_abs + ") WHERE " + keep;
    auto kept_stats = con->Query(kept_sql);
    if (kept_stats->HasError()) return FromDuckDB(*kept_stats);
    auto kept_row = kept_stats->Fetch();
    if (!kept_row || kept_row->size() != 1) return Status::Internal("retention: no statistics for " + old.path);
    const int64_t n = batch++;
    const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(n));
    const std::string final_name = filestore::SegmentFileName(n);
    KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
    auto copied = con->Query("COPY (SELECT * FROM read_parquet(" + old_abs + ") WHERE " + keep + " ORDER BY _seq) TO " +
                             QuoteLiteral(files.AbsolutePath(tmp_rel)) + " " +
                             SegmentCopyOptions(old.schema_version == 0 ? def.schema_version : old.schema_version));
    if (copied->HasError()) return FromDuckDB(*copied);
    KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
    KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, filestore::JoinPath(dir, final_name)));
    KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kRetentionSegmentWritten));
    filestore::Segment segment = old;
    segment.id = filestore::SegmentId(n);
    segment.path = final_name;
    segment.row_count = kept_row->GetValue(0, 0).GetValue<int64_t>();
    segment.min_seq = kept_row->GetValue(1, 0).GetValue<int64_t>();
    segment.max_seq = kept_row->GetValue(2, 0).GetValue<int64_t>();
    // flushed_upto_seq stays: the hot versions it covers are still covered (purged
    // identities' hot copies go with their index entries below).
    KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(filestore::JoinPath(dir, final_name)));
    segment.size_bytes = static_cast<int64_t>(size);
    segment.column_stats[filestore::ColumnStatsKey(0)] =
        filestore::ColumnStats{std::to_string(segment.min_seq), std::to_string(segment.max_seq), 0};
    if (pk) {
      segment.column_stats[filestore::ColumnStatsKey(def.columns[*pk].column_id)] = filestore::ColumnStats{
          PrimaryKeyStatJson(kept_row->GetValue(3, 0)), PrimaryKeyStatJson(kept_row->GetValue(4, 0)), 0};
    }
    rewritten.push_back(std::move(segment));
    ++outcome->segments_rewritten;
  }
  if (changed) {
    std::vector<filestore::Segment> next;
    size_t k = 0;
    for (size_t i = 0; i < manifest.segments.size(); ++i) {
      if (k < committed.size() && committed[k] == i) {
        if (!rewritten[k].id.empty()) next.push_back(std::move(rewritten[k]));
        ++k;
      } else {
        next.push_back(manifest.segments[i]);
      }
    }
    manifest.segments = std::move(next);
    // The commit point: one atomic manifest write swaps the old segments for the new.
    // A crash before it leaves the old state (the new files are uncommitted leftovers);
    // after it, the old files are leftovers. CleanupUncommitted removes either.
    KALAM_RETURN_IF_ERROR(filestore::SaveManifest(files, dir, manifest));
    catalog_.ForgetScope(def, scope);
    KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kRetentionManifestSaved));
    // The replaced files are not deleted here: a scan that read the old segment list may
    // still be reading them. Unlisted now, they are removed as leftovers by the scope's
    // next flush or retention run (CleanupUncommitted), long after such scans ended.
  }
  return Status::Ok();
}

Status Retention::PurgeHot(const std::shared_ptr<const TableDefinition>& def_ptr, const std::string& scope,
                           SeqId cutoff_seq, RetentionOutcome* outcome) {
  const TableDefinition& def = *def_ptr;
  const auto pk = def.PrimaryKeyIndex();
  KALAM_ASSIGN_OR_RETURN(auto segments, catalog_.Segments(def, scope));
  ScanProjection projection;
  if (pk) projection.push_back({ScanColumn::Kind::kUserColumn, static_cast<uint32_t>(*pk)});
  projection.push_back({ScanColumn::Kind::kRowId, 0});
  TableScanOptions options;
  options.include_tombstones = true;
  options.as_of_seq = cutoff_seq - 1;
  // The hot tier alone (no segments): its tombstones below the cutoff.
  TableScan scan(table_store_, parquet_, def_ptr, scope, backend_.GetSnapshot(), nullptr, std::move(projection),
                 std::move(options));
  std::vector<TableStore::PurgeCandidate> hot;
  auto it = scan.Ordered(ScanOrder::kOldestFirst);
  for (; it->Valid(); it->Next()) {
    if (!it->deleted()) continue;
    const duckdb::Value key = pk ? it->chunk().GetValue(0, it->row()) : duckdb::Value();
    const int64_t row_id = it->chunk().GetValue(pk ? 1 : 0, it->row()).GetValue<int64_t>();
    // Older versions of this identity may still be in Parquet: purging the tombstone would
    // bring them back. It stays until a flush moves it to Parquet, where the next run
    // purges it together with them.
    bool maybe_cold = false;
    for (const ColdSegment& segment : *segments) {
      maybe_cold = pk ? segment.MayContainKey(key) : segment.max_seq >= row_id;
      if (maybe_cold) break;
    }
    if (maybe_cold) continue;
    hot.push_back({it->seq(), pk ? TableStore::PrimaryKeyIndexKey(def, scope, key)
                                 : TableStore::RowIdIndexKey(def, scope, static_cast<uint64_t>(row_id))});
  }
  KALAM_RETURN_IF_ERROR(it->status());
  if (!hot.empty()) {
    KALAM_ASSIGN_OR_RETURN(size_t n, table_store_.PurgeTombstones(def, scope, hot));
    outcome->hot_purged = n;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Retention::AllScopes(const TableDefinition& def) {
  KALAM_ASSIGN_OR_RETURN(std::vector<std::string> scopes, table_store_.ScopesWithRows(def));
  std::unordered_set<std::string> seen(scopes.begin(), scopes.end());
  if (def.type == TableType::kShared) {
    if (seen.insert("").second) scopes.emplace_back();
    return scopes;
  }
  KALAM_ASSIGN_OR_RETURN(auto storage, storages_.For(def));
  KALAM_ASSIGN_OR_RETURN(std::string root, storage->TableRoot(def));
  auto users = storage->files->ListDirectories(root);
  if (!users.ok()) {
    if (users.status().code() == StatusCode::kNotFound) return scopes;
    return users.status();
  }
  for (const std::string& user : *users) {
    if (seen.insert(user).second) scopes.push_back(user);
  }
  return scopes;
}

Result<bool> Retention::MayHaveTombstonesBefore(const TableDefinition& def, SeqId cutoff_seq) {
  if (def.type == TableType::kStream || cutoff_seq <= 0) return false;
  auto it = backend_.ScanPrefix(store::Partition::kRows, TablePrefix(def.number));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (SeqFromRowKey(it->key()) < cutoff_seq && IsTombstone(it->value())) return true;
  }
  KALAM_RETURN_IF_ERROR(it->status());
  KALAM_ASSIGN_OR_RETURN(auto scopes, AllScopes(def));
  for (const std::string& scope : scopes) {
    KALAM_ASSIGN_OR_RETURN(auto segments, catalog_.Segments(def, scope));
    for (const ColdSegment& segment : *segments) {
      if (segment.min_seq < cutoff_seq) return true;
    }
  }
  return false;
}

}  // namespace kalam::tables
