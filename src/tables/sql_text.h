#pragma once

#include <string>
#include <string_view>

namespace kalam::tables {

// SQL text for the cold tier's own DuckDB instance (Parquet reads and writes): names and
// paths come from table definitions and storage templates, so they are quoted, never spliced.
inline std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

inline std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace kalam::tables
