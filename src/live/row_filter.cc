#include "kalam/live/row_filter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duckdb/common/types/interval.hpp"
#include "duckdb/common/types/value.hpp"
#include "duckdb/parser/expression/list.hpp"
#include "duckdb/parser/parsed_expression.hpp"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "like_matcher.h"

namespace kalam::live {
namespace internal {
namespace {

// Invariants of a compiled program:
//  - every node's children have smaller indices than the node (children are compiled first);
//  - the operands of kCompare, kDistinct, kIn and kBetween all have the node's `operand` type,
//    and the operands of kArith have the types its kernel expects: the compiler inserts kCast
//    nodes, so evaluation never converts implicitly;
//  - a kConst of type kText or kBlob keeps its bytes in `strings[k]`, never in `value.s`, so
//    the program can be moved without invalidating views.

// Value domains of the evaluator. FLOAT columns are read as DOUBLE; TIMESTAMP and DATETIME
// (TIMESTAMPTZ) are both µs since the epoch; JSON is text.
enum class Type : uint8_t {
  kNull,  // the untyped NULL literal
  kBool,
  kInt,      // int64
  kDouble,   // double
  kDecimal,  // int128 scaled by 10^scale, at most 38 digits
  kText,
  kBlob,
  kTimestamp,  // int64 µs since 1970-01-01 UTC
  kDate,       // int64 days since 1970-01-01
  kTime,       // int64 µs since midnight
  kInterval,
  kUuid,  // int128 in DuckDB's order-preserving layout
};

struct TypeInfo {
  Type type = Type::kNull;
  uint8_t scale = 0;  // kDecimal only

  bool operator==(const TypeInfo&) const = default;
};

using Int128 = __int128;

struct IntervalValue {
  int32_t months;
  int32_t days;
  int64_t micros;
};

// One evaluated value; which member is set follows from the node's static type.
struct Datum {
  bool null = true;
  union {
    int64_t i = 0;  // kInt, kTimestamp, kDate, kTime
    bool b;
    double d;
    Int128 h;  // kDecimal, kUuid
    IntervalValue iv;
  };
  std::string_view s;  // kText, kBlob
};

enum class Op : uint8_t {
  kConst,
  kColumn,  // k = column index, sub = Reader, physical = expected physical type
  kSeq,
  kNow,
  kAnd,  // args
  kOr,   // args
  kNot,
  kIsNull,
  kIsNotNull,
  kCompare,   // sub = Cmp
  kDistinct,  // IS DISTINCT FROM; negate = IS NOT DISTINCT FROM
  kIn,        // a IN args; negate = NOT IN
  kBetween,   // a BETWEEN b AND c
  kLike,      // a LIKE b [ESCAPE c]; sub = 1 for ILIKE; negate = NOT LIKE
  kArith,     // sub = Kernel
  kNegate,
  kCast,        // operand = source type; k = integer bits, 32 for FLOAT, or decimal precision
  kToInterval,  // sub = IntervalUnit, k = multiplier
  kTrunc,
};

enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

enum class Kernel : uint8_t {
  kIntAdd,
  kIntSub,
  kIntMul,
  kIntDiv,
  kIntMod,
  kDoubleAdd,
  kDoubleSub,
  kDoubleMul,
  kDoubleDiv,
  kDoubleIntDiv,
  kDoubleMod,
  kDecAdd,
  kDecSub,
  kDecMul,
  kDecMod,
  kTsAddIv,
  kTsSubIv,
  kTsSubTs,
  kDateAddInt,
  kDateSubInt,
  kDateSubDate,
  kIvAdd,
  kIvSub,
};

enum class Reader : uint8_t {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDec16,
  kDec32,
  kDec64,
  kDec128,
  kString,
  kTimestamp,
  kTimestampTz,
  kDate,
  kTime,
  kUuid,
};

enum class IntervalUnit : uint8_t { kMicros, kDays, kMonths };

constexpr uint32_t kNoNode = UINT32_MAX;

struct Node {
  Op op = Op::kConst;
  uint8_t sub = 0;
  bool negate = false;
  duckdb::PhysicalType physical = duckdb::PhysicalType::INVALID;
  TypeInfo type;     // result type
  TypeInfo operand;  // see Op
  uint32_t a = kNoNode;
  uint32_t b = kNoNode;
  uint32_t c = kNoNode;
  uint32_t first = 0;  // kAnd, kOr, kIn: args[first, first + count)
  uint32_t count = 0;
  int64_t k = 0;
  Datum value;  // kConst
};

struct EvalContext {
  const std::vector<duckdb::Value>& row;
  int64_t seq;
  int64_t now;
};

}  // namespace

// The compiled filter: immutable once Compile() returns, shared by copies of the RowFilter.
struct FilterProgram {
  std::vector<Node> nodes;
  std::vector<uint32_t> args;
  std::vector<std::string> strings;
  uint32_t root = 0;
  bool uses_now = false;

