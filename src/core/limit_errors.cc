#include "kalam/core/limit_errors.h"

#include <string>

namespace kalam::core {

Status AnswerTooLarge(uint64_t max_bytes) {
  return Status::InvalidOperation("Answer too large: the results of this request exceed limits.max_answer_bytes (" +
                                  std::to_string(max_bytes) +
                                  " bytes); select fewer rows or columns, or page with LIMIT and OFFSET");
}

Status TooManyRowsWritten(uint64_t max_rows) {
  return Status::InvalidOperation("Too many rows written: the statement would write more than limits.max_write_rows (" +
                                  std::to_string(max_rows) + ") rows; nothing was written");
}

Status ExportTooLarge(uint64_t max_bytes) {
  return Status::InvalidOperation("Export too large: the user's rows exceed limits.max_export_bytes (" +
                                  std::to_string(max_bytes) + " bytes); nothing was exported");
}

Status StatementTimedOut(uint64_t timeout_ms) {
  const std::string limit =
      timeout_ms % 1000 == 0 ? std::to_string(timeout_ms / 1000) + " s" : std::to_string(timeout_ms) + " ms";
  return Status::InvalidOperation("Statement timed out: it ran past limits.statement_timeout_secs (" + limit +
                                  "); nothing it would have written was written");
}

Status QueryOutOfMemory(uint64_t limit_bytes, std::string_view detail) {
  return Status::InvalidOperation("Out of memory: the statement needs more than limits.query_memory_limit_mb (" +
                                  std::to_string(limit_bytes >> 20) + " MiB) allows: " + std::string(detail));
}

}  // namespace kalam::core
