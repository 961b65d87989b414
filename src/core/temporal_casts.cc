#include "temporal_casts.h"

#include "duckdb/common/exception/conversion_exception.hpp"
#include "duckdb/common/types/timestamp.hpp"
#include "duckdb/common/vector_operations/unary_executor.hpp"
#include "duckdb/function/cast/cast_function_set.hpp"

namespace kalam::core {
namespace {

using duckdb::CastParameters;
using duckdb::idx_t;
using duckdb::UnaryExecutor;
using duckdb::Vector;

constexpr int64_t kMicrosPerDay = 86'400'000'000;

template <typename SRC>
bool ToTimestamp(Vector& source, Vector& result, idx_t count, CastParameters&) {
  UnaryExecutor::Execute<SRC, duckdb::timestamp_t>(source, result, count,
                                                   [](SRC v) { return duckdb::timestamp_t(static_cast<int64_t>(v)); });
  return true;
}

template <typename SRC>
bool ToTimestampTz(Vector& source, Vector& result, idx_t count, CastParameters&) {
  UnaryExecutor::Execute<SRC, duckdb::timestamp_tz_t>(
      source, result, count, [](SRC v) { return duckdb::timestamp_tz_t(static_cast<int64_t>(v)); });
  return true;
}

template <typename SRC>
bool ToDate(Vector& source, Vector& result, idx_t count, CastParameters&) {
  UnaryExecutor::Execute<SRC, duckdb::date_t>(source, result, count, [](SRC v) {
    const int64_t days = static_cast<int64_t>(v);
    if (days <= INT32_MIN + 1 || days >= INT32_MAX - 1) {
      throw duckdb::ConversionException("Integer " + std::to_string(days) + " is out of range for DATE (days)");
    }
    return duckdb::date_t(static_cast<int32_t>(days));
  });
  return true;
}

template <typename SRC>
bool ToTime(Vector& source, Vector& result, idx_t count, CastParameters&) {
  UnaryExecutor::Execute<SRC, duckdb::dtime_t>(source, result, count, [](SRC v) {
    const int64_t micros = static_cast<int64_t>(v);
    if (micros < 0 || micros > kMicrosPerDay) {
      throw duckdb::ConversionException("Integer " + std::to_string(micros) + " is out of range for TIME (µs)");
    }
    return duckdb::dtime_t(micros);
  });
  return true;
}

// Text to TIMESTAMP honouring a UTC offset ("2025-10-28T12:00:00+02:00" is 10:00 UTC).
bool TextToTimestamp(Vector& source, Vector& result, idx_t count, CastParameters&) {
  UnaryExecutor::Execute<duckdb::string_t, duckdb::timestamp_t>(source, result, count, [](duckdb::string_t text) {
    duckdb::timestamp_t ts;
    const auto outcome =
        duckdb::Timestamp::TryConvertTimestamp(text.GetData(), text.GetSize(), ts, /*use_offset=*/true);
    if (outcome != duckdb::TimestampCastResult::SUCCESS) {
      throw duckdb::ConversionException("invalid TIMESTAMP '" + text.GetString() + "'");
    }
    return ts;
  });
  return true;
}

}  // namespace

void RegisterTemporalCasts(duckdb::DuckDB& db) {
  using duckdb::LogicalType;
  auto& casts = duckdb::DBConfig::GetConfig(*db.instance).GetCastFunctions();
  // An implicit cost lets a comparison bind the integer side to the column's type.
  constexpr int64_t kImplicitCost = 200;
  casts.RegisterCastFunction(LogicalType::BIGINT, LogicalType::TIMESTAMP, ToTimestamp<int64_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::INTEGER, LogicalType::TIMESTAMP, ToTimestamp<int32_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::BIGINT, LogicalType::TIMESTAMP_TZ, ToTimestampTz<int64_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::INTEGER, LogicalType::TIMESTAMP_TZ, ToTimestampTz<int32_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::BIGINT, LogicalType::DATE, ToDate<int64_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::INTEGER, LogicalType::DATE, ToDate<int32_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::BIGINT, LogicalType::TIME, ToTime<int64_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::INTEGER, LogicalType::TIME, ToTime<int32_t>, kImplicitCost);
  casts.RegisterCastFunction(LogicalType::VARCHAR, LogicalType::TIMESTAMP, TextToTimestamp);
}

}  // namespace kalam::core
