#pragma once

#include <cstdint>
#include <vector>

namespace kalam::tables {

// What each output column of a scan carries.
struct ScanColumn {
  enum class Kind : uint8_t { kUserColumn, kSeq, kDeleted, kRowId };
  Kind kind = Kind::kUserColumn;
  uint32_t column_index = 0;  // into TableDefinition::columns, for kUserColumn
};

using ScanProjection = std::vector<ScanColumn>;

}  // namespace kalam::tables
