#pragma once

#include <optional>
#include <string>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/ids.h"

namespace kalam::tables {

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
  // The schema version the segment was written under (its columns are that version's).
  uint32_t schema_version = 0;

  // False only when the statistics prove that no version of `pk` is in this segment.
  bool MayContainKey(const duckdb::Value& pk) const;
};

}  // namespace kalam::tables
