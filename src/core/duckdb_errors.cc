#include "duckdb_errors.h"

#include <mutex>

#include "engine_context.h"
#include "kalam/core/limit_errors.h"
#include "query_memory.h"
#include "query_state.h"

namespace kalam::core {

Status StatusFromDuckDBError(const duckdb::ErrorData& error, const EngineConfig& config) {
  const std::string message = error.RawMessage();
  switch (error.Type()) {
    case duckdb::ExceptionType::PARSER: return Status::InvalidArgument(message);
    case duckdb::ExceptionType::PERMISSION: return Status::PermissionDenied(message);
    case duckdb::ExceptionType::CATALOG: return Status::NotFound(message);
    case duckdb::ExceptionType::BINDER: return Status::InvalidOperation(message);
    case duckdb::ExceptionType::CONVERSION:
    case duckdb::ExceptionType::CONSTRAINT: return Status::ConstraintViolation(message);
    case duckdb::ExceptionType::INTERRUPT: return StatementTimedOut(config.statement_timeout_ms);
    case duckdb::ExceptionType::OUT_OF_MEMORY: return QueryOutOfMemory(QueryMemoryLimit(config), message);
    case duckdb::ExceptionType::INTERNAL:
    case duckdb::ExceptionType::FATAL: return Status::Internal(message);
    default: return Status::InvalidOperation(message);
  }
}

Status StatusFromDuckDB(const duckdb::ErrorData& error, QueryState& state) {
  {
    std::lock_guard lock(state.mu);
    if (!state.bind_error.ok()) return state.bind_error;
  }
  return StatusFromDuckDBError(error, state.engine.config);
}

Status StatusFromParseError(const std::exception& e) {
  return Status::InvalidArgument(duckdb::ErrorData(e).RawMessage());
}

void ThrowStatus(QueryState& state, const Status& status) {
  state.RecordBindError(status);
  // Not an InternalException: DuckDB treats those as fatal and invalidates the database.
  throw duckdb::PermissionException(status.message());
}

}  // namespace kalam::core
