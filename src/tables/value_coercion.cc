#include "kalam/tables/value_coercion.h"

#include <charconv>

#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/time.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "kalam/tables/type_mapping.h"

#include <simdjson.h>

namespace kalam::tables {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

bool IsIntegral(const duckdb::LogicalType& t) { return t.IsIntegral(); }

bool IsTemporal(TypeKind kind) {
  return kind == TypeKind::kTimestamp || kind == TypeKind::kDateTime || kind == TypeKind::kDate ||
         kind == TypeKind::kTime;
}

bool IsValidJson(const std::string& text) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element ignored;
  return parser.parse(padded).get(ignored) == simdjson::SUCCESS;
}

Status Mismatch(const duckdb::Value& value, const ColumnDefinition& column, const std::string& detail = "") {
  std::string shown = value.ToString();
  if (shown.size() > 64) shown = shown.substr(0, 64) + "...";
  std::string msg = "Type mismatch for column '" + column.name + "': cannot convert '" + shown + "' (" +
                    value.type().ToString() + ") to " + column.type.SqlName();
  if (!detail.empty()) msg += ": " + detail;
  return Status::ConstraintViolation(std::move(msg));
}

duckdb::Value LiteralValue(const DefaultValue& d) {
  if (d.literal_is_string) return duckdb::Value(d.literal);
  const std::string lower = [&] {
    std::string s = d.literal;
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }();
  if (lower == "true") return duckdb::Value::BOOLEAN(true);
  if (lower == "false") return duckdb::Value::BOOLEAN(false);
  if (lower == "null") return duckdb::Value();
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(d.literal.data(), d.literal.data() + d.literal.size(), n);
  if (ec == std::errc() && ptr == d.literal.data() + d.literal.size()) return duckdb::Value::BIGINT(n);
  return duckdb::Value(d.literal).DefaultCastAs(duckdb::LogicalType::DOUBLE);
}

}  // namespace

Result<duckdb::Value> LiteralDefault(const DefaultValue& literal, const ColumnDefinition& column) {
  duckdb::Value raw;
  try {
    raw = LiteralValue(literal);
  } catch (const std::exception&) {
    return Status::InvalidOperation("Invalid DEFAULT for column '" + column.name + "'");
  }
  if (column.type.kind == TypeKind::kText && raw.type().IsNumeric()) raw = duckdb::Value(raw.ToString());
  return CoerceToColumn(raw, column);
}

Result<duckdb::Value> CoerceToColumn(const duckdb::Value& value, const ColumnDefinition& column) {
  const duckdb::LogicalType target = ToLogicalType(column.type);
  if (value.IsNull()) return duckdb::Value(target);
  if (value.type() == target) return value;

  const duckdb::LogicalType& source = value.type();
  // Integer inputs for temporal columns are the protocol's wire encodings (µs or days).
  if (IsIntegral(source) && IsTemporal(column.type.kind)) {
    duckdb::Value as_bigint;
    std::string ignored;
    if (!value.DefaultTryCastAs(duckdb::LogicalType::BIGINT, as_bigint, &ignored, /*strict=*/true)) {
      return Mismatch(value, column, "out of range");
    }
    const int64_t n = as_bigint.GetValue<int64_t>();
    switch (column.type.kind) {
      case TypeKind::kTimestamp: return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(n));
      case TypeKind::kDateTime: return duckdb::Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(n));
      case TypeKind::kDate:
        // Infinite dates sit at the int32 limits; keep finite days only.
        if (n <= INT32_MIN + 1 || n >= INT32_MAX - 1) return Mismatch(value, column, "out of range");
        return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(n)));
      case TypeKind::kTime:
        if (n < 0 || n > kMicrosPerDay) return Mismatch(value, column, "out of range");
        return duckdb::Value::TIME(duckdb::dtime_t(n));
      default: break;
    }
  }
  // TIMESTAMP text with a UTC offset: parse as an instant, store its UTC wall time (DuckDB's
  // plain TIMESTAMP cast would drop the offset).
  if (column.type.kind == TypeKind::kTimestamp && source.id() == duckdb::LogicalTypeId::VARCHAR) {
    duckdb::Value instant;
    std::string ignored;
    if (value.DefaultTryCastAs(duckdb::LogicalType::TIMESTAMP_TZ, instant, &ignored, /*strict=*/true)) {
      return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(instant.GetValueUnsafe<int64_t>()));
    }
    return Mismatch(value, column);
  }
  if (column.type.kind == TypeKind::kJson && source.id() == duckdb::LogicalTypeId::VARCHAR) {
    if (!IsValidJson(duckdb::StringValue::Get(value))) return Mismatch(value, column, "not valid JSON");
    duckdb::Value json(duckdb::StringValue::Get(value));
    json.Reinterpret(target);
    return json;
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
