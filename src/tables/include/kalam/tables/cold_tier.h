#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kalam/commons/job_outcome.h"
#include "kalam/commons/result.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/table_definition.h"
#include "kalam/registry/storage_registry.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/cold_flush.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/compaction.h"
#include "kalam/tables/dropped_table_trash.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/retention.h"
#include "kalam/tables/segment_cache.h"
#include "kalam/tables/segment_catalog.h"
#include "kalam/tables/table_store.h"

namespace kalam::tables {

// The cold tier of USER and SHARED tables, as the engine sees it: one object that owns its
// parts and answers for them. Each table's files live in the storage its definition names
// (`options.storage_id`), under that storage's base directory, at the directory its USER or
// SHARED template resolves to (docs/sql-reference.md), as `batch-N.parquet` files with a manifest
// per directory (docs/cold-tier.md). The parts, each usable alone:
//   ColdStorages       opened storages (one FileBackend each), invalidated by ALTER/DROP STORAGE
//   ParquetDb          the DuckDB instance that may touch files
//   SegmentCatalog     manifests, their rebuild, cached segment lists, per-scope locks, stats
//   ColdFlush          hot versions -> a new segment
//   Retention          old tombstones out of both tiers
//   Compaction         a scope's segments merged into one
//   DroppedTableTrash  files of dropped tables and purged users
//   SegmentCache       decoded segments kept for the next ordered reads
// Thread-safe. Every argument must outlive it.
class ColdTier {
 public:
  ColdTier(store::StorageBackend& backend, TableStore& table_store, SeqGenerator& seq,
           const registry::StorageRegistry& storages, ServerConfig::ObjectStore object_store = {},
           uint64_t read_cache_bytes = 0);

  ColdStorages& storages() { return storages_; }
  ParquetDb& parquet() { return parquet_; }
  SegmentCatalog& catalog() { return catalog_; }
  ColdFlush& flush() { return flush_; }
  Retention& retention() { return retention_; }
  Compaction& compaction() { return compaction_; }
  DroppedTableTrash& trash() { return trash_; }
  SegmentCache& segment_cache() { return segment_cache_; }

  // The operations the engine calls, forwarded to the part that owns them (see there).
  Result<FlushOutcome> FlushScope(const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
                                  const std::atomic<bool>* cancel = nullptr) {
    return flush_.FlushScope(def, scope, cancel);
  }
  Result<FlushOutcome> FlushTable(const std::shared_ptr<const TableDefinition>& def,
                                  const std::atomic<bool>* cancel = nullptr) {
    return flush_.FlushTable(def, cancel);
  }
  Result<bool> DueForFlush(const TableDefinition& def, int64_t now_us) const { return flush_.DueForFlush(def, now_us); }
  // Scopes of the table with hot versions (user ids; "" for SHARED).
  Result<std::vector<std::string>> ScopesWithHotRows(const TableDefinition& def) const {
    return table_store_.ScopesWithRows(def);
  }
  Result<std::shared_ptr<const std::vector<ColdSegment>>> Segments(const TableDefinition& def,
                                                                   const std::string& scope) {
    return catalog_.Segments(def, scope);
  }
  using Stats = SegmentCatalog::Stats;
  Result<Stats> TableStats(const TableDefinition& def, const std::string* scope) {
    return catalog_.TableStats(def, scope);
  }
  Status DropTableFiles(const TableDefinition& def) { return trash_.DropTableFiles(def); }
  Result<CleanupTarget> ResolveCleanupTarget(const TableDefinition& def) { return trash_.ResolveCleanupTarget(def); }
  Status DetachTableFiles(const CleanupTarget& target) { return trash_.DetachTableFiles(target); }
  Result<JobOutcome> RunCleanup(const CleanupTarget& target) { return trash_.RunCleanup(target); }
  Status DropScopeFiles(const TableDefinition& def, const std::string& scope) {
    return trash_.DropScopeFiles(def, scope);
  }
  Result<RetentionOutcome> PurgeTombstones(const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
                                           SeqId cutoff_seq) {
    return retention_.PurgeTombstones(def, scope, cutoff_seq);
  }
  Result<std::vector<std::string>> AllScopes(const TableDefinition& def) { return retention_.AllScopes(def); }
  Result<bool> MayHaveTombstonesBefore(const TableDefinition& def, SeqId cutoff_seq) {
    return retention_.MayHaveTombstonesBefore(def, cutoff_seq);
  }
  void InvalidateStorage(const StorageId& id) { storages_.Invalidate(id); }
  // Ok when the storage exists and its base directory can be opened (created when missing):
  // CREATE TABLE refuses a storage that cannot hold the table's files.
  Status CheckStorage(const StorageId& id) { return storages_.For(id).status(); }
  // A connection to the file-capable DuckDB instance (for cold reads).
  std::unique_ptr<duckdb::Connection> Connect() { return parquet_.Connect(); }

 private:
  TableStore& table_store_;
  ColdStorages storages_;
  ParquetDb parquet_;
  SegmentCatalog catalog_;
  ColdFlush flush_;
  Retention retention_;
  Compaction compaction_;
  DroppedTableTrash trash_;
  SegmentCache segment_cache_;
};

}  // namespace kalam::tables
