#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "duckdb/common/types.hpp"
#include "duckdb/common/types/value.hpp"

// The compiled form of a live-query filter (row_filter.h): typed nodes in one flat array,
// built by the compiler (filter_compiler.h) and walked by the evaluator (filter_evaluator.cc).
// Internal to the live module.

namespace kalam::live::internal {

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

// The compiled filter: immutable once Compile() returns, shared by copies of the RowFilter.
struct FilterProgram {
  std::vector<Node> nodes;
  std::vector<uint32_t> args;
  std::vector<std::string> strings;
  uint32_t root = 0;
  bool uses_now = false;

  Datum Eval(uint32_t index, const EvalContext& ctx) const;
};

inline Datum Null() { return Datum{}; }
// A non-null datum with one member set (the union's other members stay unset).
template <typename T>
inline Datum Make(T Datum::*member, T v) {
  Datum d;
  d.null = false;
  d.*member = v;
  return d;
}
inline Datum Bool(bool v) { return Make(&Datum::b, v); }
inline Datum Int(int64_t v) { return Make(&Datum::i, v); }
inline Datum Double(double v) { return Make(&Datum::d, v); }
inline Datum Wide(Int128 v) { return Make(&Datum::h, v); }
inline Datum Interval(IntervalValue v) { return Make(&Datum::iv, v); }
inline Datum Text(std::string_view v) { return Make(&Datum::s, v); }

}  // namespace kalam::live::internal
