#include "kalam/api/result_encoder.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "kalam/commons/status.h"
#include "kalam/core/limit_errors.h"
#include "kalam/tables/wire_value.h"

namespace kalam::api {

// ---- RowEncoder ------------------------------------------------------------------------------

RowEncoder::RowEncoder(const std::vector<duckdb::LogicalType>& types, const std::vector<std::string>& names) {
  columns_.reserve(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    columns_.emplace_back(types[i]);
    if (i < names.size() && tables::IsSecretColumn(names[i])) columns_.back().MaskValues();
  }
}

RowEncoder::~RowEncoder() = default;

void RowEncoder::AppendRows(duckdb::DataChunk& chunk, JsonWriter& writer) {
  using duckdb::idx_t;
  const idx_t count = chunk.size();
  const size_t width = std::min<size_t>(columns_.size(), chunk.ColumnCount());
  for (size_t c = 0; c < width; ++c) columns_[c].Bind(chunk.data[c], count);
  std::string* out = writer.out();
  out->reserve(out->size() + count * (2 + width * 8));
  for (idx_t row = 0; row < count; ++row) {
    writer.BeginRawValue();
    out->push_back('[');
    for (size_t c = 0; c < width; ++c) {
      if (c) out->push_back(',');
      columns_[c].Append(row, out);
    }
    out->push_back(']');
  }
  for (size_t c = 0; c < width; ++c) columns_[c].Unbind();
}

// ---- Statement results and bodies ------------------------------------------------------------

bool EncodeStatementResult(const core::StatementResult& result, JsonWriter& writer, size_t max_out_size) {
  writer.StartObject();
  if (result.has_rows) {
    writer.Key("schema").StartArray();
    for (size_t i = 0; i < result.columns.size(); ++i) {
      const core::ResultColumn& column = result.columns[i];
      writer.StartObject();
      writer.Key("name").String(column.name);
      writer.Key("data_type").Raw(column.type.WireTagJson());
      writer.Key("index").Uint(i);
      if (!column.flags.empty()) {
        writer.Key("flags").StartArray();
        for (const std::string& flag : column.flags) writer.String(flag);
        writer.EndArray();
      }
      writer.EndObject();
    }
    writer.EndArray();

    writer.Key("rows").StartArray();
    if (result.rows) {
      std::vector<std::string> names;
      names.reserve(result.columns.size());
      for (const core::ResultColumn& column : result.columns) names.push_back(column.name);
      RowEncoder encoder(result.rows->Types(), names);
      std::string* out = writer.out();
      const size_t start = out->size();
      const uint64_t total = result.rows->Count();
      uint64_t done = 0;
      for (duckdb::DataChunk& chunk : result.rows->Chunks()) {
        encoder.AppendRows(chunk, writer);
        if (out->size() > max_out_size) return false;
        if (done == 0 && chunk.size() < total) {
          // Size the rest from the first chunk: one allocation instead of a doubling series
          // (which, for a large result, copies the body several times). Never beyond the
          // answer limit: a result that will not fit is not given the memory.
          const double per_row = static_cast<double>(out->size() - start) / chunk.size();
          const double wanted = per_row * static_cast<double>(total - chunk.size()) * 1.125 + 256;
          out->reserve(out->size() + static_cast<size_t>(std::min(wanted, static_cast<double>(max_out_size - out->size()) + 256)));
        }
        done += chunk.size();
      }
    }
    writer.EndArray();
    writer.Key("row_count").Uint(result.row_count);
    writer.Key("as_user").String(result.as_user.str());
    if (result.truncated) writer.Key("truncated").Bool(true);
  } else {
    writer.Key("row_count").Uint(result.row_count);
    writer.Key("message").String(result.message);
    writer.Key("as_user").String(result.as_user.str());
  }
  writer.EndObject();
  return true;
}

std::optional<ApiError> EncodeSqlSuccess(const core::ExecutionOutcome& outcome, double took_ms, std::string* out,
                                         uint64_t max_bytes) {
  const size_t max_out_size = max_bytes >= SIZE_MAX - out->size() ? SIZE_MAX : out->size() + max_bytes;
  JsonWriter writer(out);
  writer.StartObject();
  writer.Key("status").String("success");
  writer.Key("took").Millis(took_ms);
  writer.Key("results").StartArray();
  for (size_t i = 0; i < outcome.results.size(); ++i) {
    if (!EncodeStatementResult(outcome.results[i], writer, max_out_size)) {
      // The engine's own check counts collected bytes, a lower bound of the encoded size; this
      // one is exact. Same error either way.
      core::ExecutionOutcome failed;
      failed.error_kind = core::RequestErrorKind::kStatement;
      failed.failed_statement = i + 1;
      const Status limit = core::AnswerTooLarge(max_bytes);
      failed.error = Status(limit.code(), "Statement " + std::to_string(i + 1) + " failed: " + limit.message());
      return ErrorFromOutcome(failed, /*caller_is_admin=*/false);
    }
  }
  writer.EndArray();
  writer.EndObject();
  return std::nullopt;
}

void EncodeSqlError(const ApiError& error, double took_ms, std::string* out) {
  JsonWriter writer(out);
  writer.StartObject();
  writer.Key("status").String("error");
  writer.Key("results").StartArray().EndArray();
  writer.Key("took").Millis(took_ms);
  writer.Key("error").StartObject();
  writer.Key("code").String(ApiErrorCodeName(error.code));
  writer.Key("message").String(error.message);
  if (error.details) writer.Key("details").String(*error.details);
  writer.EndObject();
  writer.EndObject();
}

ApiError ErrorFromOutcome(const core::ExecutionOutcome& outcome, bool caller_is_admin) {
  const std::string& message = outcome.error.message();
  switch (outcome.error_kind) {
    case core::RequestErrorKind::kEmptySql: return MakeApiError(ApiErrorCode::kEmptySql, message);
    case core::RequestErrorKind::kBatchParse: return MakeApiError(ApiErrorCode::kBatchParseError, message);
    case core::RequestErrorKind::kParamsWithBatch: return MakeApiError(ApiErrorCode::kParamsWithBatch, message);
    case core::RequestErrorKind::kInvalidParameter: return MakeApiError(ApiErrorCode::kInvalidParameter, message);
    case core::RequestErrorKind::kNone: return MakeApiError(ApiErrorCode::kInternalError, "SQL request failed");
    case core::RequestErrorKind::kStatement: break;
  }

  const std::string prefix = "Statement " + std::to_string(outcome.failed_statement) + " failed: ";
  ApiError error;
  switch (outcome.error.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      error = MakeApiError(ApiErrorCode::kInvalidSql, message);
      break;
    case StatusCode::kPermissionDenied:
      error = MakeApiError(ApiErrorCode::kPermissionDenied, message);
      break;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConstraintViolation:
    case StatusCode::kInvalidOperation:
      error = MakeApiError(ApiErrorCode::kSqlExecutionError, message);
      break;
    case StatusCode::kUnavailable:
      // A full disk or a failed fsync: nothing was applied and a retry may succeed. The
      // message names the cause and no path, so every caller may read it.
      error = MakeApiError(ApiErrorCode::kStorageUnavailable, message);
      break;
    case StatusCode::kIoError:
    case StatusCode::kCorruption:
    case StatusCode::kInternal:
      error = MakeApiError(ApiErrorCode::kInternalError, caller_is_admin ? message : prefix + "SQL request failed");
      break;
    case StatusCode::kNotFound:
    default: {
      // "Table not found" and other execution errors could tell a user about objects it may
      // not see; a status marked disclosable (a missing namespace) names nothing secret.
      const bool keep = caller_is_admin || outcome.error.disclosable();
      error = MakeApiError(ApiErrorCode::kSqlExecutionError, keep ? message : prefix + "SQL statement failed");
      break;
    }
  }
  if (caller_is_admin) error.details = outcome.failed_sql;
  return error;
}

}  // namespace kalam::api
