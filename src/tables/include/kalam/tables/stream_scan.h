#pragma once

#include <memory>
#include <vector>

#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/scan_projection.h"
#include "kalam/tables/stream_buffers.h"

namespace kalam::tables {

// One user's rows of a STREAM table, as StreamBuffers::Read copied them (visible, in `_seq`
// order), written into DuckDB vectors a chunk at a time. `_deleted` is always false; the
// hidden row id is the row's `_seq` (a STREAM row has one version). Rows decode through
// DecodeRowValues, the one decoder that also projects rows written under an older schema
// version; a buffer is bounded by MAX_BUFFER, so the per-value cost stays small. Not
// thread-safe.
class StreamScan {
 public:
  StreamScan(std::shared_ptr<const TableDefinition> def, StreamRows rows, ScanProjection projection);

  // Fills up to `out`'s capacity; returns the number of rows (0 at the end).
  duckdb::idx_t Fill(duckdb::DataChunk& out);
  // Non-ok if a row did not decode.
  const Status& status() const { return status_; }

 private:
  std::shared_ptr<const TableDefinition> def_;
  StreamRows rows_;
  ScanProjection projection_;
  size_t next_ = 0;
  Status status_;
};

}  // namespace kalam::tables