  Datum Eval(uint32_t index, const EvalContext& ctx) const;
};

namespace {

constexpr int64_t kMicrosPerDay = duckdb::Interval::MICROS_PER_DAY;
constexpr int kMaxDecimalDigits = 38;

constexpr std::array<Int128, 39> MakePowersOfTen() {
  std::array<Int128, 39> powers{};
  powers[0] = 1;
  for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
  return powers;
}
constexpr std::array<Int128, 39> kPow10 = MakePowersOfTen();
// Literals, so every entry is the correctly rounded double.
constexpr double kPow10Double[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12,
                                   1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25,
                                   1e26, 1e27, 1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38};

Datum Null() { return Datum{}; }
// A non-null datum with one member set (the union's other members stay unset).
template <typename T>
Datum Make(T Datum::*member, T v) {
  Datum d;
  d.null = false;
  d.*member = v;
  return d;
}
Datum Bool(bool v) { return Make(&Datum::b, v); }
Datum Int(int64_t v) { return Make(&Datum::i, v); }
Datum Double(double v) { return Make(&Datum::d, v); }
Datum Wide(Int128 v) { return Make(&Datum::h, v); }
Datum Interval(IntervalValue v) { return Make(&Datum::iv, v); }
Datum Text(std::string_view v) { return Make(&Datum::s, v); }

Int128 FromHugeint(duckdb::hugeint_t h) {
  return static_cast<Int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}
duckdb::hugeint_t ToHugeint(Int128 v) {
  duckdb::hugeint_t h;
  h.lower = static_cast<uint64_t>(v);
  h.upper = static_cast<int64_t>(v >> 64);
  return h;
}

bool FitsDecimal(Int128 v) { return v < kPow10[kMaxDecimalDigits] && v > -kPow10[kMaxDecimalDigits]; }
bool FitsPrecision(Int128 v, int64_t precision) { return v < kPow10[precision] && v > -kPow10[precision]; }

double DecimalToDouble(Int128 v, uint8_t scale) { return static_cast<double>(v) / kPow10Double[scale]; }

// v / 10^digits rounded half away from zero, as DuckDB rounds decimals.
Int128 DivideRounded(Int128 v, int digits) {
  const Int128 divisor = kPow10[digits];
  Int128 q = v / divisor;
  const Int128 r = v % divisor;
  if (r * 2 >= divisor) ++q;
  if (r * 2 <= -divisor) --q;
  return q;
}

bool IntFitsBits(Int128 v, int64_t bits) {
  switch (bits) {
    case 8: return v >= INT8_MIN && v <= INT8_MAX;
    case 16: return v >= INT16_MIN && v <= INT16_MAX;
    case 32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return v >= INT64_MIN && v <= INT64_MAX;
  }
}

// DuckDB's double order: NaN equals NaN and sorts above every other value.
int CompareDoubles(double a, double b) {
  const bool a_nan = std::isnan(a);
  const bool b_nan = std::isnan(b);
  if (a_nan || b_nan) return a_nan == b_nan ? 0 : (a_nan ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

// DuckDB's interval order: normalized to (months, days, micros) with 30-day months and
// 24-hour days, then compared field by field.
void NormalizeInterval(IntervalValue v, int64_t& months, int64_t& days, int64_t& micros) {
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
int Sign(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

int CompareIntervals(IntervalValue a, IntervalValue b) {
  int64_t am, ad, au, bm, bd, bu;
  NormalizeInterval(a, am, ad, au);
  NormalizeInterval(b, bm, bd, bu);
  if (am != bm) return Sign(am, bm);
  if (ad != bd) return Sign(ad, bd);
  return Sign(au, bu);
}

// Both values non-null and of type `type`.
int Compare(Type type, const Datum& a, const Datum& b) {
  switch (type) {
    case Type::kBool: return Sign(a.b, b.b);
    case Type::kInt:
    case Type::kTimestamp:
    case Type::kDate:
    case Type::kTime: return Sign(a.i, b.i);
    case Type::kDouble: return CompareDoubles(a.d, b.d);
    case Type::kDecimal:
    case Type::kUuid: return Sign(a.h, b.h);
    case Type::kText:
    case Type::kBlob: {
      const int c = a.s.compare(b.s);  // bytewise, as DuckDB compares strings
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Type::kInterval: return CompareIntervals(a.iv, b.iv);
    case Type::kNull: return 0;
  }
  return 0;
}

bool CompareResult(Cmp cmp, int c) {
  switch (cmp) {
    case Cmp::kEq: return c == 0;
    case Cmp::kNe: return c != 0;
    case Cmp::kLt: return c < 0;
    case Cmp::kLe: return c <= 0;
    case Cmp::kGt: return c > 0;
    case Cmp::kGe: return c >= 0;
  }
  return false;
}

bool AddMicros(int64_t ts, int64_t days, int64_t micros, int64_t& out) {
  int64_t day_micros;
  return !__builtin_mul_overflow(days, kMicrosPerDay, &day_micros) && !__builtin_add_overflow(ts, day_micros, &out) &&
         !__builtin_add_overflow(out, micros, &out);
}

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

bool NegateInterval(IntervalValue iv, IntervalValue& out) {
  if (iv.months == INT32_MIN || iv.days == INT32_MIN || iv.micros == INT64_MIN) return false;
  out = {-iv.months, -iv.days, -iv.micros};
  return true;
}

Datum Arithmetic(Kernel kernel, const Datum& x, const Datum& y) {
  int64_t i;
  switch (kernel) {
    case Kernel::kIntAdd: return __builtin_add_overflow(x.i, y.i, &i) ? Null() : Int(i);
    case Kernel::kIntSub: return __builtin_sub_overflow(x.i, y.i, &i) ? Null() : Int(i);
    case Kernel::kIntMul: return __builtin_mul_overflow(x.i, y.i, &i) ? Null() : Int(i);
    case Kernel::kIntDiv:
      if (y.i == 0 || (x.i == INT64_MIN && y.i == -1)) return Null();
      return Int(x.i / y.i);
    case Kernel::kIntMod:
      if (y.i == 0) return Null();
      return Int(y.i == -1 ? 0 : x.i % y.i);
    case Kernel::kDoubleAdd: return Double(x.d + y.d);
    case Kernel::kDoubleSub: return Double(x.d - y.d);
    case Kernel::kDoubleMul: return Double(x.d * y.d);
    case Kernel::kDoubleDiv: return Double(x.d / y.d);
    case Kernel::kDoubleIntDiv: return y.d == 0 ? Null() : Double(x.d / y.d);
    case Kernel::kDoubleMod: return Double(std::fmod(x.d, y.d));
    case Kernel::kDecAdd: {
      const Int128 r = x.h + y.h;  // both below 10^38 in magnitude: cannot overflow int128
      return FitsDecimal(r) ? Wide(r) : Null();
    }
    case Kernel::kDecSub: {
      const Int128 r = x.h - y.h;
      return FitsDecimal(r) ? Wide(r) : Null();
    }
    case Kernel::kDecMul: {
      Int128 r;
      if (__builtin_mul_overflow(x.h, y.h, &r) || !FitsDecimal(r)) return Null();
      return Wide(r);
    }
    case Kernel::kDecMod: return y.h == 0 ? Null() : Wide(x.h % y.h);
    case Kernel::kTsAddIv: return AddInterval(x.i, y.iv);
    case Kernel::kTsSubIv: {
      IntervalValue negated;
      return NegateInterval(y.iv, negated) ? AddInterval(x.i, negated) : Null();
    }
    case Kernel::kTsSubTs: {
      int64_t diff;
      if (__builtin_sub_overflow(x.i, y.i, &diff)) return Null();
      try {
        const auto iv = duckdb::Interval::GetDifference(duckdb::timestamp_t(x.i), duckdb::timestamp_t(y.i));
        return Interval({iv.months, iv.days, iv.micros});
      } catch (...) {
        return Null();  // out of range
      }
    }
    case Kernel::kDateAddInt:
      if (__builtin_add_overflow(x.i, y.i, &i) || !IntFitsBits(i, 32)) return Null();
      return Int(i);
    case Kernel::kDateSubInt:
      if (__builtin_sub_overflow(x.i, y.i, &i) || !IntFitsBits(i, 32)) return Null();
      return Int(i);
    case Kernel::kDateSubDate: return Int(x.i - y.i);  // both fit in int32
    case Kernel::kIvAdd:
    case Kernel::kIvSub: {
      IntervalValue other = y.iv;
      if (kernel == Kernel::kIvSub && !NegateInterval(y.iv, other)) return Null();
      IntervalValue r;
      if (__builtin_add_overflow(x.iv.months, other.months, &r.months) ||
          __builtin_add_overflow(x.iv.days, other.days, &r.days) ||
          __builtin_add_overflow(x.iv.micros, other.micros, &r.micros)) {
        return Null();
      }
      return Interval(r);
    }
  }
  return Null();
}

// Runtime conversion between the types RuntimeCastSupported() accepts. `k`: integer bits, 32
// for FLOAT, or decimal precision. Values out of range become NULL (DuckDB would raise an
// error; a live filter cannot, and NULL never matches).
Datum CastDatum(const Datum& v, TypeInfo from, TypeInfo to, int64_t k) {
  if (v.null) return v;
  switch (to.type) {
    case Type::kInt: {
      Int128 r;
      switch (from.type) {
        case Type::kInt: r = v.i; break;
        case Type::kBool: r = v.b ? 1 : 0; break;
        case Type::kDouble: {
          if (!std::isfinite(v.d)) return Null();
          const double rounded = std::nearbyint(v.d);  // DuckDB: half to even
          if (rounded < -9.3e18 || rounded > 9.3e18) return Null();
          r = static_cast<Int128>(rounded);
          break;
        }
        case Type::kDecimal: r = DivideRounded(v.h, from.scale); break;
        default: return Null();
      }
      return IntFitsBits(r, k) ? Int(static_cast<int64_t>(r)) : Null();
    }
    case Type::kDouble: {
      double r;
      switch (from.type) {
        case Type::kInt: r = static_cast<double>(v.i); break;
        case Type::kBool: r = v.b ? 1 : 0; break;
        case Type::kDouble: r = v.d; break;
        case Type::kDecimal: r = DecimalToDouble(v.h, from.scale); break;
        default: return Null();
      }
      if (k != 32) return Double(r);
      if (std::isfinite(r) && std::fabs(r) > std::numeric_limits<float>::max()) return Null();  // out of FLOAT range
      return Double(static_cast<float>(r));
    }
    case Type::kDecimal: {
      Int128 r;
      switch (from.type) {
        case Type::kInt:
        case Type::kBool: {
          const Int128 n = from.type == Type::kInt ? Int128{v.i} : Int128{v.b ? 1 : 0};
          if (__builtin_mul_overflow(n, kPow10[to.scale], &r)) return Null();
          break;
        }
        case Type::kDecimal:
          if (to.scale >= from.scale) {
            if (__builtin_mul_overflow(v.h, kPow10[to.scale - from.scale], &r)) return Null();
          } else {
            r = DivideRounded(v.h, from.scale - to.scale);
          }
          break;
        case Type::kDouble: {
          const double scaled = std::nearbyint(v.d * kPow10Double[to.scale]);
          if (!std::isfinite(scaled) || std::fabs(scaled) >= 1e38) return Null();
          r = static_cast<Int128>(scaled);
          break;
        }
        default: return Null();
      }
      return FitsPrecision(r, k) ? Wide(r) : Null();
    }
    case Type::kBool:
      switch (from.type) {
        case Type::kBool: return v;
        case Type::kInt: return Bool(v.i != 0);
        case Type::kDouble: return Bool(v.d != 0);
        case Type::kDecimal: return Bool(v.h != 0);
        default: return Null();
      }
    case Type::kTimestamp: {
      if (from.type == Type::kTimestamp) return v;
      int64_t r;
      if (from.type != Type::kDate || __builtin_mul_overflow(v.i, kMicrosPerDay, &r)) return Null();
      return Int(r);
    }
    case Type::kDate: {
      if (from.type == Type::kDate) return v;
      if (from.type != Type::kTimestamp) return Null();
      int64_t days = v.i / kMicrosPerDay;
      if (v.i % kMicrosPerDay < 0) --days;  // floor: 1969-12-31 23:00 is day -1
      return Int(days);
    }
    default: return from == to ? v : Null();
  }
}

Datum ReadColumn(const duckdb::Value& v, Reader reader, duckdb::PhysicalType physical) {
  // The caller promises column types; a value of another physical type reads as NULL rather
  // than as the wrong union member.
  if (v.IsNull() || v.type().InternalType() != physical) return Null();
  switch (reader) {
    case Reader::kBool: return Bool(v.GetValueUnsafe<bool>());
    case Reader::kInt16: return Int(v.GetValueUnsafe<int16_t>());
    case Reader::kInt32: return Int(v.GetValueUnsafe<int32_t>());
    case Reader::kInt64: return Int(v.GetValueUnsafe<int64_t>());
    case Reader::kFloat: return Double(v.GetValueUnsafe<float>());
    case Reader::kDouble: return Double(v.GetValueUnsafe<double>());
    case Reader::kDec16: return Wide(v.GetValueUnsafe<int16_t>());
    case Reader::kDec32: return Wide(v.GetValueUnsafe<int32_t>());
    case Reader::kDec64: return Wide(v.GetValueUnsafe<int64_t>());
    case Reader::kDec128:
    case Reader::kUuid: return Wide(FromHugeint(v.GetValueUnsafe<duckdb::hugeint_t>()));
    case Reader::kString: return Text(duckdb::StringValue::Get(v));
    case Reader::kTimestamp: return Int(v.GetValueUnsafe<duckdb::timestamp_t>().value);
    case Reader::kTimestampTz: return Int(v.GetValueUnsafe<duckdb::timestamp_tz_t>().value);
    case Reader::kDate: return Int(v.GetValueUnsafe<duckdb::date_t>().days);
    case Reader::kTime: return Int(v.GetValueUnsafe<duckdb::dtime_t>().micros);
  }
  return Null();
}

}  // namespace

Datum FilterProgram::Eval(uint32_t index, const EvalContext& ctx) const {
  const Node& n = nodes[index];
  switch (n.op) {
    case Op::kConst: {
      Datum d = n.value;
      if (!d.null && (n.type.type == Type::kText || n.type.type == Type::kBlob)) d.s = strings[n.k];
      return d;
    }
    case Op::kColumn: {
      const auto column = static_cast<size_t>(n.k);
      if (column >= ctx.row.size()) return Null();
      return ReadColumn(ctx.row[column], static_cast<Reader>(n.sub), n.physical);
    }
    case Op::kSeq: return Int(ctx.seq);
    case Op::kNow: return Int(ctx.now);
    case Op::kAnd:
    case Op::kOr: {
      // FALSE decides AND and TRUE decides OR, even when another operand is NULL.
      const bool decisive = n.op == Op::kOr;
      bool saw_null = false;
      for (uint32_t i = 0; i < n.count; ++i) {
        const Datum d = Eval(args[n.first + i], ctx);
        if (d.null) {
          saw_null = true;
        } else if (d.b == decisive) {
          return Bool(decisive);
        }
      }
      return saw_null ? Null() : Bool(!decisive);
    }
    case Op::kNot: {
      const Datum d = Eval(n.a, ctx);
      return d.null ? d : Bool(!d.b);
    }
    case Op::kIsNull: return Bool(Eval(n.a, ctx).null);
    case Op::kIsNotNull: return Bool(!Eval(n.a, ctx).null);
    case Op::kCompare: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      const Datum y = Eval(n.b, ctx);
      if (y.null) return y;
      return Bool(CompareResult(static_cast<Cmp>(n.sub), Compare(n.operand.type, x, y)));
    }
    case Op::kDistinct: {
      const Datum x = Eval(n.a, ctx);
      const Datum y = Eval(n.b, ctx);
      bool distinct;
      if (x.null || y.null) {
        distinct = x.null != y.null;
      } else {
        distinct = Compare(n.operand.type, x, y) != 0;
      }
      return Bool(distinct != n.negate);
    }
    case Op::kIn: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      bool saw_null = false;
      for (uint32_t i = 0; i < n.count; ++i) {
        const Datum item = Eval(args[n.first + i], ctx);
        if (item.null) {
          saw_null = true;
        } else if (Compare(n.operand.type, x, item) == 0) {
          return Bool(!n.negate);
        }
      }
      return saw_null ? Null() : Bool(n.negate);
    }
    case Op::kBetween: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      const Datum lo = Eval(n.b, ctx);
      const Datum hi = Eval(n.c, ctx);
      // x >= lo AND x <= hi, in three-valued logic.
      if (!lo.null && Compare(n.operand.type, x, lo) < 0) return Bool(false);
      if (!hi.null && Compare(n.operand.type, x, hi) > 0) return Bool(false);
      return lo.null || hi.null ? Null() : Bool(true);
    }
    case Op::kLike: {
      const Datum text = Eval(n.a, ctx);
      if (text.null) return text;
      const Datum pattern = Eval(n.b, ctx);
      if (pattern.null) return pattern;
      int escape = -1;
      if (n.c != kNoNode) {
        const Datum e = Eval(n.c, ctx);
        if (e.null || e.s.size() > 1) return Null();
        if (e.s.size() == 1) escape = static_cast<unsigned char>(e.s[0]);
      }
      const bool matched = n.sub != 0 ? ILikeMatch(text.s, pattern.s, escape) : LikeMatch(text.s, pattern.s, escape);
      return Bool(matched != n.negate);
    }
    case Op::kArith: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      const Datum y = Eval(n.b, ctx);
      if (y.null) return y;
      return Arithmetic(static_cast<Kernel>(n.sub), x, y);
    }
    case Op::kNegate: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      switch (n.type.type) {
        case Type::kInt: return x.i == INT64_MIN ? Null() : Int(-x.i);
        case Type::kDouble: return Double(-x.d);
        case Type::kDecimal: return Wide(-x.h);
        case Type::kInterval: {
          IntervalValue negated;
          return NegateInterval(x.iv, negated) ? Interval(negated) : Null();
        }
        default: return Null();
      }
    }
    case Op::kCast: return CastDatum(Eval(n.a, ctx), n.operand, n.type, n.k);
    case Op::kToInterval: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      int64_t amount;
      if (n.operand.type == Type::kDouble) {
        const double scaled = std::nearbyint(x.d * static_cast<double>(n.k));
        if (!std::isfinite(scaled) || std::fabs(scaled) >= 9.2e18) return Null();
        amount = static_cast<int64_t>(scaled);
      } else if (__builtin_mul_overflow(x.i, n.k, &amount)) {
        return Null();
      }
      switch (static_cast<IntervalUnit>(n.sub)) {
        case IntervalUnit::kMicros: return Interval({0, 0, amount});
        case IntervalUnit::kDays:
          return IntFitsBits(amount, 32) ? Interval({0, static_cast<int32_t>(amount), 0}) : Null();
        case IntervalUnit::kMonths:
          return IntFitsBits(amount, 32) ? Interval({static_cast<int32_t>(amount), 0, 0}) : Null();
      }
      return Null();
    }
    case Op::kTrunc: {
      const Datum x = Eval(n.a, ctx);
      if (x.null) return x;
      if (n.type.type == Type::kDouble) return Double(std::trunc(x.d));
      if (n.type.type == Type::kDecimal) return Wide(x.h - x.h % kPow10[n.type.scale]);
      return x;
    }
  }
  return Null();
}

namespace {

using duckdb::ExpressionClass;
using duckdb::ExpressionType;
using duckdb::LogicalType;
using duckdb::LogicalTypeId;

constexpr int kNotColumn = -1;
constexpr int kSeqColumn = -2;

// A compiled subexpression: its node and static type; `column` says whether it is a plain
// column reference (for the literal coercion of comparisons).
struct Typed {
  uint32_t node = kNoNode;
  TypeInfo type;
  int column = kNotColumn;
};

std::string TypeName(TypeInfo t) {
  switch (t.type) {
    case Type::kNull: return "NULL";
    case Type::kBool: return "BOOLEAN";
    case Type::kInt: return "BIGINT";
    case Type::kDouble: return "DOUBLE";
    case Type::kDecimal: return "DECIMAL";
    case Type::kText: return "TEXT";
    case Type::kBlob: return "BYTES";
    case Type::kTimestamp: return "TIMESTAMP";
    case Type::kDate: return "DATE";
    case Type::kTime: return "TIME";
    case Type::kInterval: return "INTERVAL";
    case Type::kUuid: return "UUID";
  }
  return "?";
}

bool IsNumeric(TypeInfo t) { return t.type == Type::kInt || t.type == Type::kDouble || t.type == Type::kDecimal; }

duckdb::LogicalType LogicalTypeFor(TypeInfo t) {
  switch (t.type) {
    case Type::kNull: return LogicalType::SQLNULL;
    case Type::kBool: return LogicalType::BOOLEAN;
    case Type::kInt: return LogicalType::BIGINT;
    case Type::kDouble: return LogicalType::DOUBLE;
    case Type::kDecimal: return LogicalType::DECIMAL(kMaxDecimalDigits, t.scale);
    case Type::kText: return LogicalType::VARCHAR;
    case Type::kBlob: return LogicalType::BLOB;
    case Type::kTimestamp: return LogicalType::TIMESTAMP;
    case Type::kDate: return LogicalType::DATE;
    case Type::kTime: return LogicalType::TIME;
    case Type::kInterval: return LogicalType::INTERVAL;
    case Type::kUuid: return LogicalType::UUID;
  }
  return LogicalType::SQLNULL;
}

// The column type a non-column expression of type `t` stands for when a literal compared with
// it is coerced (PROTOCOL.md §4 input rules); nullopt where §4 has no such type.
std::optional<DataType> DataTypeFor(TypeInfo t) {
  auto simple = [](TypeKind kind) { return DataType{kind, 0, 0}; };
  switch (t.type) {
    case Type::kBool: return simple(TypeKind::kBoolean);
    case Type::kInt: return simple(TypeKind::kBigInt);
    case Type::kDouble: return simple(TypeKind::kDouble);
    case Type::kDecimal: return DataType{TypeKind::kDecimal, kMaxDecimalDigits, t.scale};
    case Type::kText: return simple(TypeKind::kText);
    case Type::kBlob: return simple(TypeKind::kBytes);
    case Type::kTimestamp: return simple(TypeKind::kTimestamp);
    case Type::kDate: return simple(TypeKind::kDate);
    case Type::kTime: return simple(TypeKind::kTime);
    case Type::kUuid: return simple(TypeKind::kUuid);
    case Type::kNull:
    case Type::kInterval: return std::nullopt;
  }
  return std::nullopt;
}

// The evaluator's view of a column: type and how to read its duckdb::Value.
struct ColumnAccess {
  TypeInfo type;
  Reader reader;
};

ColumnAccess AccessFor(const DataType& type) {
  switch (type.kind) {
    case TypeKind::kBoolean: return {{Type::kBool}, Reader::kBool};
    case TypeKind::kSmallInt: return {{Type::kInt}, Reader::kInt16};
    case TypeKind::kInt: return {{Type::kInt}, Reader::kInt32};
    case TypeKind::kBigInt: return {{Type::kInt}, Reader::kInt64};
    case TypeKind::kFloat: return {{Type::kDouble}, Reader::kFloat};
    case TypeKind::kDouble: return {{Type::kDouble}, Reader::kDouble};
    case TypeKind::kDecimal: {
      const Reader reader = type.precision <= 4    ? Reader::kDec16
                            : type.precision <= 9  ? Reader::kDec32
                            : type.precision <= 18 ? Reader::kDec64
                                                   : Reader::kDec128;
      return {{Type::kDecimal, type.scale}, reader};
    }
    case TypeKind::kText:
    case TypeKind::kJson: return {{Type::kText}, Reader::kString};
    case TypeKind::kBytes: return {{Type::kBlob}, Reader::kString};
    case TypeKind::kTimestamp: return {{Type::kTimestamp}, Reader::kTimestamp};
    case TypeKind::kDateTime: return {{Type::kTimestamp}, Reader::kTimestampTz};
    case TypeKind::kDate: return {{Type::kDate}, Reader::kDate};
    case TypeKind::kTime: return {{Type::kTime}, Reader::kTime};
    case TypeKind::kUuid: return {{Type::kUuid}, Reader::kUuid};
  }
  return {{Type::kText}, Reader::kString};
}

// Conversions the evaluator performs at run time (anything else only folds on literals).
bool RuntimeCastSupported(TypeInfo from, TypeInfo to) {
  if (from.type == to.type && to.type != Type::kDecimal && to.type != Type::kInt && to.type != Type::kDouble) {
    return true;
  }
  const auto numeric_or_bool = [](TypeInfo t) { return IsNumeric(t) || t.type == Type::kBool; };
  if (numeric_or_bool(from) && numeric_or_bool(to)) return true;
  return (from.type == Type::kDate && to.type == Type::kTimestamp) ||
         (from.type == Type::kTimestamp && to.type == Type::kDate);
}

std::string_view ComparisonSymbol(Cmp cmp) {
  switch (cmp) {
    case Cmp::kEq: return "=";
    case Cmp::kNe: return "<>";
    case Cmp::kLt: return "<";
    case Cmp::kLe: return "<=";
    case Cmp::kGt: return ">";
    case Cmp::kGe: return ">=";
  }
  return "?";
}

Status NotSupported(std::string_view what) {
  return Status::Unsupported(std::string(what) + " not supported in subscription filters");
}

// Builds a FilterProgram from a parsed WHERE clause. One use per Compile().
class Compiler {
 public:
  Compiler(const TableDefinition& def, const UserId& subscriber, FilterProgram& program)
      : def_(def), subscriber_(subscriber), program_(program) {
    seq_column_.name = "_seq";
    seq_column_.type = DataType{TypeKind::kBigInt, 0, 0};
    seq_column_.nullable = false;
  }

