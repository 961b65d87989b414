#include "kalam/tables/stream_scan.h"

#include <algorithm>

#include "duckdb/common/types/vector.hpp"
#include "kalam/tables/row_codec.h"

namespace kalam::tables {

using duckdb::FlatVector;

StreamScan::StreamScan(std::shared_ptr<const TableDefinition> def, StreamRows rows, ScanProjection projection)
    : def_(std::move(def)), rows_(std::move(rows)), projection_(std::move(projection)) {}

duckdb::idx_t StreamScan::Fill(duckdb::DataChunk& out) {
  const size_t n = std::min<size_t>(out.GetCapacity(), rows_.size() - next_);
  out.SetCardinality(0);
  if (!status_.ok()) return 0;
  bool user_columns = false;
  for (const ScanColumn& c : projection_) user_columns |= c.kind == ScanColumn::Kind::kUserColumn;
  for (duckdb::idx_t row = 0; row < n; ++row, ++next_) {
    const SeqId seq = rows_.seqs[next_];
    std::vector<duckdb::Value> values;
    if (user_columns) {
      auto decoded = DecodeRowValues(*def_, rows_.row(next_));
      if (!decoded.ok()) {
        status_ = Status::Corruption("bad buffered row in " + def_->id.ToString() + ": " + decoded.status().message());
        return 0;
      }
      values = std::move(decoded).value();
    }
    for (size_t i = 0; i < projection_.size(); ++i) {
      const ScanColumn& c = projection_[i];
      switch (c.kind) {
        case ScanColumn::Kind::kUserColumn: out.data[i].SetValue(row, values[c.column_index]); break;
        case ScanColumn::Kind::kSeq:
        case ScanColumn::Kind::kRowId: FlatVector::GetData<int64_t>(out.data[i])[row] = seq; break;
        case ScanColumn::Kind::kDeleted: FlatVector::GetData<bool>(out.data[i])[row] = false; break;
      }
    }
  }
  out.SetCardinality(n);
  return n;
}

}  // namespace kalam::tables
