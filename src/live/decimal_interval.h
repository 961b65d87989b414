#pragma once

#include <array>
#include <cstdint>

#include "duckdb/common/types/interval.hpp"
#include "filter_program.h"

// Decimal (int128 scaled by a power of ten) and interval arithmetic of live filters, with
// DuckDB's rounding, ordering and overflow rules, so that the live path and the SQL path agree.
// Overflow is reported (false or NULL), never undefined.

namespace kalam::live::internal {

inline constexpr int64_t kMicrosPerDay = duckdb::Interval::MICROS_PER_DAY;
inline constexpr int kMaxDecimalDigits = 38;

constexpr std::array<Int128, 39> MakePowersOfTen() {
  std::array<Int128, 39> powers{};
  powers[0] = 1;
  for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
  return powers;
}
inline constexpr std::array<Int128, 39> kPow10 = MakePowersOfTen();
// Literals, so every entry is the correctly rounded double.
inline constexpr double kPow10Double[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12,
                                          1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25,
                                          1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38};

inline Int128 FromHugeint(duckdb::hugeint_t h) {
  return static_cast<Int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}
inline duckdb::hugeint_t ToHugeint(Int128 v) {
  duckdb::hugeint_t h;
  h.lower = static_cast<uint64_t>(v);
  h.upper = static_cast<int64_t>(v >> 64);
  return h;
}

inline bool FitsDecimal(Int128 v) { return v < kPow10[kMaxDecimalDigits] && v > -kPow10[kMaxDecimalDigits]; }
inline bool FitsPrecision(Int128 v, int64_t precision) { return v < kPow10[precision] && v > -kPow10[precision]; }

inline double DecimalToDouble(Int128 v, uint8_t scale) { return static_cast<double>(v) / kPow10Double[scale]; }

// v / 10^digits rounded half away from zero, as DuckDB rounds decimals.
inline Int128 DivideRounded(Int128 v, int digits) {
  const Int128 divisor = kPow10[digits];
  Int128 q = v / divisor;
  const Int128 r = v % divisor;
  if (r * 2 >= divisor) ++q;
  if (r * 2 <= -divisor) --q;
  return q;
}

inline bool IntFitsBits(Int128 v, int64_t bits) {
  switch (bits) {
    case 8: return v >= INT8_MIN && v <= INT8_MAX;
    case 16: return v >= INT16_MIN && v <= INT16_MAX;
    case 32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return v >= INT64_MIN && v <= INT64_MAX;
  }
}

// DuckDB's double order: NaN equals NaN and sorts above every other value.
inline int CompareDoubles(double a, double b) {
  const bool a_nan = std::isnan(a);
  const bool b_nan = std::isnan(b);
  if (a_nan || b_nan) return a_nan == b_nan ? 0 : (a_nan ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// DuckDB's interval order: normalized to (months, days, micros) with 30-day months and
// 24-hour days, then compared field by field.
inline void NormalizeInterval(IntervalValue v, int64_t& months, int64_t& days, int64_t& micros) {
  int64_t in_days = v.days;
  int64_t in_micros = v.micros;
  const int64_t extra_months_days = in_days / duckdb::Interval::DAYS_PER_MONTH;
  const int64_t extra_months_micros = in_micros / duckdb::Interval::MICROS_PER_MONTH;
  in_days -= extra_months_days * duckdb::Interval::DAYS_PER_MONTH;
  in_micros -= extra_months_micros * duckdb::Interval::MICROS_PER_MONTH;
  const int64_t extra_days_micros = in_micros / kMicrosPerDay;
  in_micros -= extra_days_micros * kMicrosPerDay;
  months = int64_t{v.months} + extra_months_days + extra_months_micros;
  days = in_days + extra_days_micros;
  micros = in_micros;
}

template <typename T>
inline int Sign(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

inline int CompareIntervals(IntervalValue a, IntervalValue b) {
  int64_t am, ad, au, bm, bd, bu;
  NormalizeInterval(a, am, ad, au);
  NormalizeInterval(b, bm, bd, bu);
  if (am != bm) return Sign(am, bm);
  if (ad != bd) return Sign(ad, bd);
  return Sign(au, bu);
}

inline bool AddMicros(int64_t ts, int64_t days, int64_t micros, int64_t& out) {
  int64_t day_micros;
  return !__builtin_mul_overflow(days, kMicrosPerDay, &day_micros) && !__builtin_add_overflow(ts, day_micros, &out) &&
         !__builtin_add_overflow(out, micros, &out);
}

// `ts` plus `iv`; NULL when out of range. Months clamp to the end of the month, as in DuckDB.
Datum AddInterval(int64_t ts, IntervalValue iv);

inline bool NegateInterval(IntervalValue iv, IntervalValue& out) {
  if (iv.months == INT32_MIN || iv.days == INT32_MIN || iv.micros == INT64_MIN) return false;
  out = {-iv.months, -iv.days, -iv.micros};
  return true;
}

}  // namespace kalam::live::internal
