#include "kalam/tables/value_coercion.h"

#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/time.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "kalam/tables/type_mapping.h"

namespace kalam::tables {
namespace {

bool IsIntegral(const duckdb::LogicalType& t) { return t.IsIntegral(); }

Status Mismatch(const duckdb::Value& value, const ColumnDefinition& column, const std::string& detail = "") {
  std::string shown = value.ToString();
  if (shown.size() > 64) shown = shown.substr(0, 64) + "...";
  std::string msg = "Type mismatch for column '" + column.name + "': cannot convert '" + shown + "' (" +
                    value.type().ToString() + ") to " + column.type.SqlName();
  if (!detail.empty()) msg += ": " + detail;
  return Status::ConstraintViolation(std::move(msg));
}

}  // namespace

Result<duckdb::Value> CoerceToColumn(const duckdb::Value& value, const ColumnDefinition& column) {
  const duckdb::LogicalType target = ToLogicalType(column.type);
  if (value.IsNull()) return duckdb::Value(target);
  if (value.type() == target) return value;

  const duckdb::LogicalType& source = value.type();
  // Integer inputs for temporal columns are the protocol's wire encodings (µs or days).
  if (IsIntegral(source)) {
    const int64_t n = value.GetValue<int64_t>();
    switch (column.type.kind) {
      case TypeKind::kTimestamp: return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(n));
      case TypeKind::kDateTime: return duckdb::Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(n));
      case TypeKind::kDate: return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(n)));
      case TypeKind::kTime: return duckdb::Value::TIME(duckdb::dtime_t(n));
      default: break;
    }
  }
  if (column.type.kind == TypeKind::kBytes && source.id() == duckdb::LogicalTypeId::VARCHAR) {
    return duckdb::Value::BLOB_RAW(duckdb::StringValue::Get(value));
  }
  // Text columns take only strings: a number silently becoming text would hide client bugs.
  if ((column.type.kind == TypeKind::kText || column.type.kind == TypeKind::kJson) &&
      source.id() != duckdb::LogicalTypeId::VARCHAR && !source.IsJSONType()) {
    return Mismatch(value, column);
  }
  // Numbers must not silently become booleans or lose their fraction in integer columns.
  if (column.type.kind == TypeKind::kBoolean && source.id() != duckdb::LogicalTypeId::VARCHAR) {
    return Mismatch(value, column);
  }
  if (target.IsIntegral() && (source.id() == duckdb::LogicalTypeId::DOUBLE || source.id() == duckdb::LogicalTypeId::FLOAT ||
                              source.id() == duckdb::LogicalTypeId::DECIMAL)) {
    const double d = value.GetValue<double>();
    if (d != static_cast<double>(static_cast<int64_t>(d))) return Mismatch(value, column);
  }
  duckdb::Value result;
  std::string error;
  if (!value.DefaultTryCastAs(target, result, &error, /*strict=*/true)) {
    if (column.type.kind == TypeKind::kJson) return Mismatch(value, column, "not valid JSON");
    return Mismatch(value, column);
  }
  return result;
}

}  // namespace kalam::tables
