#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/job_outcome.h"
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
  // Every hot version at or below this was flushed by the time the segment committed.
  SeqId flushed_upto_seq = 0;
  // The primary key's min/max from the manifest's column_stats, typed like the key column;
  // absent when the table has no primary key, the statistic is missing, or it cannot be
  // trusted for pruning (see ParsePrimaryKeyStat).
  std::optional<duckdb::Value> pk_min;
  std::optional<duckdb::Value> pk_max;

  // False only when the statistics prove that no version of `pk` is in this segment.
  bool MayContainKey(const duckdb::Value& pk) const;
};

// Filters a cold read may apply before keeping the newest version per identity. Both are
// safe there: every version of one identity has the same primary key, and a `_seq` lower
// bound drops only versions older than any that could match (see ColdQuery).
// `column <op> constant` from a query's WHERE, the constant coerced to the column's type.
struct ColdComparison {
  uint32_t column_index = 0;
  duckdb::ExpressionType op = duckdb::ExpressionType::COMPARE_EQUAL;
  duckdb::Value value;

  static bool Supported(duckdb::ExpressionType op);
};

struct ColdFilter {
  SeqId min_seq_exclusive = 0;
  // Versions newer than this are dropped before the newest per identity is chosen: the read
  // then shows the table as of that commit point (live queries' snapshots).
  SeqId max_seq_inclusive = INT64_MAX;
  const duckdb::Value* primary_key = nullptr;  // coerced to the key column's type
  // Applied in the Parquet read only when no identity can have two cold versions.
  const std::vector<ColdComparison>* comparisons = nullptr;
};

// What a cleanup job needs to delete a dropped table's files once its definition is gone
// (PROTOCOL.md §5.4, §7): parameters of a `cleanup` job, as JSON.
struct CleanupTarget {
  std::string table_id;  // "ns.t"
  TableType type = TableType::kShared;
  TableNumber number = 0;
  StorageId storage_id;
  std::string table_dir;  // the table's root directory as resolved at DROP time
  std::string trash_dir;  // where DROP moved it; what the job deletes

  std::string ToJson() const;
  static Result<CleanupTarget> FromJson(const std::string& json);
};

// The smallest `_seq` drawn at or after `cutoff_ms` (ms since the Unix epoch): every `_seq`
// below it has SeqGenerator::MillisOf(seq) < cutoff_ms. 0 when the cutoff predates the epoch.
SeqId SeqBeforeMillis(int64_t cutoff_ms);

struct RetentionOutcome {
  uint64_t hot_purged = 0;       // tombstones removed from the hot tier
  uint64_t cold_purged = 0;      // identities whose versions were removed from Parquet
  uint64_t segments_rewritten = 0;
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

  // Removes every file of the table at once (embedded DROP TABLE without a job submitter).
  Status DropTableFiles(const TableDefinition& def);
  // DROP TABLE with a job submitter, in two steps. First, while the definition still
  // exists, everything the cleanup job will need: storage, table number and the table's
  // root directory as its storage resolves it. Then, once the definition is gone,
  // DetachTableFiles moves that directory aside to `<root>~dropped-<table number>` (one
  // rename), so that a table created again under the same name starts from an empty
  // directory while the job deletes the old files later. '~' appears in no namespace, table
  // or user id, so the trash name is never another table's directory. A table that never
  // flushed has no directory; that is fine (the job then finds nothing).
  Result<CleanupTarget> ResolveCleanupTarget(const TableDefinition& def);
  Status DetachTableFiles(const CleanupTarget& target);
  // Executor side of a cleanup job: deletes `target.trash_dir` through the storage's
  // backend. Idempotent: a missing directory is success. Returns the completion message.
  Result<JobOutcome> RunCleanup(const CleanupTarget& target);

  // Retention (PROTOCOL.md §8): purges the scope's tombstones whose `_seq` is below
  // `cutoff_seq`, with every older version of their identities, from Parquet (affected
  // segments are rewritten and replaced by one manifest commit) and from the hot tier, and
  // deletes their index entries. A hot tombstone whose identity may still have versions in
  // a segment stays until a flush moves it to Parquet. Produces no change events.
  Result<RetentionOutcome> PurgeTombstones(const std::shared_ptr<const TableDefinition>& def,
                                           const std::string& scope, SeqId cutoff_seq);
  // Every scope of the table that has hot rows or a cold directory.
  Result<std::vector<std::string>> AllScopes(const TableDefinition& def);
  // Whether the table may hold a tombstone older than `cutoff_seq`: a hot tombstone below
  // it, or a committed segment whose `min_seq` is below it (its contents are checked by the
  // job itself).
  Result<bool> MayHaveTombstonesBefore(const TableDefinition& def, SeqId cutoff_seq);

  // Deletes one user's directory of a USER table (user_cleanup). Missing = Ok.
  Status DropScopeFiles(const TableDefinition& def, const std::string& scope);

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
  // `filter` narrows the read with a WHERE that DuckDB's Parquet reader uses to skip row
  // groups; results are the same as without it after the caller's own filters.
  static std::string ColdQuery(const TableDefinition& def, const tables::ScanProjection& projection,
                               const std::vector<ColdSegment>& segments, const ColdFilter& filter = {},
                               bool with_identity = true);

 private:
  // The scope's manifest; when it is missing but segment files exist (a lost or deleted
  // manifest), it is rebuilt from the Parquet files' footers and saved (PROTOCOL.md §8).
  // NotFound when the scope has no cold data.
  Result<filestore::Manifest> LoadOrRebuildManifest(const TableDefinition& def, const std::string& scope,
                                                    filestore::FileBackend& files, const std::string& dir);

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
  void ForgetTable(TableNumber number);
  void ForgetScope(const TableDefinition& def, const std::string& scope);
  // The table's root directory in `storage`: the SHARED table's directory, or the parent of
  // a USER table's per-user directories.
  static Result<std::string> TableRoot(const OpenStorage& storage, const TableDefinition& def);

  EngineContext& engine_;
  std::unique_ptr<duckdb::DuckDB> file_db_;

  std::mutex mu_;  // guards cache_, flush_locks_, storages_ and storage_generation_
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ColdSegment>>> cache_;
  // Bumped whenever cached segments are invalidated: a reader that loaded a manifest before
  // an invalidation must not store its (older) list afterwards.
  uint64_t cache_generation_ = 0;
  std::unordered_map<std::string, std::unique_ptr<std::mutex>> flush_locks_;
  std::unordered_map<StorageId, std::shared_ptr<const OpenStorage>> storages_;
  uint64_t storage_generation_ = 0;  // bumped by every InvalidateStorage
};

}  // namespace kalam::core
