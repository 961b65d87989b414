#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "duckdb.hpp"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/cold_query.h"
#include "kalam/tables/cold_segment.h"
#include "kalam/tables/hot_scanner.h"
#include "kalam/tables/parquet_db.h"
#include "kalam/tables/scan_projection.h"
#include "kalam/tables/segment_cache.h"
#include "kalam/tables/table_store.h"
#include "kalam/tables/version_iterator.h"

namespace kalam::tables {

// What a merged scan has read so far (tests check that a newest-first read stops early).
struct ScanCounters {
  uint64_t children_opened = 0;  // the hot tier and each Parquet segment count once
  uint64_t chunks_read = 0;
};

struct TableScanOptions {
  bool include_tombstones = false;
  // Versions at or below this are not read. Safe before the newest version per identity is
  // chosen: a newer version of the same identity is above it too.
  SeqId min_seq_exclusive = 0;
  // The snapshot's commit point: newer versions are invisible, as if never written.
  SeqId as_of_seq = INT64_MAX;
  // The statement's own `_seq <=` bound, which its plan applies to the newest versions. Fill
  // and Ordered use it for the hot tier only when no cold version could be superseded by a
  // newer hot one.
  SeqId max_seq_hint = INT64_MAX;
  // Primary-key equality (coerced to the key column's type): prunes segments by their key
  // range and finds the hot version through the index.
  std::optional<duckdb::Value> primary_key;
  // Comparisons Fill may push into the Parquet read (see ColdQuery). Must outlive the scan.
  const std::vector<ColdComparison>* comparisons = nullptr;
  // Start the hot read past the newest segment's flushed_upto_seq: versions there are
  // deleted or, after a crash between commit and cleanup, copies of flushed ones. Off for
  // reads as of an older snapshot, whose hot versions may have been superseded, and so never
  // flushed, by the time a later flush ran.
  bool skip_flushed_hot = true;
  // Rows of the hot tier's first chunk in an ordered read (HotScanOptions::first_fill_rows):
  // a read that stops after N rows sets about N, so that it decodes little more than it returns.
  duckdb::idx_t first_hot_chunk_rows = 128;
  // Ordered reads take segments from here, decoding and adding those it lacks; null = every
  // segment read is a Parquet query. Must outlive the scan.
  SegmentCache* segment_cache = nullptr;
};

// One scope of a table read as one table across both tiers: the hot versions of `snapshot`
// and the versions in `segments` (listed after the snapshot was taken, so they cover every
// version it no longer holds), keeping the newest version of each row identity. Two ways to
// read it:
//   Fill     vectorised, in no particular order: hot versions straight into the output's
//            vectors, then one Parquet read of every segment with the versions the hot tier
//            supersedes skipped (the table function's full scan).
//   Ordered  one version at a time in `_seq` order, either way, merging the hot tier and
//            each segment lazily (MergingIterator), so a newest-first read that stops after
//            N rows reads only what it reached.
// Not thread-safe. `store`, `parquet` and the options' pointers must outlive it, and it must
// outlive the iterators it returns.
class TableScan {
 public:
  TableScan(const TableStore& store, ParquetDb& parquet, std::shared_ptr<const TableDefinition> def, std::string scope,
            std::shared_ptr<const store::Snapshot> snapshot, std::shared_ptr<const std::vector<ColdSegment>> segments,
            ScanProjection projection, TableScanOptions options);

  // Fills up to `out`'s capacity with `projection`'s columns; returns the rows (0 at the end).
  duckdb::idx_t Fill(duckdb::DataChunk& out);
  const Status& status() const { return status_; }

  // The newest visible version of each identity in `order`. Each chunk holds the
  // projection, then whichever of the identity column (primary key, or `_row_id`), `_seq`
  // and `_deleted` it lacks. Errors end the iteration and show in its status().
  std::unique_ptr<VersionIterator> Ordered(ScanOrder order);

  const ScanCounters& counters() const { return counters_; }

 private:
  // The segments worth reading, and the lowest `_seq` the hot read needs.
  std::vector<ColdSegment> WantedSegments() const;
  SeqId HotFloor() const;
  // Narrows `options` to the primary key's hot version; false when there is none.
  bool NarrowToPrimaryKey(HotScanOptions* options);
  std::unique_ptr<VersionIterator> Merged(const ScanProjection& projection, ScanOrder order);
  void StartFill();

  const TableStore& store_;
  ParquetDb& parquet_;
  std::shared_ptr<const TableDefinition> def_;
  std::string scope_;
  std::shared_ptr<const store::Snapshot> snapshot_;
  std::shared_ptr<const std::vector<ColdSegment>> segments_;
  ScanProjection projection_;
  TableScanOptions options_;
  ScanCounters counters_;
  Status status_;

  // Fill's state: the hot read first, remembering every identity it saw, then the cold one.
  bool fill_started_ = false;
  std::unique_ptr<HotScanner> hot_;
  bool hot_done_ = false;
  std::unordered_set<std::string> hot_identities_;
  std::string cold_sql_;                   // empty: no segment to read
  std::string cold_sql_without_identity_;  // when the hot tier held nothing to skip
  std::unique_ptr<duckdb::Connection> cold_connection_;
  std::unique_ptr<duckdb::QueryResult> cold_result_;
  duckdb::unique_ptr<duckdb::DataChunk> cold_chunk_;  // referenced by the output until the next call
};

}  // namespace kalam::tables
