#pragma once

// Test-only: parse one statement and expect a given outcome, reporting the SQL on failure.

#include <gtest/gtest.h>

#include <string_view>
#include <variant>

#include "kalam/dialect/parser.h"

namespace kalam::dialect {

// The statement `sql` parses into, which must be a T.
template <typename T>
T ParseAs(std::string_view sql) {
  Result<KalamStatement> result = ParseKalamStatement(sql);
  EXPECT_TRUE(result.ok()) << sql << "\n  -> " << result.status().ToString();
  if (!result.ok()) return T{};
  const T* stmt = std::get_if<T>(&result.value());
  EXPECT_NE(stmt, nullptr) << sql << "\n  -> parsed into variant index " << result.value().index();
  return stmt != nullptr ? *stmt : T{};
}

// Why `sql` does not parse (a test failure when it does).
inline Status ParseError(std::string_view sql) {
  Result<KalamStatement> result = ParseKalamStatement(sql);
  EXPECT_FALSE(result.ok()) << sql << " unexpectedly parsed";
  return result.ok() ? Status::Ok() : result.status();
}

}  // namespace kalam::dialect