  Result<Typed> Expr(const duckdb::ParsedExpression& e) {
    switch (e.GetExpressionClass()) {
      case ExpressionClass::CONSTANT: return Constant(e.Cast<duckdb::ConstantExpression>().value);
      case ExpressionClass::COLUMN_REF: return ColumnRef(e.Cast<duckdb::ColumnRefExpression>());
      case ExpressionClass::COMPARISON: return Comparison(e.Cast<duckdb::ComparisonExpression>());
      case ExpressionClass::CONJUNCTION: return Conjunction(e.Cast<duckdb::ConjunctionExpression>());
      case ExpressionClass::OPERATOR: return Operator(e.Cast<duckdb::OperatorExpression>());
      case ExpressionClass::BETWEEN: return Between(e.Cast<duckdb::BetweenExpression>());
      case ExpressionClass::FUNCTION: return Function(e.Cast<duckdb::FunctionExpression>());
      case ExpressionClass::CAST: return ExplicitCast(e.Cast<duckdb::CastExpression>());
      case ExpressionClass::SUBQUERY: return NotSupported("Subqueries are");
      case ExpressionClass::CASE: return NotSupported("CASE expressions are");
      case ExpressionClass::WINDOW: return NotSupported("Window functions are");
      case ExpressionClass::PARAMETER: return NotSupported("Parameters are");
      case ExpressionClass::COLLATE: return NotSupported("COLLATE is");
      case ExpressionClass::LAMBDA: return NotSupported("Lambda expressions are");
      case ExpressionClass::STAR: return NotSupported("* is");
      default: return NotSupported("Expression '" + e.ToString() + "' is");
    }
  }

