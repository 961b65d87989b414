#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

namespace kalam::cli {

// Optional fields of the server's JSON answers: the value, or `fallback` when the field is
// missing or of another type (simdjson's results must otherwise be checked one by one).
inline std::string_view JsonString(simdjson::simdjson_result<simdjson::dom::element> field,
                                   std::string_view fallback = {}) {
  std::string_view value;
  return field.get_string().get(value) == simdjson::SUCCESS ? value : fallback;
}

inline int64_t JsonInt(simdjson::simdjson_result<simdjson::dom::element> field, int64_t fallback = 0) {
  int64_t value = 0;
  return field.get_int64().get(value) == simdjson::SUCCESS ? value : fallback;
}

inline double JsonDouble(simdjson::simdjson_result<simdjson::dom::element> field, double fallback = 0) {
  double value = 0;
  return field.get_double().get(value) == simdjson::SUCCESS ? value : fallback;
}

inline bool JsonBool(simdjson::simdjson_result<simdjson::dom::element> field, bool fallback = false) {
  bool value = false;
  return field.get_bool().get(value) == simdjson::SUCCESS ? value : fallback;
}

}  // namespace kalam::cli
