#include "value_text.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "json_read.h"

namespace kalam::cli {
namespace {

namespace chrono = std::chrono;
constexpr int64_t kMicrosPerDay = 86'400'000'000LL;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void AppendClock(int64_t micros_of_day, std::string* out) {
  char text[32];
  const int64_t seconds = micros_of_day / 1'000'000;
  const int64_t fraction = micros_of_day % 1'000'000;
  int n = std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                        static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  if (fraction != 0) n += std::snprintf(text + n, sizeof text - n, ".%06lld", static_cast<long long>(fraction));
  out->append(text, static_cast<size_t>(n));
}

void AppendRaw(simdjson::dom::element value, std::string* out) { out->append(simdjson::minify(value)); }

}  // namespace

ValueKind KindOfDataType(simdjson::dom::element data_type) {
  std::string_view tag;
  if (data_type.get_string().get(tag) != simdjson::SUCCESS) {
    simdjson::dom::object object;
    if (data_type.get_object().get(object) == simdjson::SUCCESS && object["Decimal"].error() == simdjson::SUCCESS) {
      return ValueKind::kDecimal;
    }
    return ValueKind::kOther;
  }
  if (tag == "Boolean") return ValueKind::kBoolean;
  if (tag == "SmallInt" || tag == "Int") return ValueKind::kInteger;
  if (tag == "BigInt") return ValueKind::kBigInt;
  if (tag == "Float" || tag == "Double") return ValueKind::kFloat;
  if (tag == "Text") return ValueKind::kText;
  if (tag == "Bytes") return ValueKind::kBytes;
  if (tag == "Json") return ValueKind::kJson;
  if (tag == "Timestamp" || tag == "DateTime") return ValueKind::kTimestamp;
  if (tag == "Date") return ValueKind::kDate;
  if (tag == "Time") return ValueKind::kTime;
  if (tag == "Uuid") return ValueKind::kUuid;
  return ValueKind::kOther;
}

std::string DataTypeLabel(simdjson::dom::element data_type) {
  std::string_view tag;
  if (data_type.get_string().get(tag) == simdjson::SUCCESS) return std::string(tag);
  simdjson::dom::element decimal;
  if (data_type["Decimal"].get(decimal) == simdjson::SUCCESS) {
    int64_t precision = 0, scale = 0;
    precision = JsonInt(decimal["precision"]);
    scale = JsonInt(decimal["scale"]);
    return "Decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  return simdjson::minify(data_type);
}

bool IsNumeric(ValueKind kind) {
  return kind == ValueKind::kInteger || kind == ValueKind::kBigInt || kind == ValueKind::kFloat ||
         kind == ValueKind::kDecimal;
}

void AppendTimestampMicros(int64_t micros, std::string* out) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  AppendDateDays(days, out);
  out->push_back('T');
  AppendClock(micros - days * kMicrosPerDay, out);
  out->push_back('Z');
}

void AppendDateDays(int64_t days, std::string* out) {
  const chrono::year_month_day date{chrono::sys_days(chrono::days(days))};
  char text[24];
  const int n = std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                              static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  out->append(text, static_cast<size_t>(n));
}

void AppendTimeMicros(int64_t micros, std::string* out) { AppendClock(micros, out); }

void AppendValueText(simdjson::dom::element value, ValueKind kind, std::string* out) {
  std::string_view text;
  int64_t integer = 0;
  switch (kind) {
    case ValueKind::kTimestamp:
      if (value.get_int64().get(integer) == simdjson::SUCCESS) return AppendTimestampMicros(integer, out);
      break;
    case ValueKind::kDate:
      if (value.get_int64().get(integer) == simdjson::SUCCESS) return AppendDateDays(integer, out);
      break;
    case ValueKind::kTime:
      if (value.get_int64().get(integer) == simdjson::SUCCESS) return AppendTimeMicros(integer, out);
      break;
    case ValueKind::kBytes: {
      simdjson::dom::array bytes;
      if (value.get_array().get(bytes) != simdjson::SUCCESS) break;
      static constexpr char kHex[] = "0123456789abcdef";
      out->append("\\x");
      for (simdjson::dom::element byte : bytes) {
        int64_t b = 0;
        b = JsonInt(simdjson::dom::element(byte));
        out->push_back(kHex[(b >> 4) & 0xF]);
        out->push_back(kHex[b & 0xF]);
      }
      return;
    }
    default:
      break;
  }
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      text = JsonString(simdjson::dom::element(value));
      out->append(text);
      return;
    case simdjson::dom::element_type::BOOL:
      out->append(value.get_bool().value() ? "true" : "false");
      return;
    case simdjson::dom::element_type::DOUBLE: {
      char buffer[32];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double().value());
      out->append(buffer, end);
      return;
    }
    default:
      AppendRaw(value, out);
  }
}

void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace kalam::cli
