#pragma once

#include <memory>
#include <string>
#include <vector>

#include "duckdb/main/connection.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/manifest.h"
#include "kalam/store/storage_backend.h"

namespace kalam::tables {

// Turns one scope's hot versions, as a store snapshot shows them, into one Parquet segment
// (docs/cold-tier.md): a flush writes it into the scope's directory, a backup into the backup
// directory (docs/backup.md). The versions are staged in a temp table of the caller's
// connection to the file-capable DuckDB instance (ParquetDb), then copied out. One writer per
// segment, one at a time on a connection; not thread-safe. `con` and `backend` must outlive it.
class HotSegmentWriter {
 public:
  HotSegmentWriter(duckdb::Connection& con, const store::StorageBackend& backend,
                   std::shared_ptr<const TableDefinition> def, std::string scope)
      : con_(con), backend_(backend), def_(std::move(def)), scope_(std::move(scope)) {}
  // Drops the staged versions, so that the connection can serve the next writer.
  ~HotSegmentWriter();
  HotSegmentWriter(const HotSegmentWriter&) = delete;
  HotSegmentWriter& operator=(const HotSegmentWriter&) = delete;

  // Stages the versions (tombstones included) with `_seq` <= `upto` that `snapshot` shows,
  // leaving out those <= `skip_upto` (already in a committed segment).
  Status Stage(std::shared_ptr<const store::Snapshot> snapshot, SeqId upto, SeqId skip_upto);

  // Every version read by Stage, staged or left out: what a flush may delete from the hot tier.
  const std::vector<SeqId>& read() const { return read_; }
  uint64_t rows() const { return rows_; }  // versions staged

  // Writes the staged versions, in `_seq` order, as a Parquet file at `absolute_path`. Only
  // when rows() > 0.
  Status WriteParquet(const std::string& absolute_path);

  // The manifest entry of segment `batch` holding the staged versions: ids, `_seq` range, row
  // count, schema version and the `_seq` and primary-key column statistics. The caller sets
  // size_bytes, flushed_upto_seq and created_at_ms.
  filestore::Segment Describe(int64_t batch);

 private:
  duckdb::Connection& con_;
  const store::StorageBackend& backend_;
  std::shared_ptr<const TableDefinition> def_;
  std::string scope_;
  std::vector<SeqId> read_;
  uint64_t rows_ = 0;
  bool staged_ = false;  // the staging table exists
  SeqId min_seq_ = INT64_MAX;
  SeqId max_seq_ = 0;
};

}  // namespace kalam::tables
