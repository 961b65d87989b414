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
// manifest (flush, retention, compaction, user purge), which segment files scans may still be
// reading, and totals for SHOW STATS. Thread-safe.
// `storages` and `parquet` must outlive it.
class SegmentCatalog {
 public:
  SegmentCatalog(ColdStorages& storages, ParquetDb& parquet) : storages_(storages), parquet_(parquet) {}

  // The manifest of `dir`; when it is missing but segment files exist, rebuilt and saved.
  // NotFound when the scope has no cold data.
  Result<filestore::Manifest> LoadOrRebuild(const TableDefinition& def, const std::string& scope,
                                            filestore::FileBackend& files, const std::string& dir);

  // Committed segments of a scope, oldest first. The list is loaded from a manifest that was
  // current when it was handed out: a load that raced with a manifest change is redone.
  Result<std::shared_ptr<const std::vector<ColdSegment>>> Segments(const TableDefinition& def,
                                                                   const std::string& scope);

  // Whether a list handed out by Segments() that is still held (by a running scan) names one
  // of `absolute_paths`: a file a new manifest no longer lists may only be deleted once this
  // is false. Lists are handed out only from current manifests (see Segments), so after the
  // new manifest is saved and the scope forgotten, no new holder of an old file can appear.
  bool ScansMayRead(const TableDefinition& def, const std::string& scope,
                    const std::vector<std::string>& absolute_paths);

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
  // The committed segments the scope's manifest lists now (not cached).
  Result<std::shared_ptr<std::vector<ColdSegment>>> LoadSegments(const TableDefinition& def, const std::string& scope);

  ColdStorages& storages_;
  ParquetDb& parquet_;
  std::mutex mu_;  // guards cache_, generation_ and scope_locks_
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ColdSegment>>> cache_;
  // Bumped whenever cached segments are invalidated (per scope by ForgetScope, everywhere by
  // ForgetTable): a reader that loaded a manifest before an invalidation loads it again.
  uint64_t generation_ = 0;
  std::unordered_map<std::string, uint64_t> scope_generation_;
  // Every list Segments() handed out, per scope, until its last holder lets it go.
  std::unordered_map<std::string, std::vector<std::weak_ptr<const std::vector<ColdSegment>>>> handed_out_;
  std::unordered_map<std::string, std::unique_ptr<std::mutex>> scope_locks_;
};

}  // namespace kalam::tables
