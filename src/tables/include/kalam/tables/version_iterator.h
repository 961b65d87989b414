#pragma once

#include <string_view>

#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/status.h"

namespace kalam::tables {

enum class ScanOrder : uint8_t { kOldestFirst, kNewestFirst };

// Row versions of one scope in `_seq` order (LevelDB's Iterator, for versions instead of
// keys). The current version's projected values are row `row()` of `chunk()`, in the
// projection's order; both stay valid until the next call to Next. Not thread-safe.
class VersionIterator {
 public:
  virtual ~VersionIterator() = default;

  virtual bool Valid() const = 0;
  // The next version in the iterator's order. Requires Valid().
  virtual void Next() = 0;

  virtual SeqId seq() const = 0;
  virtual bool deleted() const = 0;
  // The row identity's bytes: the encoded primary key (EncodePrimaryKey), or the hidden
  // row id for tables without one. Equal for every version of one row.
  virtual std::string_view identity() const = 0;
  virtual const duckdb::DataChunk& chunk() const = 0;
  virtual duckdb::idx_t row() const = 0;

  // Non-ok when iteration stopped on a storage, Parquet or decoding error.
  virtual Status status() const = 0;
};

}  // namespace kalam::tables
