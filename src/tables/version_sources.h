#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "duckdb.hpp"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/segment_cache.h"
#include "kalam/tables/table_scan.h"
#include "kalam/tables/version_iterator.h"

namespace kalam::tables {

// A stream of DataChunks from one child of a merged scan: the hot tier, or one Parquet
// segment. Each chunk holds the scan's projection and the identity, `_seq` and `_deleted`
// (see TableScan::Ordered).
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The next non-empty chunk, or nullptr at the end or on an error (see status()). Valid
  // until the next call.
  virtual duckdb::DataChunk* NextChunk() = 0;
  virtual Status status() const = 0;
};

// The hot tier's versions through a HotScanner.
class HotChunkSource final : public ChunkSource {
 public:
  HotChunkSource(std::unique_ptr<HotScanner> scanner, const duckdb::vector<duckdb::LogicalType>& types);
  duckdb::DataChunk* NextChunk() override;
  Status status() const override { return scanner_->status(); }

 private:
  std::unique_ptr<HotScanner> scanner_;
  duckdb::DataChunk chunk_;
};

// A SELECT on ParquetDb (one segment, ordered by `_seq`).
class ColdChunkSource final : public ChunkSource {
 public:
  ColdChunkSource(std::unique_ptr<duckdb::Connection> connection, const std::string& sql);
  duckdb::DataChunk* NextChunk() override;
  Status status() const override { return status_; }

 private:
  std::unique_ptr<duckdb::Connection> connection_;
  std::unique_ptr<duckdb::QueryResult> result_;
  duckdb::unique_ptr<duckdb::DataChunk> chunk_;
  Status status_;
};

// One segment from SegmentCache, in `_seq` order either way, with the filters ColdQuery
// would apply (a `_seq` range, primary-key equality): slices of the shared vectors, no copy.
class CachedChunkSource final : public ChunkSource {
 public:
  struct Filter {
    SeqId min_seq_exclusive = 0;
    SeqId max_seq_inclusive = INT64_MAX;
    std::optional<duckdb::Value> primary_key;  // typed like the key column
    size_t primary_key_position = 0;           // in the decoded chunks
  };
  // `positions`: where each projected column is in the decoded chunks. A failed decode
  // yields no rows and its status.
  CachedChunkSource(Result<std::shared_ptr<const DecodedSegment>> segment, std::vector<size_t> positions,
                    const duckdb::vector<duckdb::LogicalType>& types, size_t seq_position, Filter filter,
                    bool newest_first);
  duckdb::DataChunk* NextChunk() override;
  Status status() const override { return status_; }

 private:
  std::shared_ptr<const DecodedSegment> segment_;
  std::vector<size_t> positions_;
  size_t seq_position_;
  Filter filter_;
  bool newest_first_;
  size_t next_ = 0;  // chunks handed out so far
  duckdb::DataChunk chunk_;
  Status status_;
};

// One child of a MergingIterator, opened only when the merge needs it: until then it stands
// for the first `_seq` it could yield (`bound`: its segment's max_seq newest-first, min_seq
// oldest-first), so that a newest-first read that stops early never opens the segments it
// did not reach.
class ChildIterator final : public VersionIterator {
 public:
  using Opener = std::function<std::unique_ptr<ChunkSource>()>;
  // Where each chunk holds the identity, `_seq` and `_deleted`.
  struct Columns {
    size_t identity = 0;
    bool identity_is_row_id = false;
    size_t seq = 0;
    size_t deleted = 0;
  };
  ChildIterator(Opener open, SeqId bound, Columns columns, ScanCounters* counters);

  bool opened() const { return source_ != nullptr; }
  void Open();
  // seq() once opened, the bound before.
  SeqId SortKey() const { return opened() ? seq() : bound_; }

  bool Valid() const override { return chunk_ != nullptr; }
  void Next() override;
  SeqId seq() const override { return seqs_[row_]; }
  bool deleted() const override { return deleted_[row_]; }
  std::string_view identity() const override { return identity_; }
  const duckdb::DataChunk& chunk() const override { return *chunk_; }
  duckdb::idx_t row() const override { return row_; }
  Status status() const override { return source_ ? source_->status() : Status::Ok(); }

 private:
  void LoadChunk();
  void Position();  // decodes the identity of row_

  Opener open_;
  SeqId bound_;
  Columns columns_;
  ScanCounters* counters_;
  std::unique_ptr<ChunkSource> source_;
  duckdb::DataChunk* chunk_ = nullptr;
  // The chunk's `_seq` and `_deleted`, read once per chunk.
  std::vector<SeqId> seqs_;
  std::vector<bool> deleted_;
  duckdb::idx_t row_ = 0;
  std::string identity_;
};

}  // namespace kalam::tables
