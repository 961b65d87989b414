#pragma once

#include <exception>

#include "duckdb.hpp"
#include "kalam/commons/engine_config.h"
#include "kalam/commons/status.h"

namespace kalam::core {

class QueryState;

// The one place where DuckDB's errors become our Status and our Status crosses DuckDB as an
// exception. The code is chosen by DuckDB's exception type, never by its message; a Status a
// callback raised travels through DuckDB unchanged (ThrowStatus records it, StatusFromDuckDB
// answers it).

// A DuckDB error by its exception type: parser -> InvalidArgument, permission ->
// PermissionDenied, catalog -> NotFound, conversion/constraint -> ConstraintViolation,
// interrupt -> the statement timeout, out of memory -> the query memory limit, ...
Status StatusFromDuckDBError(const duckdb::ErrorData& error, const EngineConfig& config);

// StatusFromDuckDBError, unless one of our callbacks raised the statement's failure itself:
// then that Status, code included.
Status StatusFromDuckDB(const duckdb::ErrorData& error, QueryState& state);

// DuckDB's parser refusing a statement's text: InvalidArgument with DuckDB's message.
Status StatusFromParseError(const std::exception& e);

// Raises `status` from inside a DuckDB callback (bind, init, scan, UDF): records it as the
// statement's failure and throws a DuckDB exception that unwinds DuckDB; StatusFromDuckDB
// gives back `status` with its code.
[[noreturn]] void ThrowStatus(QueryState& state, const Status& status);

// Runs `fn`, answering an exception that DuckDB (or one of our callbacks) lets out as a
// Status, so none reaches a server, live-query or job thread.
template <typename Fn>
auto Contained(const EngineConfig& config, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return StatusFromDuckDBError(duckdb::ErrorData(e), config);
  }
}

}  // namespace kalam::core
