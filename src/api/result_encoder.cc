#include "kalam/api/result_encoder.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/common/types/date.hpp"
#include "duckdb/common/types/datetime.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/types/uuid.hpp"
#include "duckdb/common/types/vector.hpp"
#include "kalam/commons/status.h"
#include "kalam/core/limit_errors.h"

namespace kalam::api {

// ---- Cell encoders -------------------------------------------------------------------------

// One column of the chunk being written: its vector in unified form, plus what its encoder
// needs beyond the data.
struct RowEncoder::Column {
  using Encoder = void (*)(const Column& column, duckdb::idx_t index, duckdb::idx_t row, std::string* out);

  Encoder encode = nullptr;
  uint8_t decimal_scale = 0;
  duckdb::UnifiedVectorFormat format;
  const duckdb::Vector* vector = nullptr;  // the chunk's vector, for the generic fallback
};

namespace {

using Column = RowEncoder::Column;
using duckdb::idx_t;
using uint128 = unsigned __int128;
using int128 = __int128;

template <typename T>
inline const T& Cell(const Column& column, idx_t index) {
  return duckdb::UnifiedVectorFormat::GetData<T>(column.format)[index];
}

// Decimal digits of `value`, written backwards ending at `end`; returns the first digit.
inline char* WriteUint128Backwards(uint128 value, char* end) {
  constexpr uint64_t kChunk = 10000000000000000000ULL;  // 10^19, the largest power of 10 in uint64
  char* p = end;
  while (value > std::numeric_limits<uint64_t>::max()) {
    uint64_t low = static_cast<uint64_t>(value % kChunk);
    value /= kChunk;
    for (int i = 0; i < 19; ++i) {
      *--p = static_cast<char>('0' + low % 10);
      low /= 10;
    }
  }
  uint64_t rest = static_cast<uint64_t>(value);
  do {
    *--p = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  return p;
}

inline int128 ToInt128(duckdb::hugeint_t value) {
  return static_cast<int128>((static_cast<uint128>(static_cast<uint64_t>(value.upper)) << 64) | value.lower);
}

inline uint128 Magnitude(int128 value) {
  return value < 0 ? uint128(0) - static_cast<uint128>(value) : static_cast<uint128>(value);
}

// `value` as a quoted decimal integer ("123", "-170141183460469231731687303715884105728").
inline void AppendQuoted128(bool negative, uint128 magnitude, std::string* out) {
  char buf[48];
  char* end = buf + sizeof(buf);
  *--end = '"';
  char* p = WriteUint128Backwards(magnitude, end);
  if (negative) *--p = '-';
  *--p = '"';
  out->append(p, buf + sizeof(buf));
}

// An unscaled decimal as a quoted string with `scale` fractional digits: "200.75", "-0.05", "7".
inline void AppendQuotedDecimal(int128 unscaled, uint8_t scale, std::string* out) {
  char digits[48];
  char* end = digits + sizeof(digits);
  char* first = WriteUint128Backwards(Magnitude(unscaled), end);
  const size_t length = end - first;
  char buf[3 + 256 + 48];  // quotes, sign, "0.", up to 255 zeros of scale, 39 digits
  char* p = buf;
  *p++ = '"';
  if (unscaled < 0) *p++ = '-';
  if (scale == 0) {
    p = std::copy(first, end, p);
  } else if (length <= scale) {
    *p++ = '0';
    *p++ = '.';
    for (size_t i = length; i < scale; ++i) *p++ = '0';
    p = std::copy(first, end, p);
  } else {
    p = std::copy(first, end - scale, p);
    *p++ = '.';
    p = std::copy(end - scale, end, p);
  }
  *p++ = '"';
  out->append(buf, p);
}

void EncodeBool(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonBool(Cell<bool>(column, index), out);
}

// Integers that fit 32-bit signed: JSON numbers.
template <typename T>
void EncodeNumber(const Column& column, idx_t index, idx_t, std::string* out) {
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), Cell<T>(column, index));
  out->append(buf, end);
}

// Wider integers: strings, so that JavaScript clients keep every digit.
template <typename T>
void EncodeQuoted(const Column& column, idx_t index, idx_t, std::string* out) {
  if constexpr (std::is_signed_v<T>) {
    AppendJsonQuotedInt(Cell<T>(column, index), out);
  } else {
    AppendJsonQuotedUint(Cell<T>(column, index), out);
  }
}

void EncodeHugeint(const Column& column, idx_t index, idx_t, std::string* out) {
  const int128 value = ToInt128(Cell<duckdb::hugeint_t>(column, index));
  AppendQuoted128(value < 0, Magnitude(value), out);
}

void EncodeUhugeint(const Column& column, idx_t index, idx_t, std::string* out) {
  const auto& value = Cell<duckdb::uhugeint_t>(column, index);
  AppendQuoted128(false, (static_cast<uint128>(value.upper) << 64) | value.lower, out);
}

void EncodeFloat(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonFloat(Cell<float>(column, index), out);
}

void EncodeDouble(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonDouble(Cell<double>(column, index), out);
}

template <typename T>
void EncodeDecimal(const Column& column, idx_t index, idx_t, std::string* out) {
  if constexpr (std::is_same_v<T, duckdb::hugeint_t>) {
    AppendQuotedDecimal(ToInt128(Cell<T>(column, index)), column.decimal_scale, out);
  } else {
    AppendQuotedDecimal(Cell<T>(column, index), column.decimal_scale, out);
  }
}

void EncodeString(const Column& column, idx_t index, idx_t, std::string* out) {
  const auto& value = Cell<duckdb::string_t>(column, index);
  AppendJsonString(std::string_view(value.GetData(), value.GetSize()), out);
}

void EncodeBlob(const Column& column, idx_t index, idx_t, std::string* out) {
  const auto& value = Cell<duckdb::string_t>(column, index);
  const auto* bytes = reinterpret_cast<const unsigned char*>(value.GetData());
  const size_t size = value.GetSize();
  out->reserve(out->size() + 2 + size * 4);
  out->push_back('[');
  for (size_t i = 0; i < size; ++i) {
    if (i) out->push_back(',');
    const unsigned char b = bytes[i];
    if (b >= 100) out->push_back(static_cast<char>('0' + b / 100));
    if (b >= 10) out->push_back(static_cast<char>('0' + b / 10 % 10));
    out->push_back(static_cast<char>('0' + b % 10));
  }
  out->push_back(']');
}

// TIMESTAMP and TIMESTAMP WITH TIME ZONE hold µs since the epoch (UTC) already.
void EncodeMicros(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonInt(Cell<int64_t>(column, index), out);
}

// TIMESTAMP_S / TIMESTAMP_MS: scaled up to µs; ±infinity (and anything that would overflow)
// saturates to the µs infinities.
template <int64_t kMicrosPerUnit>
void EncodeScaledTimestamp(const Column& column, idx_t index, idx_t, std::string* out) {
  const int64_t value = Cell<int64_t>(column, index);
  int64_t micros;
  if (__builtin_mul_overflow(value, kMicrosPerUnit, &micros) || value == duckdb::timestamp_t::infinity().value ||
      value == duckdb::timestamp_t::ninfinity().value) {
    micros = value < 0 ? duckdb::timestamp_t::ninfinity().value : duckdb::timestamp_t::infinity().value;
  }
  AppendJsonInt(micros, out);
}

// TIMESTAMP_NS: floored to µs (so that a value before the epoch stays before it).
void EncodeNanosTimestamp(const Column& column, idx_t index, idx_t, std::string* out) {
  const int64_t value = Cell<int64_t>(column, index);
  int64_t micros = value / 1000;
  if (value % 1000 < 0) --micros;
  if (value == duckdb::timestamp_t::infinity().value || value == duckdb::timestamp_t::ninfinity().value) {
    micros = value;
  }
  AppendJsonInt(micros, out);
}

void EncodeDate(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonInt(Cell<duckdb::date_t>(column, index).days, out);
}

void EncodeTime(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonInt(Cell<duckdb::dtime_t>(column, index).micros, out);
}

// TIME WITH TIME ZONE: the local time of day, offset dropped (the schema says `Time`).
void EncodeTimeTz(const Column& column, idx_t index, idx_t, std::string* out) {
  AppendJsonInt(Cell<duckdb::dtime_tz_t>(column, index).time().micros, out);
}

void EncodeUuid(const Column& column, idx_t index, idx_t, std::string* out) {
  char buf[duckdb::BaseUUID::STRING_SIZE + 2];
  buf[0] = '"';
  duckdb::BaseUUID::ToString(Cell<duckdb::hugeint_t>(column, index), buf + 1);
  buf[sizeof(buf) - 1] = '"';
  out->append(buf, sizeof(buf));
}

void EncodeMasked(const Column&, idx_t, idx_t, std::string* out) { out->append("\"***\""); }

// Intervals, lists, structs, maps, enums and anything else: DuckDB's canonical text. Rare in
// results, so a Value per cell is acceptable here.
void EncodeAsText(const Column& column, idx_t, idx_t row, std::string* out) {
  AppendJsonString(column.vector->GetValue(row).ToString(), out);
}

bool IsMaskedName(std::string_view name) {
  auto equals = [&](std::string_view target) {
    if (name.size() != target.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != target[i]) return false;
    }
    return true;
  };
  return equals("password_hash") || equals("credentials");
}

