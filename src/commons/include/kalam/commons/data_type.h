#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kalam {

// The column types of docs/value-encoding.md.
enum class TypeKind : uint8_t {
  kBoolean,
  kSmallInt,
  kInt,
  kBigInt,
  kFloat,
  kDouble,
  kDecimal,
  kText,
  kBytes,
  kJson,
  kTimestamp,
  kDateTime,
  kDate,
  kTime,
  kUuid,
};

struct DataType {
  TypeKind kind = TypeKind::kText;
  uint8_t precision = 0;  // DECIMAL only
  uint8_t scale = 0;      // DECIMAL only

  bool operator==(const DataType&) const = default;

  // Canonical SQL name used by DESCRIBE and system.columns: "BIGINT", "DECIMAL(10,2)".
  std::string SqlName() const;
  // The `data_type` tag of result schemas as JSON text: "\"BigInt\"" or
  // "{\"Decimal\":{\"precision\":10,\"scale\":2}}".
  std::string WireTagJson() const;
  // Whether the type may be a primary key (SMALLINT, INT, BIGINT, TEXT, UUID, DATE, TIMESTAMP).
  bool CanBePrimaryKey() const;
};

// Parses a SQL type spelling ("varchar(20)", "DOUBLE PRECISION", "numeric(10, 2)").
// Returns nullopt for an unknown spelling; FILE and EMBEDDING are reported by the caller.
std::optional<DataType> ParseDataType(std::string_view spelling);

}  // namespace kalam
