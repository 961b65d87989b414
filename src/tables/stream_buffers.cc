#include "kalam/tables/stream_buffers.h"

#include <algorithm>
#include <functional>

#include "kalam/tables/key_codec.h"
#include "kalam/tables/row_codec.h"

namespace kalam::tables {
namespace {

// Heap blocks: glibc's malloc rounds a request plus its 8-byte header up to 16 bytes.
uint64_t HeapBlock(uint64_t bytes) { return (bytes + 8 + 15) / 16 * 16; }

// Whether a row written at `seq` is past a TTL of `ttl_ms` at `now_ms`.
bool Expired(SeqId seq, int64_t ttl_ms, int64_t now_ms) { return SeqGenerator::MillisOf(seq) + ttl_ms <= now_ms; }

int64_t TtlMillis(const TableDefinition& def) { return static_cast<int64_t>(def.options.ttl_seconds) * 1000; }

std::string_view ScopeOfKey(std::string_view key) { return key.substr(4, key.size() - 5); }

Status BuffersFull(uint64_t in_use, uint64_t needed, uint64_t max_bytes) {
  return Status::InvalidOperation("STREAM buffers are full: " + std::to_string(in_use) + " bytes in use, " +
                                  std::to_string(needed) + " more needed, limit " + std::to_string(max_bytes) +
                                  " (stream.max_total_bytes); rows free up as they pass their TTL");
}

}  // namespace

StreamBuffers::StreamBuffers(TableStore& store, SeqGenerator& seq, uint64_t max_total_bytes)
    : store_(store), seq_(seq), max_total_bytes_(max_total_bytes) {}

uint64_t StreamBuffers::RowFootprint(const std::string& bytes) {
  // Short strings live inside the entry (small-string optimisation): no heap block.
  const uint64_t heap = bytes.capacity() > 15 ? HeapBlock(bytes.capacity() + 1) : 0;
  return sizeof(Row) + heap;
}

uint64_t StreamBuffers::BufferFootprint(const std::string& key) {
  // The hash node with its key, and what an empty std::deque allocates: its map of block
  // pointers and one 512-byte block.
  const uint64_t node = HeapBlock(sizeof(std::pair<const std::string, Buffer>) + 2 * sizeof(void*));
  const uint64_t key_heap = key.capacity() > 15 ? HeapBlock(key.capacity() + 1) : 0;
  return node + key_heap + HeapBlock(8 * sizeof(void*)) + HeapBlock(512);
}

StreamBuffers::Shard& StreamBuffers::ShardOf(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void StreamBuffers::Forget(const StreamBufferStats& freed) {
  total_rows_.fetch_sub(freed.rows, std::memory_order_relaxed);
  total_bytes_.fetch_sub(freed.bytes, std::memory_order_relaxed);
}

StreamBufferStats StreamBuffers::TrimExpired(Buffer& buffer, int64_t ttl_ms, int64_t now_ms) {
  StreamBufferStats freed;
  while (!buffer.rows.empty() && Expired(buffer.rows.front().seq, ttl_ms, now_ms)) {
    freed.bytes += RowFootprint(buffer.rows.front().bytes);
    ++freed.rows;
    buffer.rows.pop_front();
  }
  buffer.bytes -= freed.bytes;
  Forget(freed);
  return freed;
}

Result<std::vector<SeqId>> StreamBuffers::Insert(const TableDefinition& def, std::string_view scope,
                                                 const std::vector<std::vector<duckdb::Value>>& rows, int64_t now_ms) {
  // Encoded before the commit point, each into an exactly sized string.
  std::vector<std::string> encoded(rows.size());
  uint64_t needed = 0;
  std::string scratch;
  for (size_t i = 0; i < rows.size(); ++i) {
    // No hidden row id: a STREAM row is never updated, so its `_seq` identifies it.
    EncodeRow(def, rows[i], /*deleted=*/false, /*row_id=*/0, &scratch);
    encoded[i].assign(scratch);
    needed += RowFootprint(encoded[i]);
  }
  const std::string key = ScopePrefix(def.number, scope);
  Shard& shard = ShardOf(key);
  const int64_t ttl_ms = TtlMillis(def);
  const size_t max_rows = std::max<uint32_t>(def.options.max_buffer, 1);
  std::vector<SeqId> seqs;
  Status status;
  ChangeSink* sink = nullptr;
  store_.AtCommitPoint([&](SeqId) {
    std::unique_lock lock(shard.mu);
    auto [it, created] = shard.buffers.try_emplace(key);
    Buffer& buffer = it->second;
    const uint64_t overhead = created ? BufferFootprint(key) : 0;
    buffer.ttl_ms = ttl_ms;
    TrimExpired(buffer, ttl_ms, now_ms);
    // MAX_BUFFER makes room in this buffer first: only what is left over counts against the
    // global limit.
    const size_t overflow =
        buffer.rows.size() + rows.size() > max_rows ? buffer.rows.size() + rows.size() - max_rows : 0;
    uint64_t reclaimed = 0;
    for (size_t i = 0; i < std::min(overflow, buffer.rows.size()); ++i) reclaimed += RowFootprint(buffer.rows[i].bytes);
    const uint64_t in_use = total_bytes_.load(std::memory_order_relaxed);
    if (needed + overhead > reclaimed && in_use + (needed + overhead - reclaimed) > max_total_bytes_) {
      status = BuffersFull(in_use, needed + overhead - reclaimed, max_total_bytes_);
      if (buffer.rows.empty()) {
        Forget(StreamBufferStats{0, buffer.bytes, 1});
        shard.buffers.erase(it);
      }
      return;
    }
    seqs.reserve(rows.size());
    for (std::string& bytes : encoded) {
      const SeqId seq = seq_.Next();
      seqs.push_back(seq);
      buffer.rows.push_back(Row{seq, std::move(bytes)});
    }
    StreamBufferStats dropped;
    while (buffer.rows.size() > max_rows) {
      dropped.bytes += RowFootprint(buffer.rows.front().bytes);
      ++dropped.rows;
      buffer.rows.pop_front();
    }
    buffer.bytes += needed + overhead;
    buffer.bytes -= dropped.bytes;
    total_rows_.fetch_add(rows.size(), std::memory_order_relaxed);
    total_bytes_.fetch_add(needed + overhead, std::memory_order_relaxed);
    Forget(dropped);
    // Still at the commit point (changes reach the sink in `_seq` order), but past the shard:
    // the sink takes locks of its own.
    lock.unlock();
    sink = sink_.load(std::memory_order_acquire);
    if (sink == nullptr || !sink->Wants(def.number, scope)) {
      sink = nullptr;
      return;
    }
    std::vector<CommittedChange> changes(seqs.size());
    for (size_t i = 0; i < seqs.size(); ++i) {
      changes[i].kind = ChangeKind::kInsert;
      changes[i].seq = seqs[i];
      changes[i].values = &rows[i];
    }
    sink->OnCommitted(def, scope, changes);
  });
  KALAM_RETURN_IF_ERROR(status);
  if (sink != nullptr) sink->Deliver();
  return seqs;
}

Result<size_t> StreamBuffers::Delete(const TableDefinition& def, std::string_view scope,
                                     const std::vector<RowChange>& changes) {
  const std::string key = ScopePrefix(def.number, scope);
  Shard& shard = ShardOf(key);
  size_t removed = 0;
  ChangeSink* sink = nullptr;
  store_.AtCommitPoint([&](SeqId) {
    std::unique_lock lock(shard.mu);
    auto found = shard.buffers.find(key);
    if (found == shard.buffers.end()) return;
    Buffer& buffer = found->second;
    // The rows to remove, by `_seq`, each with the change that names it.
    std::vector<std::pair<SeqId, const RowChange*>> wanted;
    wanted.reserve(changes.size());
    for (const RowChange& change : changes) wanted.emplace_back(change.current_seq, &change);
    std::sort(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const RowChange*> deleted;
    StreamBufferStats freed;
    auto gone = std::remove_if(buffer.rows.begin(), buffer.rows.end(), [&](const Row& row) {
      auto it = std::lower_bound(wanted.begin(), wanted.end(), row.seq,
                                 [](const auto& entry, SeqId seq) { return entry.first < seq; });
      if (it == wanted.end() || it->first != row.seq) return false;
      deleted.push_back(it->second);
      freed.bytes += RowFootprint(row.bytes);
      ++freed.rows;
      return true;
    });
    buffer.rows.erase(gone, buffer.rows.end());
    buffer.bytes -= freed.bytes;
    Forget(freed);
    removed = deleted.size();
    if (buffer.rows.empty()) {
      Forget(StreamBufferStats{0, buffer.bytes, 1});
      shard.buffers.erase(found);
    }
    lock.unlock();
    sink = sink_.load(std::memory_order_acquire);
    if (removed == 0 || sink == nullptr || !sink->Wants(def.number, scope)) {
      sink = nullptr;
      return;
    }
    // Each delete is a write of its own, with a fresh `_seq` in commit order.
    std::vector<CommittedChange> out(deleted.size());
    for (size_t i = 0; i < deleted.size(); ++i) {
      out[i].kind = ChangeKind::kDelete;
      out[i].seq = seq_.Next();
      out[i].old_seq = deleted[i]->current_seq;
      out[i].old_values = &deleted[i]->values;
    }
    sink->OnCommitted(def, scope, out);
  });
  if (sink != nullptr) sink->Deliver();
  return removed;
}

StreamRows StreamBuffers::Read(const TableDefinition& def, std::string_view scope, SeqId after, SeqId upto,
                               int64_t now_ms) const {
  StreamRows out;
  const std::string key = ScopePrefix(def.number, scope);
  const Shard& shard = ShardOf(key);
  const int64_t ttl_ms = TtlMillis(def);
  std::lock_guard lock(shard.mu);
  auto found = shard.buffers.find(key);
  if (found == shard.buffers.end()) return out;
  const std::deque<Row>& rows = found->second.rows;
  // Rows are in `_seq` order and so in insert-time order: the expired ones and those at or
  // below `after` are a prefix, those above `upto` a suffix.
  auto begin = std::partition_point(
      rows.begin(), rows.end(), [&](const Row& row) { return row.seq <= after || Expired(row.seq, ttl_ms, now_ms); });
  auto end = std::partition_point(begin, rows.end(), [&](const Row& row) { return row.seq <= upto; });
  const size_t n = static_cast<size_t>(end - begin);
  out.seqs.reserve(n);
  out.ends.reserve(n);
  size_t bytes = 0;
  for (auto it = begin; it != end; ++it) bytes += it->bytes.size();
  out.arena.reserve(bytes);
  for (auto it = begin; it != end; ++it) {
    out.arena.append(it->bytes);
    out.seqs.push_back(it->seq);
    out.ends.push_back(static_cast<uint32_t>(out.arena.size()));
  }
  return out;
}

StreamBufferStats StreamBuffers::EvictExpired(int64_t now_ms) {
  StreamBufferStats freed;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (auto it = shard.buffers.begin(); it != shard.buffers.end();) {
      const StreamBufferStats trimmed = TrimExpired(it->second, it->second.ttl_ms, now_ms);
      freed.rows += trimmed.rows;
      freed.bytes += trimmed.bytes;
      if (it->second.rows.empty()) {
        freed.bytes += it->second.bytes;
        Forget(StreamBufferStats{0, it->second.bytes, 1});
        it = shard.buffers.erase(it);
        ++freed.buffers;
      } else {
        ++it;
      }
    }
  }
  return freed;
}

void StreamBuffers::DropTable(TableNumber table) {
  const std::string prefix = TablePrefix(table);
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    std::erase_if(shard.buffers, [&](const auto& entry) {
      if (!entry.first.starts_with(prefix)) return false;
      Forget(StreamBufferStats{entry.second.rows.size(), entry.second.bytes, 1});
      return true;
    });
  }
}

void StreamBuffers::DropScope(std::string_view scope) {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    std::erase_if(shard.buffers, [&](const auto& entry) {
      if (ScopeOfKey(entry.first) != scope) return false;
      Forget(StreamBufferStats{entry.second.rows.size(), entry.second.bytes, 1});
      return true;
    });
  }
}

StreamBufferStats StreamBuffers::Stats(const TableNumber* table, const std::string* scope) const {
  const std::string prefix = table ? TablePrefix(*table) : std::string();
  StreamBufferStats stats;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [key, buffer] : shard.buffers) {
      if (!key.starts_with(prefix) || (scope && ScopeOfKey(key) != *scope)) continue;
      stats.rows += buffer.rows.size();
      stats.bytes += buffer.bytes;
      ++stats.buffers;
    }
  }
  return stats;
}

StreamBufferStats StreamBuffers::Totals() const {
  StreamBufferStats stats;
  stats.rows = total_rows_.load(std::memory_order_relaxed);
  stats.bytes = total_bytes_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace kalam::tables
