#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_set>

#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/row_projection.h"
#include "kalam/tables/scan_projection.h"

namespace kalam::tables {

struct HotScanOptions {
  bool include_tombstones = false;
  // When set, receives the identity (primary key, or hidden row id, as text) of every hot
  // version read, tombstones included, so a cold read can skip superseded versions.
  std::unordered_set<std::string>* identities = nullptr;
  SeqId min_seq_exclusive = 0;             // only versions with _seq > this
  SeqId max_seq_inclusive = INT64_MAX;     // only versions with _seq <= this
  bool newest_first = false;               // descending `_seq` instead of ascending
  // Rows of the first Fill (at most 128). A read that knows it needs N rows (LIMIT N, newest
  // first) passes N: reading on past them can step past the range's end, and RocksDB skips
  // range-deleted (flushed) versions one by one there, backwards as slowly as a search each.
  uint64_t first_chunk_rows = 128;
};

// Reads one scope's hot rows (newest version per row identity: the hot tier keeps only that)
// straight into DuckDB vectors, decoding only the projected columns. One scanner per reader;
// not thread-safe. `backend` and `snapshot` must outlive it.
class HotScanner {
 public:
  HotScanner(const store::StorageBackend& backend, std::shared_ptr<const TableDefinition> def,
             std::string scope, std::shared_ptr<const store::Snapshot> snapshot,
             ScanProjection projection, HotScanOptions options);

  // Fills up to `out`'s capacity; returns the number of rows (0 at the end).
  duckdb::idx_t Fill(duckdb::DataChunk& out);
  // Non-ok if the scan stopped on a storage or decoding error.
  const Status& status() const { return status_; }

 private:
  void RecordIdentity(std::string_view value);
  void Advance();
  bool DecodeInto(std::string_view key, std::string_view value, duckdb::DataChunk& out, duckdb::idx_t row);
  // A row written under another schema version: decoded whole and projected (ALTER TABLE).
  bool DecodeOtherVersionInto(uint32_t version, std::string_view value, duckdb::DataChunk& out, duckdb::idx_t row);

  std::shared_ptr<const TableDefinition> def_;
  std::shared_ptr<const store::Snapshot> snapshot_;
  ScanProjection projection_;
  HotScanOptions options_;
  std::vector<int> output_of_column_;  // table column -> output index, -1 if not projected
  // Columns after this one are never decoded (projection pushdown on the row bytes).
  size_t last_needed_column_ = 0;
  int seq_out_ = -1, deleted_out_ = -1, row_id_out_ = -1;
  std::unique_ptr<store::RangeIterator> it_;
  std::map<uint32_t, RowProjector> projectors_;  // by stored schema version, built on first use
  uint64_t fills_ = 0;  // calls to Fill so far (first chunks are kept small)
  Status status_;
};

}  // namespace kalam::tables
