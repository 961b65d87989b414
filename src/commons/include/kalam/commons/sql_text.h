#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/status.h"

namespace kalam {

// The checks every SQL text from a client passes before anything parses it.
//
// A NUL byte is refused outright: the splitter and our own parsers read the whole text, but
// DuckDB's parser (C strings underneath) stops at the first NUL, so a text with one would be
// checked up to one point and run up to another. Parameter values may hold NUL; they are
// values, never parsed as SQL.
inline constexpr std::string_view kSqlNulMessage = "SQL text must not contain a NUL byte";

inline Status CheckSqlText(std::string_view sql) {
  if (sql.find('\0') != std::string_view::npos) return Status::InvalidArgument(std::string(kSqlNulMessage));
  return Status::Ok();
}

}  // namespace kalam
