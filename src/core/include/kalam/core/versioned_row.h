#pragma once

#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/ids.h"

namespace kalam::core {

// The newest version of one row identity as of a point in time: what a live subscription's
// initial data is built from. Tombstones carry the last values the row had.
struct VersionedRow {
  SeqId seq = 0;
  bool deleted = false;
  std::vector<duckdb::Value> values;  // one per table column
};

}  // namespace kalam::core
