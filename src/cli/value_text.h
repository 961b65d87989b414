#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace kalam::cli {

// How a column's values read for people, from its `data_type` tag (docs/value-encoding.md).
enum class ValueKind {
  kBoolean,
  kInteger,    // SmallInt, Int: JSON numbers
  kBigInt,     // JSON string of digits, printed as a number
  kFloat,      // Float, Double
  kDecimal,    // JSON string, printed as a number
  kText,
  kBytes,      // array of byte numbers, printed as \x… hex
  kJson,       // string holding JSON text
  kTimestamp,  // Timestamp, DateTime: µs since the epoch, printed as ISO-8601 UTC
  kDate,       // days since the epoch
  kTime,       // µs since midnight
  kUuid,
  kOther,      // anything newer than this client: the JSON as is
};

// The kind of a schema entry's `data_type` ("BigInt", {"Decimal":{…}}, …).
ValueKind KindOfDataType(simdjson::dom::element data_type);
// The tag as a short label for the optional type row of a table ("BigInt", "Decimal(10,2)").
std::string DataTypeLabel(simdjson::dom::element data_type);
// Numbers are right-aligned in a table.
bool IsNumeric(ValueKind kind);

// Appends the human text of `value` (not null; the caller shows NULL its own way).
void AppendValueText(simdjson::dom::element value, ValueKind kind, std::string* out);

// Appends `field` as one RFC 4180 field (quoted when it holds a comma, quote, CR or LF).
void AppendCsvField(std::string_view field, std::string* out);

// ISO-8601 renderings of the integer encodings of docs/value-encoding.md (exposed for the subscription printer).
void AppendTimestampMicros(int64_t micros, std::string* out);
void AppendDateDays(int64_t days, std::string* out);
void AppendTimeMicros(int64_t micros, std::string* out);

}  // namespace kalam::cli