  // The root must be a boolean (or the NULL literal, which matches nothing).
  Status CheckPredicate(const Typed& t) {
    if (t.type.type == Type::kBool || t.type.type == Type::kNull) return Status::Ok();
    return Status::InvalidArgument("WHERE must be a boolean expression, not " + TypeName(t.type));
  }

  bool IsConstant(const Typed& t) const { return program_.nodes[t.node].op == Op::kConst; }

  // The bytes of a non-NULL text constant node.
  std::optional<std::string_view> ConstantText(uint32_t node) const {
    const Node& n = program_.nodes[node];
    if (n.op != Op::kConst || n.value.null || n.type.type != Type::kText) return std::nullopt;
    return std::string_view(program_.strings[n.k]);
  }
  const Datum& ConstantValue(const Typed& t) const { return program_.nodes[t.node].value; }

 private:
  // ---- nodes -------------------------------------------------------------------------

  // Appends `node`; folds it into a constant when all its inputs are constants.
  uint32_t Add(Node node) {
    const auto index = static_cast<uint32_t>(program_.nodes.size());
    program_.nodes.push_back(node);
    if (Foldable(program_.nodes[index])) {
      static const std::vector<duckdb::Value> kNoRow;
      const Datum folded = program_.Eval(index, EvalContext{kNoRow, 0, 0});
      Node constant;
      constant.op = Op::kConst;
      constant.type = node.type;
      constant.value = folded;
      if (!folded.null && (node.type.type == Type::kText || node.type.type == Type::kBlob)) {
        // Keep the invariant: constant bytes live in `strings` (copy before the push moves them).
        std::string bytes(folded.s);
        constant.k = static_cast<int64_t>(program_.strings.size());
        program_.strings.push_back(std::move(bytes));
      }
      program_.nodes[index] = constant;
    }
    return index;
  }

  bool Foldable(const Node& n) const {
    auto is_const = [&](uint32_t i) { return i == kNoNode || program_.nodes[i].op == Op::kConst; };
    switch (n.op) {
      case Op::kConst:
      case Op::kColumn:
      case Op::kSeq:
      case Op::kNow: return false;
      default: break;
    }
    if (!is_const(n.a) || !is_const(n.b) || !is_const(n.c)) return false;
    for (uint32_t i = 0; i < n.count; ++i) {
      if (!is_const(program_.args[n.first + i])) return false;
    }
    return true;
  }

  Typed Make(Node node) {
    const TypeInfo type = node.type;
    return Typed{Add(node), type};
  }

  Typed Unary(Op op, TypeInfo type, const Typed& a) {
    Node n;
    n.op = op;
    n.type = type;
    n.a = a.node;
    return Make(n);
  }

  Typed Binary(Op op, uint8_t sub, TypeInfo type, TypeInfo operand, const Typed& a, const Typed& b) {
    Node n;
    n.op = op;
    n.sub = sub;
    n.type = type;
    n.operand = operand;
    n.a = a.node;
    n.b = b.node;
    return Make(n);
  }

  Typed NullOf(TypeInfo type) {
    Node n;
    n.type = type;
    return Make(n);
  }

  Typed BoolConstant(bool v) {
    Node n;
    n.type = {Type::kBool};
    n.value = Bool(v);
    return Make(n);
  }

  Typed TextConstant(std::string text, Type type = Type::kText) {
    Node n;
    n.type = {type};
    n.value = Text({});
    n.k = static_cast<int64_t>(program_.strings.size());
    program_.strings.push_back(std::move(text));
    return Make(n);
  }

  // ---- literals ------------------------------------------------------------------------

  Result<Typed> Constant(const duckdb::Value& v) {
    const duckdb::LogicalType& type = v.type();
    if (v.IsNull()) {
      if (type.id() == LogicalTypeId::SQLNULL) return NullOf({});
      KALAM_ASSIGN_OR_RETURN(TypeInfo t, TypeOfLiteral(type));
      return NullOf(t);
    }
    Node n;
    switch (type.id()) {
      case LogicalTypeId::BOOLEAN: n.value = Bool(v.GetValue<bool>()); break;
      case LogicalTypeId::TINYINT:
      case LogicalTypeId::SMALLINT:
      case LogicalTypeId::INTEGER:
      case LogicalTypeId::BIGINT:
      case LogicalTypeId::UTINYINT:
      case LogicalTypeId::USMALLINT:
      case LogicalTypeId::UINTEGER: n.value = Int(v.GetValue<int64_t>()); break;
      case LogicalTypeId::UBIGINT:
      case LogicalTypeId::HUGEINT:
      case LogicalTypeId::UHUGEINT: {
        duckdb::Value wide;
        std::string error;
        if (!v.DefaultTryCastAs(duckdb::LogicalType::DECIMAL(kMaxDecimalDigits, 0), wide, &error, true)) {
          return Status::InvalidArgument("Integer literal " + v.ToString() + " is out of range");
        }
        return Constant(wide);
      }
      case LogicalTypeId::FLOAT:
      case LogicalTypeId::DOUBLE: n.value = Double(v.GetValue<double>()); break;
      case LogicalTypeId::DECIMAL: {
        switch (type.InternalType()) {
          case duckdb::PhysicalType::INT16: n.value = Wide(v.GetValueUnsafe<int16_t>()); break;
          case duckdb::PhysicalType::INT32: n.value = Wide(v.GetValueUnsafe<int32_t>()); break;
          case duckdb::PhysicalType::INT64: n.value = Wide(v.GetValueUnsafe<int64_t>()); break;
          default: n.value = Wide(FromHugeint(v.GetValueUnsafe<duckdb::hugeint_t>())); break;
        }
        break;
      }
      case LogicalTypeId::VARCHAR: return TextConstant(duckdb::StringValue::Get(v));
      case LogicalTypeId::BLOB: return TextConstant(duckdb::StringValue::Get(v), Type::kBlob);
      case LogicalTypeId::TIMESTAMP: n.value = Int(v.GetValueUnsafe<duckdb::timestamp_t>().value); break;
      case LogicalTypeId::TIMESTAMP_TZ: n.value = Int(v.GetValueUnsafe<duckdb::timestamp_tz_t>().value); break;
      case LogicalTypeId::TIMESTAMP_SEC:
      case LogicalTypeId::TIMESTAMP_MS:
      case LogicalTypeId::TIMESTAMP_NS: {
        duckdb::Value micros;
        std::string error;
        if (!v.DefaultTryCastAs(duckdb::LogicalType::TIMESTAMP, micros, &error, true)) {
          return Status::InvalidArgument("Timestamp literal " + v.ToString() + " is out of range");
        }
        return Constant(micros);
      }
      case LogicalTypeId::DATE: n.value = Int(v.GetValueUnsafe<duckdb::date_t>().days); break;
      case LogicalTypeId::TIME: n.value = Int(v.GetValueUnsafe<duckdb::dtime_t>().micros); break;
      case LogicalTypeId::INTERVAL: {
        const auto iv = v.GetValueUnsafe<duckdb::interval_t>();
        n.value = Interval({iv.months, iv.days, iv.micros});
        break;
      }
      case LogicalTypeId::UUID: n.value = Wide(FromHugeint(v.GetValueUnsafe<duckdb::hugeint_t>())); break;
      default: return NotSupported("Values of type " + type.ToString() + " are");
    }
    KALAM_ASSIGN_OR_RETURN(n.type, TypeOfLiteral(type));
    return Make(n);
  }

