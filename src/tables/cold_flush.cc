#include "kalam/tables/cold_flush.h"

#include <algorithm>

#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/filestore/table_files.h"
#include "kalam/tables/hot_segment_writer.h"
#include "kalam/tables/key_codec.h"

namespace kalam::tables {
namespace {

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
  auto con = parquet_.Connect();
  HotSegmentWriter writer(*con, backend_, def_ptr, scope);
  // Versions at or below `committed_upto` are already in a committed segment (a crash hit
  // between commit and cleanup): read, so that they are deleted, but not written again.
  KALAM_RETURN_IF_ERROR(writer.Stage(snapshot, upto, committed_upto));
  const std::vector<SeqId>& moved = writer.read();  // every hot version read
  if (writer.rows() == 0) {
    if (!moved.empty()) KALAM_RETURN_IF_ERROR(table_store_.DeleteFlushedVersions(def, scope, moved));
    return FlushOutcome{};
  }

  const int64_t batch = filestore::NextBatchNumber(manifest);
  const std::string tmp_rel = filestore::JoinPath(dir, filestore::TempFileName(batch));
  const std::string final_name = filestore::SegmentFileName(batch);
  KALAM_RETURN_IF_ERROR(filestore::CheckWriteFailpoint(Failpoint::kParquetWrite, tmp_rel));
  KALAM_RETURN_IF_ERROR(writer.WriteParquet(files.AbsolutePath(tmp_rel)));
  KALAM_RETURN_IF_ERROR(files.SyncFile(tmp_rel));
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kFlushSegmentWritten));
  // The last moment to give up: after the rename the next step is the commit.
  if (Cancelled(cancel)) {
    KALAM_RETURN_IF_ERROR(files.Delete(tmp_rel));
    return CancelledStatus();
  }
  KALAM_RETURN_IF_ERROR(files.Rename(tmp_rel, filestore::JoinPath(dir, final_name)));
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kFlushSegmentRenamed));

  filestore::Segment segment = writer.Describe(batch);
  // Not `upto`: a write holding a `_seq` below it may commit after the snapshot and stay hot.
  // Only versions this flush actually read are covered (commits happen in `_seq` order, so
  // every committed version below the largest one read was visible to the snapshot).
  segment.flushed_upto_seq = *std::max_element(moved.begin(), moved.end());
  KALAM_ASSIGN_OR_RETURN(uint64_t size, files.Size(filestore::JoinPath(dir, final_name)));
  segment.size_bytes = static_cast<int64_t>(size);
  segment.created_at_ms = NowMicros() / 1000;
  const uint64_t rows = writer.rows();
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
