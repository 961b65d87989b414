#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kalam/commons/result.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/segment_catalog.h"
#include "kalam/tables/table_store.h"

namespace kalam::tables {

struct FlushOutcome {
  uint64_t rows = 0;   // versions written (newest per identity, tombstones included)
  uint64_t files = 0;  // Parquet files written
};

// Moves a scope's hot versions into a new `batch-N.parquet` file of its directory and
// commits it in the manifest (docs/cold-tier.md), then deletes the moved hot versions.
// Crash-safe: a crash leaves the old or the new state. Flushes of one scope are serialised
// (SegmentCatalog::ScopeMutex); scopes flush independently. Thread-safe; every argument must
// outlive it.
class ColdFlush {
 public:
  ColdFlush(store::StorageBackend& backend, TableStore& table_store, SeqGenerator& seq, ColdStorages& storages,
            SegmentCatalog& catalog, ParquetDb& parquet)
      : backend_(backend),
        table_store_(table_store),
        seq_(seq),
        storages_(storages),
        catalog_(catalog),
        parquet_(parquet) {}

  // Flushes the hot versions of one scope that exist when the flush starts; writes arriving
  // meanwhile stay hot. Once `cancel` (may be null) is set, the flush stops before its commit
  // point, removes what it wrote and answers InvalidOperation: the rows stay hot (KILL JOB,
  // shutdown). After the commit point it finishes.
  Result<FlushOutcome> FlushScope(const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
                                  const std::atomic<bool>* cancel = nullptr);
  // Flushes every scope of the table that has hot versions; `cancel` stops it between scopes
  // too (the scopes flushed before stay flushed).
  Result<FlushOutcome> FlushTable(const std::shared_ptr<const TableDefinition>& def,
                                  const std::atomic<bool>* cancel = nullptr);

  // Whether the table's hot tier has reached its flush policy at `now_us`: at least
  // `flush_row_limit` pending versions, or an oldest pending write older than
  // `flush_interval_seconds` (docs/cold-tier.md scheduler).
  Result<bool> DueForFlush(const TableDefinition& def, int64_t now_us) const;

 private:
  store::StorageBackend& backend_;
  TableStore& table_store_;
  SeqGenerator& seq_;
  ColdStorages& storages_;
  SegmentCatalog& catalog_;
  ParquetDb& parquet_;
};

}  // namespace kalam::tables
