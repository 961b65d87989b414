#pragma once

#include <string>

namespace kalam {

// A column DEFAULT. Only literals and the functions of docs/sql-reference.md are allowed, so a
// default never needs the SQL engine to evaluate.
struct DefaultValue {
  enum class Kind : uint8_t { kLiteral, kNull, kNow, kSnowflakeId, kUuidV7, kUlid, kCurrentUser };
  Kind kind = Kind::kNull;
  std::string literal;      // kLiteral: the literal's text, unquoted
  bool literal_is_string = false;  // kLiteral: it was written as a quoted string

  // The default as written in DESCRIBE: "SNOWFLAKE_ID()", "NOW()", "'x'", "42".
  std::string ToSql() const;
  bool operator==(const DefaultValue&) const = default;
};

}  // namespace kalam
