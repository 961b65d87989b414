#include <cmath>
#include <cstdint>
#include <limits>

#include "decimal_interval.h"
#include "duckdb/common/types/value.hpp"
#include "filter_program.h"
#include "like_matcher.h"

// FilterProgram::Eval: one node at a time, SQL three-valued logic, DuckDB's semantics for
// every operator (row_filter_test.cc compares the two).

namespace kalam::live::internal {
namespace {

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

}  // namespace kalam::live::internal
