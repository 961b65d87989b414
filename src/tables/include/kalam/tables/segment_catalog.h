#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/manifest.h"
#include "kalam/tables/cold_segment.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/parquet_db.h"

namespace kalam::tables {

// The manifests of the cold tier's scope directories (docs/cold-tier.md): loading (rebuilt from
// the Parquet footers and saved when lost), the committed segments of a scope as scans need
// them (cached, invalidated on change), per-scope locks that serialise the writers of a
// manifest (flush, retention, user purge), and totals for SHOW STATS. Thread-safe.
// `storages` and `parquet` must outlive it.
class SegmentCatalog {
 public:
  SegmentCatalog(ColdStorages& storages, ParquetDb& parquet) : storages_(storages), parquet_(parquet) {}

  // The manifest of `dir`; when it is missing but segment files exist, rebuilt and saved.
  // NotFound when the scope has no cold data.
  Result<filestore::Manifest> LoadOrRebuild(const TableDefinition& def, const std::string& scope,
                                            filestore::FileBackend& files, const std::string& dir);

  // Committed segments of a scope, oldest first.
  Result<std::shared_ptr<const std::vector<ColdSegment>>> Segments(const TableDefinition& def,
                                                                   const std::string& scope);

  // Totals over the table's scopes that have a manifest (all scopes when `scope` is null).
  struct Stats {
    uint64_t rows = 0;
    uint64_t segments = 0;
    uint64_t bytes = 0;
  };
  Result<Stats> TableStats(const TableDefinition& def, const std::string* scope);

  // Held by whoever rewrites the scope's manifest.
  std::mutex& ScopeMutex(const TableDefinition& def, const std::string& scope);
  // Drop cached segments after the manifest changed or the files went.
  void ForgetScope(const TableDefinition& def, const std::string& scope);
  void ForgetTable(TableNumber number);

 private:
  ColdStorages& storages_;
  ParquetDb& parquet_;
  std::mutex mu_;  // guards cache_, generation_ and scope_locks_
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ColdSegment>>> cache_;
  // Bumped whenever cached segments are invalidated: a reader that loaded a manifest before
  // an invalidation must not store its (older) list afterwards.
  uint64_t generation_ = 0;
  std::unordered_map<std::string, std::unique_ptr<std::mutex>> scope_locks_;
};

}  // namespace kalam::tables