  Result<TypeInfo> TypeOfLiteral(const duckdb::LogicalType& type) {
    switch (type.id()) {
      case LogicalTypeId::SQLNULL: return TypeInfo{};
      case LogicalTypeId::BOOLEAN: return TypeInfo{Type::kBool};
      case LogicalTypeId::TINYINT:
      case LogicalTypeId::SMALLINT:
      case LogicalTypeId::INTEGER:
      case LogicalTypeId::BIGINT:
      case LogicalTypeId::UTINYINT:
      case LogicalTypeId::USMALLINT:
      case LogicalTypeId::UINTEGER: return TypeInfo{Type::kInt};
      case LogicalTypeId::UBIGINT:
      case LogicalTypeId::HUGEINT:
      case LogicalTypeId::UHUGEINT: return TypeInfo{Type::kDecimal, 0};
      case LogicalTypeId::FLOAT:
      case LogicalTypeId::DOUBLE: return TypeInfo{Type::kDouble};
      case LogicalTypeId::DECIMAL: return TypeInfo{Type::kDecimal, duckdb::DecimalType::GetScale(type)};
      case LogicalTypeId::VARCHAR: return TypeInfo{Type::kText};
      case LogicalTypeId::BLOB: return TypeInfo{Type::kBlob};
      case LogicalTypeId::TIMESTAMP:
      case LogicalTypeId::TIMESTAMP_TZ:
      case LogicalTypeId::TIMESTAMP_SEC:
      case LogicalTypeId::TIMESTAMP_MS:
      case LogicalTypeId::TIMESTAMP_NS: return TypeInfo{Type::kTimestamp};
      case LogicalTypeId::DATE: return TypeInfo{Type::kDate};
      case LogicalTypeId::TIME: return TypeInfo{Type::kTime};
      case LogicalTypeId::INTERVAL: return TypeInfo{Type::kInterval};
      case LogicalTypeId::UUID: return TypeInfo{Type::kUuid};
      default: return NotSupported("Values of type " + type.ToString() + " are");
    }
  }

  // The literal `t` as a duckdb::Value (for DuckDB's casts and the §4 coercion).
  duckdb::Value ValueOf(const Typed& t) const {
    const Node& n = program_.nodes[t.node];
    const Datum& d = n.value;
    if (d.null) return duckdb::Value(LogicalTypeFor(t.type));
    switch (t.type.type) {
      case Type::kNull: return duckdb::Value();
      case Type::kBool: return duckdb::Value::BOOLEAN(d.b);
      case Type::kInt: return duckdb::Value::BIGINT(d.i);
      case Type::kDouble: return duckdb::Value::DOUBLE(d.d);
      case Type::kDecimal: return duckdb::Value::DECIMAL(ToHugeint(d.h), kMaxDecimalDigits, t.type.scale);
      case Type::kText: return duckdb::Value(program_.strings[n.k]);
      case Type::kBlob: return duckdb::Value::BLOB_RAW(program_.strings[n.k]);
      case Type::kTimestamp: return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(d.i));
      case Type::kDate: return duckdb::Value::DATE(duckdb::date_t(static_cast<int32_t>(d.i)));
      case Type::kTime: return duckdb::Value::TIME(duckdb::dtime_t(d.i));
      case Type::kInterval: return duckdb::Value::INTERVAL(d.iv.months, d.iv.days, d.iv.micros);
      case Type::kUuid: return duckdb::Value::UUID(ToHugeint(d.h));
    }
    return duckdb::Value();
  }

  // ---- column references -----------------------------------------------------------

  Result<Typed> ColumnRef(const duckdb::ColumnRefExpression& ref) {
    const auto& names = ref.column_names;
    if (names.empty()) return Status::InvalidArgument("Empty column reference");
    const std::string name = ToLower(names.back());
    if (names.size() > 1) {
      // Only qualifications naming this table: t.col or ns.t.col.
      bool ours = false;
      if (names.size() == 2) {
        ours = ToLower(names[0]) == ToLower(def_.id.table_name.str());
      } else if (names.size() == 3) {
        ours = ToLower(names[0]) == ToLower(def_.id.namespace_id.str()) &&
               ToLower(names[1]) == ToLower(def_.id.table_name.str());
      }
      if (!ours) {
        return NotSupported("Column reference '" + ref.ToString() + "' (not a column of " + def_.id.ToString() +
                            ") is");
      }
    }
    if (name == "_seq") {
      Node n;
      n.op = Op::kSeq;
      n.type = {Type::kInt};
      Typed t = Make(n);
      t.column = kSeqColumn;
      return t;
    }
    if (auto index = def_.FindColumn(name)) {
      const ColumnDefinition& column = def_.columns[*index];
      const ColumnAccess access = AccessFor(column.type);
      Node n;
      n.op = Op::kColumn;
      n.type = access.type;
      n.sub = static_cast<uint8_t>(access.reader);
      n.physical = tables::ToLogicalType(column.type).InternalType();
      n.k = static_cast<int64_t>(*index);
      Typed t = Make(n);
      t.column = static_cast<int>(*index);
      return t;
    }
    if (names.size() == 1) {
      // Keyword forms that DuckDB's parser leaves as column references.
      if (name == "current_timestamp") return NowNode();
      if (name == "current_date") return CastTo(NowNode(), {Type::kDate});
      if (name == "current_user") return TextConstant(subscriber_.str());
    }
    if (name == "_deleted") return NotSupported("_deleted is");
    return Status::InvalidArgument("Column '" + name + "' does not exist");
  }

  Typed NowNode() {
    program_.uses_now = true;
    Node n;
    n.op = Op::kNow;
    n.type = {Type::kTimestamp};
    return Make(n);
  }

  // ---- implicit conversions ------------------------------------------------------------

  // `t` converted to `to` (a type the two sides of an operator agreed on).
  Result<Typed> CastTo(const Typed& t, TypeInfo to, int64_t k = 0) {
    if (t.type == to && k == 0) return t;
    if (t.type.type == Type::kNull) return NullOf(to);
    if (k == 0) k = to.type == Type::kInt ? 64 : (to.type == Type::kDecimal ? kMaxDecimalDigits : 64);
    if (RuntimeCastSupported(t.type, to)) {
      Node n;
      n.op = Op::kCast;
      n.type = to;
      n.operand = t.type;
      n.a = t.node;
      n.k = k;
      return Make(n);
    }
    if (IsConstant(t)) {
      duckdb::Value out;
      std::string error;
      if (ValueOf(t).DefaultTryCastAs(LogicalTypeFor(to), out, &error, /*strict=*/true)) return Constant(out);
    }
    return Status::InvalidArgument("Cannot convert " + TypeName(t.type) + " to " + TypeName(to));
  }

  // Converts a literal compared with `other` to `other`'s type: to the column's type with the
  // §4 input rules when `other` is a column (so `id = '5'` on BIGINT and `created_at >
  // 1700000000000000` on TIMESTAMP work), to the expression's type otherwise.
  Result<Typed> CoerceLiteral(const Typed& literal, const Typed& other) {
    ColumnDefinition synthetic;
    const ColumnDefinition* column = nullptr;
    if (other.column >= 0) {
      column = &def_.columns[other.column];
    } else if (other.column == kSeqColumn) {
      column = &seq_column_;
    } else if (auto type = DataTypeFor(other.type)) {
      synthetic.name = "expression";
      synthetic.type = *type;
      column = &synthetic;
    } else {
      return CastTo(literal, other.type);
    }
    auto coerced = tables::CoerceToColumn(ValueOf(literal), *column);
    if (!coerced.ok()) return Status::InvalidArgument(coerced.status().message());
    return Constant(*coerced);
  }

