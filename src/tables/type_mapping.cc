#include "kalam/tables/type_mapping.h"

namespace kalam::tables {

duckdb::LogicalType ToLogicalType(const DataType& type) {
  using duckdb::LogicalType;
  switch (type.kind) {
    case TypeKind::kBoolean: return LogicalType::BOOLEAN;
    case TypeKind::kSmallInt: return LogicalType::SMALLINT;
    case TypeKind::kInt: return LogicalType::INTEGER;
    case TypeKind::kBigInt: return LogicalType::BIGINT;
    case TypeKind::kFloat: return LogicalType::FLOAT;
    case TypeKind::kDouble: return LogicalType::DOUBLE;
    case TypeKind::kDecimal: return LogicalType::DECIMAL(type.precision, type.scale);
    case TypeKind::kText: return LogicalType::VARCHAR;
    case TypeKind::kBytes: return LogicalType::BLOB;
    case TypeKind::kJson: return LogicalType::JSON();
    case TypeKind::kTimestamp: return LogicalType::TIMESTAMP;
    case TypeKind::kDateTime: return LogicalType::TIMESTAMP_TZ;
    case TypeKind::kDate: return LogicalType::DATE;
    case TypeKind::kTime: return LogicalType::TIME;
    case TypeKind::kUuid: return LogicalType::UUID;
  }
  return LogicalType::VARCHAR;
}

DataType FromLogicalType(const duckdb::LogicalType& type) {
  using duckdb::LogicalTypeId;
  auto simple = [](TypeKind k) { return DataType{k, 0, 0}; };
  if (type.IsJSONType()) return simple(TypeKind::kJson);
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN: return simple(TypeKind::kBoolean);
    case LogicalTypeId::TINYINT:
    case LogicalTypeId::SMALLINT:
    case LogicalTypeId::UTINYINT: return simple(TypeKind::kSmallInt);
    case LogicalTypeId::INTEGER:
    case LogicalTypeId::USMALLINT: return simple(TypeKind::kInt);
    case LogicalTypeId::BIGINT:
    case LogicalTypeId::UINTEGER:
    case LogicalTypeId::UBIGINT:
    case LogicalTypeId::HUGEINT:
    case LogicalTypeId::UHUGEINT: return simple(TypeKind::kBigInt);
    case LogicalTypeId::FLOAT: return simple(TypeKind::kFloat);
    case LogicalTypeId::DOUBLE: return simple(TypeKind::kDouble);
    case LogicalTypeId::DECIMAL:
      return DataType{TypeKind::kDecimal, duckdb::DecimalType::GetWidth(type), duckdb::DecimalType::GetScale(type)};
    case LogicalTypeId::BLOB: return simple(TypeKind::kBytes);
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_SEC:
    case LogicalTypeId::TIMESTAMP_MS:
    case LogicalTypeId::TIMESTAMP_NS: return simple(TypeKind::kTimestamp);
    case LogicalTypeId::TIMESTAMP_TZ: return simple(TypeKind::kDateTime);
    case LogicalTypeId::DATE: return simple(TypeKind::kDate);
    case LogicalTypeId::TIME:
    case LogicalTypeId::TIME_TZ: return simple(TypeKind::kTime);
    case LogicalTypeId::UUID: return simple(TypeKind::kUuid);
    default: return simple(TypeKind::kText);
  }
}

}  // namespace kalam::tables
