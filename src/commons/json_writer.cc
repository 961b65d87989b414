#include "kalam/commons/json_writer.h"

#include "kalam/commons/json_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace kalam {

namespace {

template <typename T>
inline void AppendChars(T value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Adds ".0" when the shortest form of a finite float is a bare integer ("2", "-0").
inline void AppendFloatText(const char* begin, const char* end, std::string* out) {
  out->append(begin, end);
  if (std::memchr(begin, '.', end - begin) == nullptr && std::memchr(begin, 'e', end - begin) == nullptr) {
    out->append(".0");
  }
}

// NaN and infinities as strings; returns false for a finite value (nothing written).
template <typename T>
inline bool AppendNonFinite(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    return false;
  }
  return true;
}

}  // namespace

void AppendJsonInt(int64_t value, std::string* out) { AppendChars(value, out); }

void AppendJsonUint(uint64_t value, std::string* out) { AppendChars(value, out); }

void AppendJsonQuotedInt(int64_t value, std::string* out) {
  char buf[24];
  buf[0] = '"';
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 1, value);
  *end++ = '"';
  out->append(buf, end);
}

void AppendJsonQuotedUint(uint64_t value, std::string* out) {
  char buf[24];
  buf[0] = '"';
  auto [end, ec] = std::to_chars(buf + 1, buf + sizeof(buf) - 1, value);
  *end++ = '"';
  out->append(buf, end);
}

void AppendJsonDouble(double value, std::string* out) {
  if (AppendNonFinite(value, out)) return;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  AppendFloatText(buf, end, out);
}

void AppendJsonFloat(float value, std::string* out) {
  if (AppendNonFinite(value, out)) return;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  AppendFloatText(buf, end, out);
}

void AppendJsonMillis(double millis, std::string* out) {
  if (!(millis > 0) || !std::isfinite(millis)) millis = 0;  // also catches NaN
  const double rounded = std::round(millis * 1000.0) / 1000.0;
  char buf[48];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), rounded, std::chars_format::fixed);
  if (ec != std::errc()) {
    out->append("0.0");
    return;
  }
  AppendFloatText(buf, end, out);
}

}  // namespace kalam
