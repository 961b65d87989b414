#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/segment_catalog.h"
#include "kalam/tables/table_store.h"

namespace kalam::tables {

// The smallest `_seq` drawn at or after `cutoff_ms` (ms since the Unix epoch): every `_seq`
// below it has SeqGenerator::MillisOf(seq) < cutoff_ms. 0 when the cutoff predates the epoch.
SeqId SeqBeforeMillis(int64_t cutoff_ms);

struct RetentionOutcome {
  uint64_t hot_purged = 0;   // tombstones removed from the hot tier
  uint64_t cold_purged = 0;  // identities whose versions were removed from Parquet
  uint64_t segments_rewritten = 0;
};

// Retention of deleted rows (docs/cold-tier.md): tombstones older than a cutoff go, with every
// older version of their identities, from both tiers. Thread-safe; every argument must
// outlive it.
class Retention {
 public:
  Retention(store::StorageBackend& backend, TableStore& table_store, ColdStorages& storages, SegmentCatalog& catalog,
            ParquetDb& parquet)
      : backend_(backend), table_store_(table_store), storages_(storages), catalog_(catalog), parquet_(parquet) {}

  // Purges the scope's tombstones whose `_seq` is below `cutoff_seq`, with every older
  // version of their identities, from Parquet (affected segments are rewritten and replaced
  // by one manifest commit) and from the hot tier, and deletes their index entries. A hot
  // tombstone whose identity may still have versions in a segment stays until a flush moves
  // it to Parquet. Produces no change events. Serialised with the scope's flushes.
  Result<RetentionOutcome> PurgeTombstones(const std::shared_ptr<const TableDefinition>& def, const std::string& scope,
                                           SeqId cutoff_seq);
  // Every scope of the table that has hot rows or a cold directory.
  Result<std::vector<std::string>> AllScopes(const TableDefinition& def);
  // Whether the table may hold a tombstone older than `cutoff_seq`: a hot tombstone below
  // it, or a committed segment whose `min_seq` is below it (its contents are checked by the
  // job itself).
  Result<bool> MayHaveTombstonesBefore(const TableDefinition& def, SeqId cutoff_seq);

 private:
  // The Parquet half of PurgeTombstones; appends the purged identities to `purged`.
  Status PurgeCold(const TableDefinition& def, const std::string& scope, SeqId cutoff_seq,
                   std::vector<TableStore::PurgeCandidate>* purged, RetentionOutcome* outcome);
  // The hot half: tombstones below the cutoff whose identity has no version in Parquet.
  Status PurgeHot(const std::shared_ptr<const TableDefinition>& def, const std::string& scope, SeqId cutoff_seq,
                  RetentionOutcome* outcome);

  store::StorageBackend& backend_;
  TableStore& table_store_;
  ColdStorages& storages_;
  SegmentCatalog& catalog_;
  ParquetDb& parquet_;
};

}  // namespace kalam::tables
