#pragma once

#include <string>
#include <string_view>

namespace kalam {

// Appends `text` as a JSON string literal (RFC 8259): quotes, backslash and control
// characters escaped (\b \f \n \r \t short forms, others \u00XX), valid UTF-8 copied as is,
// each maximal invalid UTF-8 run replaced by U+FFFD. The one JSON string writer of the
// project: responses, manifests and system-table JSON all go through it.
void AppendJsonString(std::string_view text, std::string* out);

// `text` as a JSON string literal.
inline std::string JsonQuote(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

}  // namespace kalam