// The encoder for a DuckDB type; mirrors tables::FromLogicalType, which gives the schema tag,
// so each value has the JSON form its `data_type` promises.
Column::Encoder SelectEncoder(const duckdb::LogicalType& type) {
  using duckdb::LogicalTypeId;
  using duckdb::PhysicalType;
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN: return EncodeBool;
    case LogicalTypeId::TINYINT: return EncodeNumber<int8_t>;
    case LogicalTypeId::SMALLINT: return EncodeNumber<int16_t>;
    case LogicalTypeId::INTEGER: return EncodeNumber<int32_t>;
    case LogicalTypeId::UTINYINT: return EncodeNumber<uint8_t>;
    case LogicalTypeId::USMALLINT: return EncodeNumber<uint16_t>;
    case LogicalTypeId::BIGINT: return EncodeQuoted<int64_t>;
    case LogicalTypeId::UINTEGER: return EncodeQuoted<uint32_t>;
    case LogicalTypeId::UBIGINT: return EncodeQuoted<uint64_t>;
    case LogicalTypeId::HUGEINT: return EncodeHugeint;
    case LogicalTypeId::UHUGEINT: return EncodeUhugeint;
    case LogicalTypeId::FLOAT: return EncodeFloat;
    case LogicalTypeId::DOUBLE: return EncodeDouble;
    case LogicalTypeId::DECIMAL:
      switch (type.InternalType()) {
        case PhysicalType::INT16: return EncodeDecimal<int16_t>;
        case PhysicalType::INT32: return EncodeDecimal<int32_t>;
        case PhysicalType::INT64: return EncodeDecimal<int64_t>;
        case PhysicalType::INT128: return EncodeDecimal<duckdb::hugeint_t>;
        default: return EncodeAsText;
      }
    case LogicalTypeId::VARCHAR: return EncodeString;  // JSON is VARCHAR with an alias
    case LogicalTypeId::BLOB: return EncodeBlob;
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_TZ: return EncodeMicros;
    case LogicalTypeId::TIMESTAMP_SEC: return EncodeScaledTimestamp<1000000>;
    case LogicalTypeId::TIMESTAMP_MS: return EncodeScaledTimestamp<1000>;
    case LogicalTypeId::TIMESTAMP_NS: return EncodeNanosTimestamp;
    case LogicalTypeId::DATE: return EncodeDate;
    case LogicalTypeId::TIME: return EncodeTime;
    case LogicalTypeId::TIME_TZ: return EncodeTimeTz;
    case LogicalTypeId::UUID: return EncodeUuid;
    default: return EncodeAsText;
  }
}

}  // namespace

