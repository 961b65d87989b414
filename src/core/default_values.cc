#include "default_values.h"

#include <charconv>

#include "id_functions.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::core {
namespace {

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

Result<duckdb::Value> DefaultEvaluator::Evaluate(const ColumnDefinition& column) {
  if (!column.default_value) return duckdb::Value(tables::ToLogicalType(column.type));
  const DefaultValue& d = *column.default_value;
  duckdb::Value raw;
  switch (d.kind) {
    case DefaultValue::Kind::kNull: return duckdb::Value(tables::ToLogicalType(column.type));
    case DefaultValue::Kind::kNow:
      raw = column.type.kind == TypeKind::kDateTime ? duckdb::Value::TIMESTAMPTZ(duckdb::timestamp_tz_t(now_us_))
                                                    : duckdb::Value::TIMESTAMP(duckdb::timestamp_t(now_us_));
      break;
    case DefaultValue::Kind::kSnowflakeId: raw = duckdb::Value::BIGINT(seq_.Next()); break;
    case DefaultValue::Kind::kUuidV7: raw = duckdb::Value(NewUuidV7()); break;
    case DefaultValue::Kind::kUlid: raw = duckdb::Value(NewUlid()); break;
    case DefaultValue::Kind::kCurrentUser: raw = duckdb::Value(acting_user_.str()); break;
    case DefaultValue::Kind::kLiteral:
      try {
        raw = LiteralValue(d);
      } catch (const std::exception&) {
        return Status::InvalidOperation("Invalid DEFAULT for column '" + column.name + "'");
      }
      break;
  }
  if (column.type.kind == TypeKind::kText && raw.type().IsNumeric()) raw = duckdb::Value(raw.ToString());
  return tables::CoerceToColumn(raw, column);
}

}  // namespace kalam::core
