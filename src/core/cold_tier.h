#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/file_backend.h"
#include "kalam/filestore/manifest.h"
#include "kalam/tables/scan_projection.h"

namespace kalam::core {

struct EngineContext;

// One committed Parquet segment of a scope, as a scan needs it.
struct ColdSegment {
  std::string absolute_path;
  SeqId min_seq = 0;
  SeqId max_seq = 0;
  int64_t row_count = 0;
};

struct FlushOutcome {
  uint64_t rows = 0;   // versions written (newest per identity, tombstones included)
  uint64_t files = 0;  // Parquet files written
};

// The cold tier of USER and SHARED tables: flushing a scope's hot versions into
// `batch-N.parquet` files with a manifest per directory (PROTOCOL.md §8), and reading them
// back for scans. Each table's files live in the storage its definition names
// (`options.storage_id`): under that storage's base directory, at the directory its USER or
// SHARED template resolves to (PROTOCOL.md §5.9). One FileBackend per storage is opened on
// first use and kept until ALTER or DROP STORAGE invalidates it. Parquet is written and read
// through a private DuckDB instance that may touch files; the query-facing instance never
// can. Manifests are cached and invalidated on change. Flushes of one scope are serialised;
// scopes flush independently. Thread-safe.
class ColdTier {
 public:
  // `engine` must outlive the cold tier.
  explicit ColdTier(EngineContext& engine);
  ~ColdTier();

  // Flushes the hot versions of one scope that exist when the flush starts; writes arriving
  // meanwhile stay hot. Crash-safe: a crash leaves the old or the new state.
  Result<FlushOutcome> FlushScope(const std::shared_ptr<const TableDefinition>& def, const std::string& scope);
  // Flushes every scope of the table that has hot versions.
  Result<FlushOutcome> FlushTable(const std::shared_ptr<const TableDefinition>& def);
  // Scopes of the table with hot versions (user ids; "" for SHARED).
  Result<std::vector<std::string>> ScopesWithHotRows(const TableDefinition& def) const;

  // Whether the table's hot tier has reached its flush policy at `now_us`: at least
  // `flush_row_limit` pending versions, or an oldest pending write older than
  // `flush_interval_seconds` (PROTOCOL.md §8 scheduler).
  Result<bool> DueForFlush(const TableDefinition& def, int64_t now_us) const;

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

  // Removes every file of the table (DROP TABLE).
  Status DropTableFiles(const TableDefinition& def);

  // Forgets the opened backend of a storage, so that the next use reads its definition again
  // (after ALTER or DROP STORAGE). Operations already holding it finish with the old one.
  void InvalidateStorage(const StorageId& id);

  // Ok when the storage exists and its base directory can be opened (created when missing):
  // CREATE TABLE refuses a storage that cannot hold the table's files.
  Status CheckStorage(const StorageId& id) { return StorageFor(id).status(); }

  // A connection to the file-capable DuckDB instance (for cold reads).
  std::unique_ptr<duckdb::Connection> Connect();

  // The SELECT a scan runs over a scope's segments: the projected columns (by `projection`),
  // then the row identity as text and `_deleted`; one newest version per identity.
  static std::string ColdQuery(const TableDefinition& def, const tables::ScanProjection& projection,
                               const std::vector<ColdSegment>& segments);

 private:
  // One storage as the cold tier uses it: its definition when opened (base directory and
  // templates) and a backend confined to that base. Immutable once built; shared so that an
  // invalidation never pulls it from under an operation in flight.
  struct OpenStorage {
    StorageDefinition def;
    std::unique_ptr<filestore::FileBackend> files;
  };

  // The opened storage of `id`, opening it on first use. NotFound when no such storage exists;
  // Unsupported for storage types that are not built yet.
  Result<std::shared_ptr<const OpenStorage>> StorageFor(const StorageId& id);
  Result<std::shared_ptr<const OpenStorage>> StorageFor(const TableDefinition& def) {
    return StorageFor(def.options.storage_id);
  }
  static Result<std::string> ScopeDirectory(const OpenStorage& storage, const TableDefinition& def,
                                            const std::string& scope);
  std::mutex& ScopeMutex(const TableDefinition& def, const std::string& scope);

  EngineContext& engine_;
  std::unique_ptr<duckdb::DuckDB> file_db_;

  std::mutex mu_;  // guards cache_, flush_locks_, storages_ and storage_generation_
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ColdSegment>>> cache_;
  std::unordered_map<std::string, std::unique_ptr<std::mutex>> flush_locks_;
  std::unordered_map<StorageId, std::shared_ptr<const OpenStorage>> storages_;
  uint64_t storage_generation_ = 0;  // bumped by every InvalidateStorage
};

}  // namespace kalam::core
