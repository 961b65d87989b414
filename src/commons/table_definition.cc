#include "kalam/commons/table_definition.h"

#include "kalam/commons/default_value.h"
#include "kalam/commons/table_options.h"

namespace kalam {

std::optional<size_t> TableDefinition::PrimaryKeyIndex() const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].primary_key) return i;
  }
  return std::nullopt;
}

std::optional<size_t> TableDefinition::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

std::string TableOptions::FlushPolicyText() const {
  std::string out;
  if (flush_row_limit) out = "rows:" + std::to_string(*flush_row_limit);
  if (flush_interval_seconds) {
    if (!out.empty()) out += ",";
    out += "interval:" + std::to_string(*flush_interval_seconds);
  }
  return out;
}

std::string DefaultValue::ToSql() const {
  switch (kind) {
    case Kind::kNull: return "NULL";
    case Kind::kNow: return "NOW()";
    case Kind::kSnowflakeId: return "SNOWFLAKE_ID()";
    case Kind::kUuidV7: return "UUID_V7()";
    case Kind::kUlid: return "ULID()";
    case Kind::kCurrentUser: return "CURRENT_USER()";
    case Kind::kLiteral: {
      if (!literal_is_string) return literal;
      std::string out = "'";
      for (char c : literal) {
        out.push_back(c);
        if (c == '\'') out.push_back('\'');
      }
      return out + "'";
    }
  }
  return "NULL";
}

}  // namespace kalam
