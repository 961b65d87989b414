#include "primary_key_stat.h"

#include <simdjson.h>

#include "kalam/commons/json_text.h"

namespace kalam::tables {

std::string PrimaryKeyStatJson(const duckdb::Value& v) {
  if (v.IsNull()) return "null";
  switch (v.type().id()) {
    case duckdb::LogicalTypeId::SMALLINT:
    case duckdb::LogicalTypeId::INTEGER: return std::to_string(v.GetValue<int64_t>());
    case duckdb::LogicalTypeId::DATE: return std::to_string(v.GetValueUnsafe<int32_t>());
    case duckdb::LogicalTypeId::TIMESTAMP:
    case duckdb::LogicalTypeId::TIMESTAMP_TZ: return std::to_string(v.GetValueUnsafe<int64_t>());
    default: return JsonQuote(v.ToString());
  }
}

std::optional<duckdb::Value> ParsePrimaryKeyStat(const ColumnDefinition& column, const std::string& json) {
  if (json == "null") return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element e;
  if (parser.parse(padded).get(e) != simdjson::SUCCESS) return std::nullopt;
  int64_t number = 0;
  std::string_view text;
  const bool is_number = e.get_int64().get(number) == simdjson::SUCCESS;
  const bool is_text = !is_number && e.get_string().get(text) == simdjson::SUCCESS;
  try {
    switch (column.type.kind) {
      case TypeKind::kSmallInt:
        if (!is_number) return std::nullopt;
        return duckdb::Value::SMALLINT(static_cast<int16_t>(number));
      case TypeKind::kInt:
        if (!is_number) return std::nullopt;
        return duckdb::Value::INTEGER(static_cast<int32_t>(number));
      case TypeKind::kBigInt:
        if (is_number) return duckdb::Value::BIGINT(number);
        if (!is_text) return std::nullopt;
        return duckdb::Value(std::string(text)).DefaultCastAs(duckdb::LogicalType::BIGINT, /*strict=*/true);
      case TypeKind::kDate:
        if (!is_number) return std::nullopt;
        return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(number)));
      case TypeKind::kTimestamp:
        if (!is_number) return std::nullopt;
        return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(number));
      case TypeKind::kUuid:
        if (!is_text) return std::nullopt;
        return duckdb::Value(std::string(text)).DefaultCastAs(duckdb::LogicalType::UUID, /*strict=*/true);
      default: return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace kalam::tables
