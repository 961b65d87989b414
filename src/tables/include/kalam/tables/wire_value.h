#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "duckdb/common/types.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/common/types/vector.hpp"

namespace kalam::tables {

// The one JSON encoding of values that clients see (docs/http-api.md, "Value encoding"): BIGINT
// and wider integers as strings, DECIMAL as a string with its scale's digits, times as integer
// microseconds (dates as days), bytes as an array of numbers, UUID as canonical text, NaN and
// infinities as strings, NULL as null, and anything else as DuckDB's canonical text. The form
// of each value follows from its DuckDB type alone, so it matches the `data_type` tag that
// FromLogicalType (type_mapping.h) gives the column.
//
// Two entry points share every per-type writer: WireColumnEncoder for HTTP result rows (a
// whole DuckDB vector, no per-cell Value) and AppendWireValue for live-query rows (one
// duckdb::Value at a time). Both write into a caller-owned string and allocate nothing else on
// the common types.

// Writes the cells of one column of DuckDB chunks. The writer is chosen once, from the type;
// Bind() then points it at one chunk's vector. Not thread-safe while bound.
class WireColumnEncoder {
 public:
  using CellWriter = void (*)(const WireColumnEncoder& column, duckdb::idx_t index, duckdb::idx_t row,
                              std::string* out);

  explicit WireColumnEncoder(const duckdb::LogicalType& type);

  // Reads `vector` (of the constructor's type) for the next Append calls; `vector` must stay
  // alive until Unbind().
  void Bind(duckdb::Vector& vector, duckdb::idx_t count) {
    vector.ToUnifiedFormat(count, format_);
    vector_ = &vector;
  }
  void Unbind() { vector_ = nullptr; }

  // From now on writes kSecretMask for every value that is not NULL (a secret column).
  void MaskValues();

  // The value at `row` of the bound vector; `null` when it is NULL.
  void Append(duckdb::idx_t row, std::string* out) const {
    const duckdb::idx_t index = format_.sel->get_index(row);
    if (!format_.validity.RowIsValid(index)) {
      out->append("null");
      return;
    }
    write_(*this, index, row, out);
  }

  // For the writers: the bound vector's data and the column's decimal scale.
  const duckdb::UnifiedVectorFormat& format() const { return format_; }
  const duckdb::Vector& vector() const { return *vector_; }
  uint8_t decimal_scale() const { return decimal_scale_; }

 private:
  CellWriter write_ = nullptr;
  uint8_t decimal_scale_ = 0;
  duckdb::UnifiedVectorFormat format_;
  const duckdb::Vector* vector_ = nullptr;
};

// `value` in the same encoding (NULL as null).
void AppendWireValue(const duckdb::Value& value, std::string* out);

// Columns whose values no client sees, in HTTP results and live rows alike: `password_hash` and
// `credentials` (any case, any table) show kSecretMask instead of a value that is not NULL.
bool IsSecretColumn(std::string_view name);
inline constexpr std::string_view kSecretMask = "\"***\"";

}  // namespace kalam::tables
