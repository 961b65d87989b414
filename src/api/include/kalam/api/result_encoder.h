#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "duckdb/common/types.hpp"
#include "duckdb/common/types/data_chunk.hpp"
#include "kalam/api/api_error.h"
#include "kalam/commons/json_writer.h"
#include "kalam/core/engine.h"
#include "kalam/core/statement_result.h"
#include "kalam/tables/wire_value.h"

namespace kalam::api {

// ---- SQL endpoint bodies (docs/http-api.md). Every function appends to `*out`.

// {"status":"success","took":<ms, 3 decimals>,"results":[...]}: one object per statement result,
// rows encoded per docs/value-encoding.md. `outcome` must be ok(). limits.max_answer_bytes: once the
// body passes `max_bytes`, encoding stops (at most one chunk of rows later) and the error to
// answer instead is returned, naming the statement whose rows crossed the limit; `*out` then
// holds a partial body for the caller to discard.
std::optional<ApiError> EncodeSqlSuccess(const core::ExecutionOutcome& outcome, double took_ms, std::string* out,
                                         uint64_t max_bytes = UINT64_MAX);

// {"status":"error","results":[],"took":<ms>,"error":{"code":..,"message":..[,"details":..]}}.
void EncodeSqlError(const ApiError& error, double took_ms, std::string* out);

// The client-facing error for a failed outcome (docs/http-api.md): HTTP status and code
// from the error kind and, for a failed statement, from its Status code; messages that may leak
// another user's objects are redacted for non-admins; `details` (the failing statement) is set
// for admins only. `outcome` must not be ok().
ApiError ErrorFromOutcome(const core::ExecutionOutcome& outcome, bool caller_is_admin);

// One statement's result object: {"schema":[..],"rows":[..],"row_count":N,"as_user":..
// [,"truncated":true]} for row results, {"row_count":N,"message":..,"as_user":..} otherwise.
// Returns false, leaving the object unfinished, when the writer's output grows past
// `max_out_size` bytes while rows are written.
bool EncodeStatementResult(const core::StatementResult& result, JsonWriter& writer,
                           size_t max_out_size = SIZE_MAX);

// Turns DuckDB vectors into JSON row arrays in the value encoding of tables/wire_value.h (the
// one live-query rows use too). Chooses one encoder per column when built (from the column's
// DuckDB type and, for masking, its name), then writes each chunk column-wise through the
// vectors' unified format: no per-cell Value on the common types.
// Secret columns (tables::IsSecretColumn) show "***" when not null, as in live rows. Reusable
// across chunks of the same shape; not thread-safe while AppendRows runs (it keeps per-column
// scratch state).
class RowEncoder {
 public:
  // `names` may be shorter than `types`; missing names are never masked.
  RowEncoder(const std::vector<duckdb::LogicalType>& types, const std::vector<std::string>& names);
  ~RowEncoder();
  RowEncoder(const RowEncoder&) = delete;
  RowEncoder& operator=(const RowEncoder&) = delete;

  // Writes each row of `chunk` as one array element of the array `writer` is inside.
  void AppendRows(duckdb::DataChunk& chunk, JsonWriter& writer);

 private:
  std::vector<tables::WireColumnEncoder> columns_;  // per column, with its scratch state
};

}  // namespace kalam::api
