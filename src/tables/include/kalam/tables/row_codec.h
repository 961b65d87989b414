#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"

namespace kalam::tables {

// A row version's value bytes (docs/key-encoding.md):
//   format(u8=1) | schema_version(varint) | flags(u8: bit0 deleted) | row_id(u64) |
//   column_count(varint) | null bitmap | non-null values in column order
// Fixed-width values are stored native-endian at their engine width; TEXT/BYTES/JSON are
// varint length + bytes; DECIMAL is int64 up to precision 18, else 16 bytes.
struct RowHeader {
  uint32_t schema_version = 0;
  bool deleted = false;
  uint64_t row_id = 0;
  uint32_t column_count = 0;
};

// `values` holds one value per column of `def`, already coerced to the column types.
void EncodeRow(const TableDefinition& def, const std::vector<duckdb::Value>& values, bool deleted,
               uint64_t row_id, std::string* out);

// Decodes every column into values (used by write paths and tests, not by scans). A row
// written under another schema version of the table is projected onto `def` (RowProjector).
Result<std::vector<duckdb::Value>> DecodeRowValues(const TableDefinition& def, std::string_view bytes,
                                                   RowHeader* header = nullptr);

Result<RowHeader> DecodeRowHeader(std::string_view bytes);

// Decodes a row's values as stored, given the column types of the version it was written
// under (one per stored column).
Result<std::vector<duckdb::Value>> DecodeStoredValues(const std::vector<DataType>& types, std::string_view bytes,
                                                      RowHeader* header = nullptr);

}  // namespace kalam::tables
