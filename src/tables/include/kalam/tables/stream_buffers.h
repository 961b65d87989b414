#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/change_sink.h"
#include "kalam/tables/table_store.h"

namespace kalam::tables {

// What the STREAM buffers hold: every buffered row, expired or not, until eviction or a
// write to the same buffer reclaims it. `bytes` is the memory the buffers take: per row its
// entry and the heap block of its encoded bytes, per buffer its hash node, key and the
// deque's first block.
struct StreamBufferStats {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t buffers = 0;
};

// The visible rows of one buffer, copied out under its lock so that a scan can decode them
// at its own pace: row i is `seqs[i]` and the encoded bytes arena[ends[i-1], ends[i]).
struct StreamRows {
  std::string arena;
  std::vector<SeqId> seqs;
  std::vector<uint32_t> ends;

  size_t size() const { return seqs.size(); }
  std::string_view row(size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(arena).substr(begin, ends[i] - begin);
  }
};

// The in-memory storage of STREAM tables: one buffer per (table, user), each a deque of rows
// encoded with row_codec.h in `_seq` order. Rows are never persisted (a restart empties every
// buffer). A row's insert time is its `_seq`'s time, so the rows past a table's TTL are always
// a prefix of a buffer: reads skip it by binary search, writes and EvictExpired drop it.
// MAX_BUFFER drops a buffer's oldest rows; `max_total_bytes` (stream.max_total_bytes) caps
// all buffers together, and a write that would pass it fails without touching any other
// user's rows.
//
// Writes take the table store's commit point (TableStore::AtCommitPoint), so STREAM and
// USER/SHARED writes share one `_seq` order and a live subscription's snapshot covers both;
// committed rows go to the change sink exactly as the table store's do.
//
// Thread-safe: buffers live in shards, each behind its own mutex; totals are atomics.
class StreamBuffers {
 public:
  // `store` and `seq` must outlive the buffers.
  StreamBuffers(TableStore& store, SeqGenerator& seq, uint64_t max_total_bytes);

  // Appends complete rows (defaults applied, values coerced by the caller) to `scope`'s
  // buffer of `def`. Returns each row's `_seq`. Fails, writing nothing, when the rows would
  // take the buffers past max_total_bytes.
  Result<std::vector<SeqId>> Insert(const TableDefinition& def, std::string_view scope,
                                    const std::vector<std::vector<duckdb::Value>>& rows, int64_t now_ms);
  // Removes the rows whose `_seq` is a change's `current_seq` (physical delete). Returns rows
  // removed; a row that expired or was dropped meanwhile is not counted.
  Result<size_t> Delete(const TableDefinition& def, std::string_view scope, const std::vector<RowChange>& changes);

  // `scope`'s rows of `def` with after < `_seq` <= upto that are within the TTL at `now_ms`.
  StreamRows Read(const TableDefinition& def, std::string_view scope, SeqId after, SeqId upto, int64_t now_ms) const;

  // Drops every expired row of every buffer, and the buffers left empty. Returns what was
  // freed.
  StreamBufferStats EvictExpired(int64_t now_ms);
  // Frees every buffer of a table (DROP TABLE).
  void DropTable(TableNumber table);
  // Frees every buffer of one user, in every table (DROP USER, user cleanup).
  void DropScope(std::string_view scope);

  // What all buffers hold (`table`/`scope` null = all).
  StreamBufferStats Stats(const TableNumber* table = nullptr, const std::string* scope = nullptr) const;
  StreamBufferStats Totals() const;
  uint64_t max_total_bytes() const { return max_total_bytes_; }

  // Where committed changes go (live queries); null detaches. Same contract as
  // TableStore::SetChangeSink.
  void SetChangeSink(ChangeSink* sink) { sink_.store(sink, std::memory_order_release); }

  // The memory one buffered row takes, from the size of its encoded bytes.
  static uint64_t RowFootprint(const std::string& bytes);

 private:
  struct Row {
    SeqId seq = 0;
    std::string bytes;  // row_codec.h, exactly sized
  };
  struct Buffer {
    std::deque<Row> rows;
    uint64_t bytes = 0;
    int64_t ttl_ms = 0;  // of the table, as of the latest write (EvictExpired needs it)
  };
  struct Shard {
    mutable std::mutex mu;
    // Key: ScopePrefix(table, scope) (key_codec.h).
    std::unordered_map<std::string, Buffer> buffers;  // GUARDED_BY(mu)
  };
  static constexpr size_t kShards = 16;

  // The memory a buffer takes before its rows (hash node, key, the deque's first block).
  static uint64_t BufferFootprint(const std::string& key);
  Shard& ShardOf(const std::string& key) const;
  // Drops `buffer`'s rows older than `ttl_ms` at `now_ms`; returns what was dropped.
  StreamBufferStats TrimExpired(Buffer& buffer, int64_t ttl_ms, int64_t now_ms);
  void Forget(const StreamBufferStats& freed);

  TableStore& store_;
  SeqGenerator& seq_;
  const uint64_t max_total_bytes_;
  mutable std::array<Shard, kShards> shards_;
  // Every change is a fetch_add/fetch_sub next to the buffer change it counts (under that
  // buffer's shard lock), so the totals stay exact; relaxed is enough because nothing else
  // is published through them.
  std::atomic<uint64_t> total_rows_{0};
  std::atomic<uint64_t> total_bytes_{0};
  std::atomic<ChangeSink*> sink_{nullptr};
};

}  // namespace kalam::tables
