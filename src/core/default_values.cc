#include "default_values.h"

#include "id_functions.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::core {

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
    case DefaultValue::Kind::kLiteral: return tables::LiteralDefault(d, column);
  }
  if (column.type.kind == TypeKind::kText && raw.type().IsNumeric()) raw = duckdb::Value(raw.ToString());
  return tables::CoerceToColumn(raw, column);
}

}  // namespace kalam::core