  // Applies the literal coercion to whichever side of a comparison is a literal.
  Status CoercePair(Typed& l, Typed& r) {
    if (l.type.type == r.type.type || l.type.type == Type::kNull || r.type.type == Type::kNull) return Status::Ok();
    const bool l_const = IsConstant(l);
    const bool r_const = IsConstant(r);
    Typed* literal = nullptr;
    const Typed* other = nullptr;
    if (r_const && !l_const) {
      literal = &r;
      other = &l;
    } else if (l_const && !r_const) {
      literal = &l;
      other = &r;
    } else if (l_const && r_const) {
      // Two literals: a string gives way, as DuckDB casts string literals.
      if (r.type.type == Type::kText) {
        literal = &r;
        other = &l;
      } else if (l.type.type == Type::kText) {
        literal = &l;
        other = &r;
      }
    }
    if (literal == nullptr) return Status::Ok();
    if (IsNumeric(literal->type) && IsNumeric(other->type)) {
      // Numbers compare exactly in their common type (DuckDB's rule), except that a FLOAT
      // column rounds a non-DOUBLE literal to float, as DuckDB does (`f = 0.1` matches).
      const bool float_column = other->column >= 0 && def_.columns[other->column].type.kind == TypeKind::kFloat;
      if (!float_column || literal->type.type == Type::kDouble) return Status::Ok();
      auto coerced = CoerceLiteral(*literal, *other);
      if (coerced.ok()) *literal = *coerced;
      return Status::Ok();
    }
    // A typed literal that already has a common type with the other side keeps its value
    // (`date_col < TIMESTAMP '2025-01-01 00:00:01'` compares timestamps, not truncated dates).
    if (literal->type.type != Type::kText && CommonType(literal->type, other->type, "").ok()) return Status::Ok();
    KALAM_ASSIGN_OR_RETURN(*literal, CoerceLiteral(*literal, *other));
    return Status::Ok();
  }

  // The type two operands of a comparison are compared in.
  Result<TypeInfo> CommonType(TypeInfo a, TypeInfo b, std::string_view what) {
    if (a.type == Type::kNull) return b;
    if (b.type == Type::kNull) return a;
    if (a.type == b.type) return TypeInfo{a.type, std::max(a.scale, b.scale)};
    if (IsNumeric(a) && IsNumeric(b)) {
      if (a.type == Type::kDouble || b.type == Type::kDouble) return TypeInfo{Type::kDouble};
      return TypeInfo{Type::kDecimal, std::max(a.scale, b.scale)};  // INT has scale 0
    }
    const auto is = [&](Type x, Type y) { return (a.type == x && b.type == y) || (a.type == y && b.type == x); };
    if (is(Type::kTimestamp, Type::kDate)) return TypeInfo{Type::kTimestamp};
    return Status::InvalidArgument("Cannot compare " + TypeName(a) + " with " + TypeName(b) + " in " +
                                   std::string(what));
  }

  // ---- predicates ------------------------------------------------------------------------

  Result<Typed> Comparison(const duckdb::ComparisonExpression& e) {
    KALAM_ASSIGN_OR_RETURN(Typed l, Expr(*e.left));
    KALAM_ASSIGN_OR_RETURN(Typed r, Expr(*e.right));
    const ExpressionType type = e.GetExpressionType();
    if (type == ExpressionType::COMPARE_DISTINCT_FROM || type == ExpressionType::COMPARE_NOT_DISTINCT_FROM) {
      KALAM_ASSIGN_OR_RETURN(TypeInfo common, Unify(l, r, "IS DISTINCT FROM"));
      Node n;
      n.op = Op::kDistinct;
      n.negate = type == ExpressionType::COMPARE_NOT_DISTINCT_FROM;
      n.type = {Type::kBool};
      n.operand = common;
      n.a = l.node;
      n.b = r.node;
      return Make(n);
    }
    Cmp cmp;
    switch (type) {
      case ExpressionType::COMPARE_EQUAL: cmp = Cmp::kEq; break;
      case ExpressionType::COMPARE_NOTEQUAL: cmp = Cmp::kNe; break;
      case ExpressionType::COMPARE_LESSTHAN: cmp = Cmp::kLt; break;
      case ExpressionType::COMPARE_LESSTHANOREQUALTO: cmp = Cmp::kLe; break;
      case ExpressionType::COMPARE_GREATERTHAN: cmp = Cmp::kGt; break;
      case ExpressionType::COMPARE_GREATERTHANOREQUALTO: cmp = Cmp::kGe; break;
      default: return NotSupported("Comparison " + duckdb::ExpressionTypeToString(type) + " is");
    }
    KALAM_ASSIGN_OR_RETURN(TypeInfo common, Unify(l, r, "'" + std::string(ComparisonSymbol(cmp)) + "'"));
    return Binary(Op::kCompare, static_cast<uint8_t>(cmp), {Type::kBool}, common, l, r);
  }

  // Coerces literals, then converts both sides to their common type. Returns that type.
  Result<TypeInfo> Unify(Typed& l, Typed& r, std::string_view what) {
    KALAM_RETURN_IF_ERROR(CoercePair(l, r));
    KALAM_ASSIGN_OR_RETURN(TypeInfo common, CommonType(l.type, r.type, what));
    KALAM_ASSIGN_OR_RETURN(l, CastTo(l, common));
    KALAM_ASSIGN_OR_RETURN(r, CastTo(r, common));
    return common;
  }

