#pragma once

#include <cstdint>
#include <string_view>

#include "kalam/commons/status.h"

namespace kalam::core {

// The failures of the resource limits under `[limits]` (docs/configuration.md). Each message
// names the limit and its config key, so whoever reads it knows which setting was hit. All
// are kInvalidOperation: the statement was well formed but asked for more than the server
// grants (400 SQL_EXECUTION_ERROR, shown in full to every caller).

// The row results of one request encode to more than limits.max_answer_bytes.
Status AnswerTooLarge(uint64_t max_bytes);
// One INSERT, UPDATE or DELETE would write more than limits.max_write_rows rows.
Status TooManyRowsWritten(uint64_t max_rows);
// The rows of one user data export (EXPORT USER DATA, POST /v1/api/export) exceed
// limits.max_export_bytes.
Status ExportTooLarge(uint64_t max_bytes);
// A statement ran past limits.statement_timeout_secs.
Status StatementTimedOut(uint64_t timeout_ms);
// DuckDB could not stay within limits.query_memory_limit_mb; `detail` is its own message.
Status QueryOutOfMemory(uint64_t limit_bytes, std::string_view detail);

}  // namespace kalam::core
