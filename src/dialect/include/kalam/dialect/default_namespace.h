#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kalam::dialect {

// `default` is an SQL reserved word but also the built-in namespace (`default.t`), which
// DuckDB's parser refuses unquoted. Returns `sql` with every unquoted `default` that is
// followed by `.` written as `"default"`, or nullopt when there is none (or `sql` does not
// lex). Used only after DuckDB's parser refused a statement, so the common path pays nothing.
std::optional<std::string> QuoteDefaultNamespace(std::string_view sql);

}  // namespace kalam::dialect
