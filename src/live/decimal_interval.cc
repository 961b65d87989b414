#include "decimal_interval.h"

namespace kalam::live::internal {

Datum AddInterval(int64_t ts, IntervalValue iv) {
  int64_t out;
  if (iv.months == 0) return AddMicros(ts, iv.days, iv.micros, out) ? Int(out) : Null();
  try {
    // Month arithmetic clamps to the end of the month; DuckDB's own routine keeps the SQL
    // path and the live path identical.
    return Int(duckdb::Interval::Add(duckdb::timestamp_t(ts), duckdb::interval_t{iv.months, iv.days, iv.micros}).value);
  } catch (...) {
    return Null();  // out of range
  }
}

}  // namespace kalam::live::internal
