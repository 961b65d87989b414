#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/retention.h"
#include "kalam/tables/segment_catalog.h"

namespace kalam::tables {

struct CompactionOptions {
  // Only scopes with at least this many committed segments are merged (never fewer than 2).
  size_t min_segments = 2;
  // Tombstones below this `_seq` go first, with every older version of their rows
  // (Retention::PurgeTombstones); 0 keeps every tombstone.
  SeqId retention_cutoff = 0;
  // How long a compaction waits, after its commit, for scans still reading the replaced
  // files; the files they hold are left for a later cleanup when the wait runs out.
  std::chrono::milliseconds reader_wait{0};
};

struct CompactionOutcome {
  uint64_t scopes = 0;             // scopes whose segments were merged
  uint64_t segments_merged = 0;    // committed segments replaced
  uint64_t segments_written = 0;   // segments that replaced them (0 when nothing stayed)
  uint64_t versions_dropped = 0;   // superseded versions left out of the merged segments
  uint64_t tombstones_purged = 0;  // rows whose tombstones were past retention
  uint64_t files_deleted = 0;      // replaced files deleted after the commit
  uint64_t files_left = 0;         // replaced files still read by a scan, left for later

  void Add(const CompactionOutcome& other);
};

// Compaction of the cold tier (docs/cold-tier.md): the committed segments of a scope become
// one segment sorted by `_seq` that holds the newest version of each row (tombstones within
// retention included), committed by one manifest save; the replaced files are deleted only
// after that commit, once no scan that listed them still runs.
//
// Crash-safe at every step: before the manifest save the new file is an unlisted leftover
// and readers see the old segments; after it the old files are leftovers, removed by the next
// cleanup of the directory. Serialised with the scope's flushes and retention runs
// (SegmentCatalog::ScopeMutex). Thread-safe; every argument must outlive it.
class Compaction {
 public:
  Compaction(ColdStorages& storages, SegmentCatalog& catalog, ParquetDb& parquet, Retention& retention)
      : storages_(storages), catalog_(catalog), parquet_(parquet), retention_(retention) {}

  Result<CompactionOutcome> CompactScope(const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
                                         const CompactionOptions& options);
  // Every scope of the table with at least `options.min_segments` committed segments.
  Result<CompactionOutcome> CompactTable(const std::shared_ptr<const TableDefinition>& def,
                                         const CompactionOptions& options);
  // The table's scopes (user ids; "" for SHARED) with at least `min_segments` committed
  // segments.
  Result<std::vector<std::string>> ScopesToCompact(const TableDefinition& def, size_t min_segments);

 private:
  // After the commit: deletes every segment file of `dir` that `manifest` no longer lists,
  // once no scan reads one, waiting up to `wait` for that.
  Status RemoveReplacedFiles(const TableDefinition& def, const std::string& scope, filestore::FileBackend& files,
                             const std::string& dir, const filestore::Manifest& manifest,
                             std::chrono::milliseconds wait, CompactionOutcome* outcome);

  ColdStorages& storages_;
  SegmentCatalog& catalog_;
  ParquetDb& parquet_;
  Retention& retention_;
};

}  // namespace kalam::tables
