#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kalam/commons/json_text.h"

namespace kalam {

// ---- Appenders: one JSON token each, no separators. The result encoder's hot loops call these
// directly; JsonWriter below adds comma and colon bookkeeping on top.

// AppendJsonString (a JSON string literal) comes from json_text.h.

void AppendJsonInt(int64_t value, std::string* out);
void AppendJsonUint(uint64_t value, std::string* out);
// `value` as a JSON string holding the decimal integer: "123" (BigInt values of docs/value-encoding.md).
void AppendJsonQuotedInt(int64_t value, std::string* out);
void AppendJsonQuotedUint(uint64_t value, std::string* out);

// Shortest text that reads back as the same double (std::to_chars), with ".0" added when that
// text is a bare integer so that the value still reads as a float ("2.0", "1e+21"). NaN and
// ±infinity, which JSON cannot hold, become the strings "NaN", "Infinity", "-Infinity".
void AppendJsonDouble(double value, std::string* out);
// The same for a float, using the float's own shortest form (1.1f → 1.1, not 1.100000023841858).
void AppendJsonFloat(float value, std::string* out);

// A duration in milliseconds rounded to 3 decimals, in fixed notation ("1.234", "0.0"): the
// `took` field. Negative or non-finite input counts as 0.
void AppendJsonMillis(double millis, std::string* out);

inline void AppendJsonBool(bool value, std::string* out) { out->append(value ? "true" : "false"); }
inline void AppendJsonNull(std::string* out) { out->append("null"); }

// Append-only JSON writer into a caller-owned std::string; no DOM, no allocation besides the
// string's own growth. It inserts the commas between members and elements and the colon after
// a key; it does not check that the calls form a well-formed document (keys only inside
// objects, balanced Start/End): the callers are a handful of encoders with fixed shapes.
// `out` must outlive the writer. Not thread-safe.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  JsonWriter& StartObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& StartArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  // An object member's name; the next call writes its value.
  JsonWriter& Key(std::string_view key) {
    Separate();
    AppendJsonString(key, out_);
    out_->push_back(':');
    need_comma_ = false;
    return *this;
  }

  JsonWriter& String(std::string_view value) { Separate(); AppendJsonString(value, out_); return Done(); }
  JsonWriter& Int(int64_t value) { Separate(); AppendJsonInt(value, out_); return Done(); }
  JsonWriter& Uint(uint64_t value) { Separate(); AppendJsonUint(value, out_); return Done(); }
  JsonWriter& Double(double value) { Separate(); AppendJsonDouble(value, out_); return Done(); }
  JsonWriter& Float(float value) { Separate(); AppendJsonFloat(value, out_); return Done(); }
  JsonWriter& Millis(double millis) { Separate(); AppendJsonMillis(millis, out_); return Done(); }
  JsonWriter& Bool(bool value) { Separate(); AppendJsonBool(value, out_); return Done(); }
  JsonWriter& Null() { Separate(); AppendJsonNull(out_); return Done(); }
  // `json` must already be one valid JSON value (e.g. DataType::WireTagJson()); copied as is.
  JsonWriter& Raw(std::string_view json) { Separate(); out_->append(json); return Done(); }

  // Starts a value that the caller writes straight into out() with the appenders above; the
  // writer only emits the separator. Use for hot loops that bypass the member functions.
  std::string* BeginRawValue() { Separate(); need_comma_ = true; return out_; }

  std::string* out() const { return out_; }

 private:
  void Separate() {
    if (need_comma_) out_->push_back(',');
  }
  JsonWriter& Done() {
    need_comma_ = true;
    return *this;
  }
  JsonWriter& Open(char c) {
    Separate();
    out_->push_back(c);
    need_comma_ = false;
    return *this;
  }
  JsonWriter& Close(char c) {
    out_->push_back(c);
    need_comma_ = true;
    return *this;
  }

  std::string* out_;
  // Whether the next member or element needs a comma first. One flag is enough: after an
  // opening bracket or a key nothing precedes the next token; after any complete value
  // (scalar or closed container) the next token in the enclosing container is a sibling.
  bool need_comma_ = false;
};

}  // namespace kalam