// ---- RowEncoder ------------------------------------------------------------------------------

RowEncoder::RowEncoder(const std::vector<duckdb::LogicalType>& types, const std::vector<std::string>& names)
    : columns_(types.size()) {
  for (size_t i = 0; i < types.size(); ++i) {
    Column& column = columns_[i];
    if (i < names.size() && IsMaskedName(names[i])) {
      column.encode = EncodeMasked;
      continue;
    }
    column.encode = SelectEncoder(types[i]);
    if (types[i].id() == duckdb::LogicalTypeId::DECIMAL) column.decimal_scale = duckdb::DecimalType::GetScale(types[i]);
  }
}

RowEncoder::~RowEncoder() = default;

void RowEncoder::AppendRows(duckdb::DataChunk& chunk, JsonWriter& writer) {
  const idx_t count = chunk.size();
  const size_t width = std::min<size_t>(columns_.size(), chunk.ColumnCount());
  for (size_t c = 0; c < width; ++c) {
    chunk.data[c].ToUnifiedFormat(count, columns_[c].format);
    columns_[c].vector = &chunk.data[c];
  }
  std::string* out = writer.out();
  out->reserve(out->size() + count * (2 + width * 8));
  for (idx_t row = 0; row < count; ++row) {
    writer.BeginRawValue();
    out->push_back('[');
    for (size_t c = 0; c < width; ++c) {
      if (c) out->push_back(',');
      const Column& column = columns_[c];
      const idx_t index = column.format.sel->get_index(row);
      if (!column.format.validity.RowIsValid(index)) {
        out->append("null");
      } else {
        column.encode(column, index, row, out);
      }
    }
    out->push_back(']');
  }
  for (size_t c = 0; c < width; ++c) columns_[c].vector = nullptr;
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
      // not see; a missing namespace is public knowledge (§3.4).
      const bool keep = caller_is_admin || (outcome.error.code() == StatusCode::kNotFound &&
                                            message.find("Namespace '") != std::string::npos);
      error = MakeApiError(ApiErrorCode::kSqlExecutionError, keep ? message : prefix + "SQL statement failed");
      break;
    }
  }
  if (caller_is_admin) error.details = outcome.failed_sql;
  return error;
}

}  // namespace kalam::api
