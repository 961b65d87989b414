#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/result.h"
#include "kalam/store/partition.h"
#include "kalam/store/range_iterator.h"
#include "kalam/store/write_batch.h"

namespace kalam::store {

struct StoreOptions {
  bool create_if_missing = true;
  // fsync the write-ahead log on every write ("durable"); off = WAL written, OS-buffered.
  bool sync_writes = false;
  size_t block_cache_bytes = 256 << 20;
};

// A consistent point-in-time view for reads; released when the last holder drops it.
class Snapshot;
class PendingWrites;

// What the hot tier reports about itself, read from RocksDB properties at the time of the call.
struct StoreStats {
  uint64_t write_stalls = 0;        // writes slowed down or stopped since open (cumulative)
  bool writes_stopped = false;      // a write stall is stopping writes now
  uint64_t delayed_write_rate = 0;  // bytes/s writes are throttled to now; 0 = not throttled
  uint64_t running_compactions = 0;
  uint64_t running_flushes = 0;
  uint64_t pending_compaction_bytes = 0;  // RocksDB's estimate of bytes compaction still has to rewrite
  uint64_t compactions = 0;               // compactions finished since open (cumulative)
  uint64_t sst_bytes = 0;                 // live SST files
  uint64_t memtable_bytes = 0;
};

// The one RocksDB instance of a data directory: partitions, point reads, range scans and
// atomic batches. This class and its .cc are the only code that sees RocksDB. Thread-safe.
//
// Storage failures (docs/cold-tier.md, "Failures"): a write that fails in I/O (a full disk, a
// failed write or fsync of the log) answers Unavailable and is not applied; RocksDB then
// refuses writes. A full disk is a retryable error RocksDB recovers from by itself once space
// returns; the next write also calls DB::Resume(). A failed fsync is fatal to the open
// instance: the next write reopens the database (replaying the log from disk) as soon as no
// snapshot or iterator is open. Reads keep working throughout.
class StorageBackend {
 public:
  // Opens (or creates) the database under `path`. Fails with IoError when the directory is
  // locked by another process.
  static Result<std::unique_ptr<StorageBackend>> Open(const std::string& path, const StoreOptions& options);
  ~StorageBackend();

  Result<std::optional<std::string>> Get(Partition p, std::string_view key,
                                         const Snapshot* snapshot = nullptr) const;
  Status Put(Partition p, std::string_view key, std::string_view value);
  Status Delete(Partition p, std::string_view key);
  Status Write(WriteBatch& batch);

  // Iterates keys in [begin, end) (end empty = to the partition's end).
  std::unique_ptr<RangeIterator> Scan(Partition p, std::string_view begin, std::string_view end,
                                      const Snapshot* snapshot = nullptr) const;
  // All keys starting with `prefix`.
  std::unique_ptr<RangeIterator> ScanPrefix(Partition p, std::string_view prefix,
                                            const Snapshot* snapshot = nullptr) const;

  std::shared_ptr<const Snapshot> GetSnapshot() const;
  // A view that reads `pending` over the database: over a snapshot taken now, or over the
  // newest state when `newest` (what a write checks against). `pending` must outlive it.
  std::shared_ptr<const Snapshot> GetSnapshot(const PendingWrites& pending, bool newest = false) const;
  // An empty set of pending writes (a transaction's), readable through GetSnapshot.
  std::unique_ptr<PendingWrites> NewPendingWrites() const;
  // Approximate number of keys in the partition (RocksDB's estimate).
  uint64_t EstimateKeys(Partition p) const;
  // Flushes memtables to disk; used at shutdown and by tests.
  Status FlushAll();
  // RocksDB's write-stall, compaction and size figures summed over partitions (GET /metrics).
  StoreStats Stats() const;

 private:
  friend class PendingWrites;
  struct Impl;
  explicit StorageBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The smallest key greater than every key starting with `prefix` (for exclusive range ends).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace kalam::store