  Result<Typed> Conjunction(const duckdb::ConjunctionExpression& e) {
    const bool is_and = e.GetExpressionType() == duckdb::ExpressionType::CONJUNCTION_AND;
    if (!is_and && e.GetExpressionType() != duckdb::ExpressionType::CONJUNCTION_OR) {
      return NotSupported(duckdb::ExpressionTypeToString(e.GetExpressionType()) + " is");
    }
    // Constants are folded away: TRUE drops out of AND, FALSE out of OR; the other one
    // decides the whole conjunction.
    std::vector<Typed> operands;
    for (const auto& child : e.children) {
      KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*child));
      KALAM_RETURN_IF_ERROR(CheckBoolean(t, is_and ? "AND" : "OR"));
      if (IsConstant(t) && !ConstantValue(t).null) {
        if (ConstantValue(t).b == is_and) continue;
        return BoolConstant(!is_and);
      }
      operands.push_back(t);
    }
    if (operands.empty()) return BoolConstant(is_and);
    if (operands.size() == 1 && operands[0].type.type == Type::kBool) return operands[0];
    Node n;
    n.op = is_and ? Op::kAnd : Op::kOr;
    n.type = {Type::kBool};
    n.first = static_cast<uint32_t>(program_.args.size());
    n.count = static_cast<uint32_t>(operands.size());
    for (const Typed& t : operands) program_.args.push_back(t.node);
    return Make(n);
  }

  Status CheckBoolean(const Typed& t, std::string_view what) {
    if (t.type.type == Type::kBool || t.type.type == Type::kNull) return Status::Ok();
    return Status::InvalidArgument("Argument of " + std::string(what) + " must be BOOLEAN, not " + TypeName(t.type));
  }

  Result<Typed> Operator(const duckdb::OperatorExpression& e) {
    switch (e.GetExpressionType()) {
      case ExpressionType::OPERATOR_NOT: {
        if (e.children.size() != 1) return Status::InvalidArgument("NOT takes one argument");
        KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[0]));
        KALAM_RETURN_IF_ERROR(CheckBoolean(t, "NOT"));
        return Unary(Op::kNot, {Type::kBool}, t);
      }
      case ExpressionType::OPERATOR_IS_NULL:
      case ExpressionType::OPERATOR_IS_NOT_NULL: {
        if (e.children.size() != 1) return Status::InvalidArgument("IS NULL takes one argument");
        KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[0]));
        const Op op = e.GetExpressionType() == ExpressionType::OPERATOR_IS_NULL ? Op::kIsNull : Op::kIsNotNull;
        return Unary(op, {Type::kBool}, t);
      }
      case ExpressionType::COMPARE_IN:
      case ExpressionType::COMPARE_NOT_IN: return In(e);
      default: return NotSupported("Operator " + duckdb::ExpressionTypeToString(e.GetExpressionType()) + " is");
    }
  }

  Result<Typed> In(const duckdb::OperatorExpression& e) {
    if (e.children.size() < 2) return Status::InvalidArgument("IN needs a list of values");
    KALAM_ASSIGN_OR_RETURN(Typed x, Expr(*e.children[0]));
    std::vector<Typed> items;
    for (size_t i = 1; i < e.children.size(); ++i) {
      KALAM_ASSIGN_OR_RETURN(Typed item, Expr(*e.children[i]));
      KALAM_RETURN_IF_ERROR(CoercePair(x, item));
      items.push_back(item);
    }
    TypeInfo common = x.type;
    for (const Typed& item : items) {
      KALAM_ASSIGN_OR_RETURN(common, CommonType(common, item.type, "IN"));
    }
    KALAM_ASSIGN_OR_RETURN(x, CastTo(x, common));
    Node n;
    n.op = Op::kIn;
    n.negate = e.GetExpressionType() == duckdb::ExpressionType::COMPARE_NOT_IN;
    n.type = {Type::kBool};
    n.operand = common;
    n.a = x.node;
    std::vector<uint32_t> item_nodes;
    for (const Typed& item : items) {
      KALAM_ASSIGN_OR_RETURN(Typed cast, CastTo(item, common));
      item_nodes.push_back(cast.node);
    }
    n.first = static_cast<uint32_t>(program_.args.size());
    n.count = static_cast<uint32_t>(item_nodes.size());
    program_.args.insert(program_.args.end(), item_nodes.begin(), item_nodes.end());
    return Make(n);
  }

  Result<Typed> Between(const duckdb::BetweenExpression& e) {
    KALAM_ASSIGN_OR_RETURN(Typed x, Expr(*e.input));
    KALAM_ASSIGN_OR_RETURN(Typed lo, Expr(*e.lower));
    KALAM_ASSIGN_OR_RETURN(Typed hi, Expr(*e.upper));
    KALAM_RETURN_IF_ERROR(CoercePair(x, lo));
    KALAM_RETURN_IF_ERROR(CoercePair(x, hi));
    KALAM_ASSIGN_OR_RETURN(TypeInfo common, CommonType(x.type, lo.type, "BETWEEN"));
    KALAM_ASSIGN_OR_RETURN(common, CommonType(common, hi.type, "BETWEEN"));
    KALAM_ASSIGN_OR_RETURN(x, CastTo(x, common));
    KALAM_ASSIGN_OR_RETURN(lo, CastTo(lo, common));
    KALAM_ASSIGN_OR_RETURN(hi, CastTo(hi, common));
    Node n;
    n.op = Op::kBetween;
    n.type = {Type::kBool};
    n.operand = common;
    n.a = x.node;
    n.b = lo.node;
    n.c = hi.node;
    return Make(n);
  }

  Result<Typed> Like(const duckdb::FunctionExpression& e, bool negate, bool case_insensitive, bool has_escape) {
    const size_t arity = has_escape ? 3 : 2;
    const char* name = case_insensitive ? "ILIKE" : "LIKE";
    if (e.children.size() != arity) {
      return Status::InvalidArgument(std::string(name) + " takes " + std::to_string(arity) + " arguments");
    }
    Node n;
    n.op = Op::kLike;
    n.sub = case_insensitive ? 1 : 0;
    n.negate = negate;
    n.type = {Type::kBool};
    uint32_t* slots[] = {&n.a, &n.b, &n.c};
    for (size_t i = 0; i < arity; ++i) {
      KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[i]));
      if (t.type.type != Type::kText && t.type.type != Type::kNull) {
        return Status::InvalidArgument(std::string(name) + " needs TEXT operands, not " + TypeName(t.type));
      }
      if (i == 2 && ConstantText(t.node) && ConstantText(t.node)->size() > 1) {
        return Status::InvalidArgument("ESCAPE must be empty or a single character");
      }
      if (t.type.type == Type::kNull) t = NullOf({Type::kText});
      *slots[i] = t.node;
    }
    return Make(n);
  }

  // ---- arithmetic ------------------------------------------------------------------------

  Result<Typed> Arithmetic(std::string_view op, Typed l, Typed r) {
    // A NULL operand makes the result NULL; give it the other side's type.
    if (l.type.type == Type::kNull || r.type.type == Type::kNull) {
      return NullOf(l.type.type == Type::kNull ? r.type : l.type);
    }
    const Type lt = l.type.type;
    const Type rt = r.type.type;
    auto invalid = [&]() {
      return Status::InvalidArgument("No operator " + std::string(op) + " for " + TypeName(l.type) + " and " +
                                     TypeName(r.type));
    };
    if (IsNumeric(l.type) && IsNumeric(r.type)) return NumericArithmetic(op, l, r);
    auto kernel = [&](Kernel k, TypeInfo type, const Typed& a, const Typed& b) -> Result<Typed> {
      return Binary(Op::kArith, static_cast<uint8_t>(k), type, {}, a, b);
    };
    const TypeInfo timestamp{Type::kTimestamp};
    // Dates meeting intervals or timestamps become timestamps first.
    if (lt == Type::kDate && (rt == Type::kInterval || rt == Type::kTimestamp)) {
      KALAM_ASSIGN_OR_RETURN(l, CastTo(l, timestamp));
      return Arithmetic(op, l, r);
    }
    if (rt == Type::kDate && (lt == Type::kInterval || lt == Type::kTimestamp)) {
      KALAM_ASSIGN_OR_RETURN(r, CastTo(r, timestamp));
      return Arithmetic(op, l, r);
    }
    if (op == "+") {
      if (lt == Type::kTimestamp && rt == Type::kInterval) return kernel(Kernel::kTsAddIv, timestamp, l, r);
      if (lt == Type::kInterval && rt == Type::kTimestamp) return kernel(Kernel::kTsAddIv, timestamp, r, l);
      if (lt == Type::kDate && rt == Type::kInt) return kernel(Kernel::kDateAddInt, {Type::kDate}, l, r);
      if (lt == Type::kInt && rt == Type::kDate) return kernel(Kernel::kDateAddInt, {Type::kDate}, r, l);
      if (lt == Type::kInterval && rt == Type::kInterval) return kernel(Kernel::kIvAdd, {Type::kInterval}, l, r);
    } else if (op == "-") {
      if (lt == Type::kTimestamp && rt == Type::kInterval) return kernel(Kernel::kTsSubIv, timestamp, l, r);
      if (lt == Type::kTimestamp && rt == Type::kTimestamp) return kernel(Kernel::kTsSubTs, {Type::kInterval}, l, r);
      if (lt == Type::kDate && rt == Type::kInt) return kernel(Kernel::kDateSubInt, {Type::kDate}, l, r);
      if (lt == Type::kDate && rt == Type::kDate) return kernel(Kernel::kDateSubDate, {Type::kInt}, l, r);
      if (lt == Type::kInterval && rt == Type::kInterval) return kernel(Kernel::kIvSub, {Type::kInterval}, l, r);
    } else if ((op == "*" || op == "/") && (lt == Type::kInterval || rt == Type::kInterval) &&
               (IsNumeric(l.type) || IsNumeric(r.type))) {
      return NotSupported("Multiplying or dividing an INTERVAL is");
    }
    return invalid();
  }

  Result<Typed> NumericArithmetic(std::string_view op, Typed l, Typed r) {
    const Type lt = l.type.type;
    const Type rt = r.type.type;
    const TypeInfo dbl{Type::kDouble};
    auto kernel = [&](Kernel k, TypeInfo type, const Typed& a, const Typed& b) -> Result<Typed> {
      return Binary(Op::kArith, static_cast<uint8_t>(k), type, {}, a, b);
    };
    auto as_double = [&](Kernel k) -> Result<Typed> {
      KALAM_ASSIGN_OR_RETURN(Typed a, CastTo(l, dbl));
      KALAM_ASSIGN_OR_RETURN(Typed b, CastTo(r, dbl));
      return kernel(k, dbl, a, b);
    };
    // `/` is always floating-point division in DuckDB; `//` divides integers, and is plain
    // division (NULL when dividing by zero) for everything else.
    if (op == "/") return as_double(Kernel::kDoubleDiv);
    if (lt == Type::kInt && rt == Type::kInt) {
      const TypeInfo integer{Type::kInt};
      if (op == "+") return kernel(Kernel::kIntAdd, integer, l, r);
      if (op == "-") return kernel(Kernel::kIntSub, integer, l, r);
      if (op == "*") return kernel(Kernel::kIntMul, integer, l, r);
      if (op == "//") return kernel(Kernel::kIntDiv, integer, l, r);
      return kernel(Kernel::kIntMod, integer, l, r);
    }
    if (lt == Type::kDouble || rt == Type::kDouble || op == "//") {
      if (op == "+") return as_double(Kernel::kDoubleAdd);
      if (op == "-") return as_double(Kernel::kDoubleSub);
      if (op == "*") return as_double(Kernel::kDoubleMul);
      if (op == "//") return as_double(Kernel::kDoubleIntDiv);
      return as_double(Kernel::kDoubleMod);
    }
    // Decimals (an INT operand is a DECIMAL with scale 0).
    const uint8_t ls = lt == Type::kDecimal ? l.type.scale : 0;
    const uint8_t rs = rt == Type::kDecimal ? r.type.scale : 0;
    if (op == "*") {
      if (ls + rs > kMaxDecimalDigits) return as_double(Kernel::kDoubleMul);
      KALAM_ASSIGN_OR_RETURN(Typed a, CastTo(l, {Type::kDecimal, ls}));
      KALAM_ASSIGN_OR_RETURN(Typed b, CastTo(r, {Type::kDecimal, rs}));
      return kernel(Kernel::kDecMul, {Type::kDecimal, static_cast<uint8_t>(ls + rs)}, a, b);
    }
    const TypeInfo common{Type::kDecimal, std::max(ls, rs)};
    KALAM_ASSIGN_OR_RETURN(Typed a, CastTo(l, common));
    KALAM_ASSIGN_OR_RETURN(Typed b, CastTo(r, common));
    if (op == "+") return kernel(Kernel::kDecAdd, common, a, b);
    if (op == "-") return kernel(Kernel::kDecSub, common, a, b);
    return kernel(Kernel::kDecMod, common, a, b);
  }

  Result<Typed> Negate(const Typed& t) {
    switch (t.type.type) {
      case Type::kNull: return t;
      case Type::kInt:
      case Type::kDouble:
      case Type::kDecimal:
      case Type::kInterval: return Unary(Op::kNegate, t.type, t);
      default: return Status::InvalidArgument("Cannot negate " + TypeName(t.type));
    }
  }

  // ---- functions -----------------------------------------------------------------------

  Result<Typed> Function(const duckdb::FunctionExpression& e) {
    const std::string name = ToLower(e.function_name);
    if (e.distinct || e.filter || (e.order_bys && !e.order_bys->orders.empty()) || e.export_state) {
      return NotSupported("Aggregate " + name + "() is");
    }
    const std::string schema = ToLower(e.schema);
    if ((!e.catalog.empty() && ToLower(e.catalog) != "system") ||
        (!schema.empty() && schema != "main" && schema != "pg_catalog")) {
      return NotSupported("Function " + e.ToString() + " is");
    }
    const size_t arity = e.children.size();
    auto expect = [&](size_t n) -> Status {
      if (arity == n) return Status::Ok();
      return Status::InvalidArgument("Function " + name + "() takes " + std::to_string(n) + " argument" +
                                     (n == 1 ? "" : "s"));
    };

    if (name == "+" || name == "-" || name == "*" || name == "/" || name == "//" || name == "%") {
      if (arity == 1 && (name == "+" || name == "-")) {
        KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[0]));
        if (name == "-") return Negate(t);
        if (!IsNumeric(t.type) && t.type.type != Type::kNull) {
          return Status::InvalidArgument("Unary + needs a number, not " + TypeName(t.type));
        }
        return t;
      }
      KALAM_RETURN_IF_ERROR(expect(2));
      KALAM_ASSIGN_OR_RETURN(Typed l, Expr(*e.children[0]));
      KALAM_ASSIGN_OR_RETURN(Typed r, Expr(*e.children[1]));
      return Arithmetic(name, l, r);
    }
    if (name == "~~") return Like(e, false, false, false);
    if (name == "!~~") return Like(e, true, false, false);
    if (name == "~~*") return Like(e, false, true, false);
    if (name == "!~~*") return Like(e, true, true, false);
    if (name == "like_escape") return Like(e, false, false, true);
    if (name == "not_like_escape") return Like(e, true, false, true);
    if (name == "ilike_escape") return Like(e, false, true, true);
    if (name == "not_ilike_escape") return Like(e, true, true, true);
    if (name == "now" || name == "current_timestamp") {
      KALAM_RETURN_IF_ERROR(expect(0));
      return NowNode();
    }
    if (name == "current_date" || name == "today") {
      KALAM_RETURN_IF_ERROR(expect(0));
      return CastTo(NowNode(), {Type::kDate});
    }
    if (name == "current_user" || name == "current_user_id") {
      KALAM_RETURN_IF_ERROR(expect(0));
      return TextConstant(subscriber_.str());
    }
    if (name == "trunc") {
      KALAM_RETURN_IF_ERROR(expect(1));
      KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[0]));
      if (t.type.type == Type::kInt || t.type.type == Type::kNull) return t;
      if (t.type.type != Type::kDouble && t.type.type != Type::kDecimal) {
        return Status::InvalidArgument("trunc() needs a number, not " + TypeName(t.type));
      }
      return Unary(Op::kTrunc, t.type, t);
    }
    if (auto unit = IntervalFunction(name)) {
      KALAM_RETURN_IF_ERROR(expect(1));
      KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.children[0]));
      return ToInterval(name, unit->first, unit->second, t);
    }
    return NotSupported("Function " + name + "() is");
  }

  // The functions DuckDB's parser turns `INTERVAL n UNIT` into.
  static std::optional<std::pair<IntervalUnit, int64_t>> IntervalFunction(const std::string& name) {
    if (name == "to_microseconds") return std::pair{IntervalUnit::kMicros, int64_t{1}};
    if (name == "to_milliseconds") return std::pair{IntervalUnit::kMicros, int64_t{1'000}};
    if (name == "to_seconds") return std::pair{IntervalUnit::kMicros, int64_t{1'000'000}};
    if (name == "to_minutes") return std::pair{IntervalUnit::kMicros, int64_t{60'000'000}};
    if (name == "to_hours") return std::pair{IntervalUnit::kMicros, int64_t{3'600'000'000}};
    if (name == "to_days") return std::pair{IntervalUnit::kDays, int64_t{1}};
    if (name == "to_weeks") return std::pair{IntervalUnit::kDays, int64_t{7}};
    if (name == "to_months") return std::pair{IntervalUnit::kMonths, int64_t{1}};
    if (name == "to_years") return std::pair{IntervalUnit::kMonths, int64_t{12}};
    if (name == "to_decades") return std::pair{IntervalUnit::kMonths, int64_t{120}};
    if (name == "to_centuries") return std::pair{IntervalUnit::kMonths, int64_t{1'200}};
    if (name == "to_millennia") return std::pair{IntervalUnit::kMonths, int64_t{12'000}};
    return std::nullopt;
  }

  Result<Typed> ToInterval(const std::string& name, IntervalUnit unit, int64_t multiplier, Typed t) {
    const TypeInfo interval{Type::kInterval};
    if (t.type.type == Type::kNull) return NullOf(interval);
    if (!IsNumeric(t.type)) return Status::InvalidArgument(name + "() needs a number, not " + TypeName(t.type));
    // As DuckDB: to_seconds() and to_milliseconds() take DOUBLE, the others integers.
    const bool fractional = unit == IntervalUnit::kMicros && (multiplier == 1'000 || multiplier == 1'000'000);
    KALAM_ASSIGN_OR_RETURN(t, CastTo(t, fractional ? TypeInfo{Type::kDouble} : TypeInfo{Type::kInt}));
    Node n;
    n.op = Op::kToInterval;
    n.sub = static_cast<uint8_t>(unit);
    n.k = multiplier;
    n.type = interval;
    n.operand = t.type;
    n.a = t.node;
    return Make(n);
  }

  Result<Typed> ExplicitCast(const duckdb::CastExpression& e) {
    KALAM_ASSIGN_OR_RETURN(Typed t, Expr(*e.child));
    const duckdb::LogicalType& target = e.cast_type;
    if (IsConstant(t)) {
      // Literals convert with DuckDB's own cast (INTERVAL '1 hour', TRUE, '2025-01-01'::DATE).
      duckdb::Value out;
      std::string error;
      if (ValueOf(t).DefaultTryCastAs(target, out, &error)) return Constant(out);
      if (!e.try_cast) {
        return Status::InvalidArgument("Cannot cast " + ValueOf(t).ToString() + " to " + target.ToString() +
                                       (error.empty() ? "" : ": " + error));
      }
      KALAM_ASSIGN_OR_RETURN(TypeInfo to, TypeOfLiteral(target));
      return NullOf(to);
    }
    TypeInfo to;
    int64_t k = 0;
    switch (target.id()) {
      case LogicalTypeId::BOOLEAN: to = {Type::kBool}; break;
      case LogicalTypeId::TINYINT:
        to = {Type::kInt};
        k = 8;
        break;
      case LogicalTypeId::SMALLINT:
        to = {Type::kInt};
        k = 16;
        break;
      case LogicalTypeId::INTEGER:
        to = {Type::kInt};
        k = 32;
        break;
      case LogicalTypeId::BIGINT:
        to = {Type::kInt};
        k = 64;
        break;
      case LogicalTypeId::FLOAT:
        to = {Type::kDouble};
        k = 32;
        break;
      case LogicalTypeId::DOUBLE:
        to = {Type::kDouble};
        k = 64;
        break;
      case LogicalTypeId::DECIMAL:
        to = {Type::kDecimal, duckdb::DecimalType::GetScale(target)};
        k = duckdb::DecimalType::GetWidth(target);
        break;
      case LogicalTypeId::VARCHAR: to = {Type::kText}; break;
      case LogicalTypeId::BLOB: to = {Type::kBlob}; break;
      case LogicalTypeId::TIMESTAMP:
      case LogicalTypeId::TIMESTAMP_TZ: to = {Type::kTimestamp}; break;
      case LogicalTypeId::DATE: to = {Type::kDate}; break;
      case LogicalTypeId::TIME: to = {Type::kTime}; break;
      case LogicalTypeId::INTERVAL: to = {Type::kInterval}; break;
      case LogicalTypeId::UUID: to = {Type::kUuid}; break;
      default: return NotSupported("CAST to " + target.ToString() + " is");
    }
    if (!RuntimeCastSupported(t.type, to)) {
      return NotSupported("CAST from " + TypeName(t.type) + " to " + target.ToString() + " is");
    }
    if (t.type == to && (k == 0 || (to.type != Type::kDecimal && k == 64))) return t;
    return CastTo(t, to, k);
  }

  const TableDefinition& def_;
  const UserId& subscriber_;
  FilterProgram& program_;
  ColumnDefinition seq_column_;
};

}  // namespace
}  // namespace internal

RowFilter::RowFilter() = default;

RowFilter::RowFilter(std::shared_ptr<const internal::FilterProgram> program) : program_(std::move(program)) {}

Result<RowFilter> RowFilter::Compile(const duckdb::ParsedExpression* where, const TableDefinition& def,
                                     const UserId& subscriber) {
  if (where == nullptr) return RowFilter();
  auto program = std::make_shared<internal::FilterProgram>();
  internal::Compiler compiler(def, subscriber, *program);
  try {
    KALAM_ASSIGN_OR_RETURN(internal::Typed root, compiler.Expr(*where));
    KALAM_RETURN_IF_ERROR(compiler.CheckPredicate(root));
    if (compiler.IsConstant(root) && !compiler.ConstantValue(root).null && compiler.ConstantValue(root).b) {
      return RowFilter();
    }
    program->root = root.node;
  } catch (const std::exception& e) {
    // DuckDB's casts and value helpers report some failures by throwing.
    return Status::InvalidArgument(std::string("Invalid subscription filter: ") + e.what());
  }
  return RowFilter(std::move(program));
}

bool RowFilter::Matches(const std::vector<duckdb::Value>& row, SeqId seq) const {
  if (program_ == nullptr) return true;
  const internal::EvalContext ctx{row, seq, program_->uses_now ? NowMicros() : 0};
  const internal::Datum result = program_->Eval(program_->root, ctx);
  return !result.null && result.b;
}

}  // namespace kalam::live
