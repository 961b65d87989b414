#include <algorithm>
#include <cmath>
#include <limits>

#include "decimal_interval.h"
#include "filter_compiler.h"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"
#include "like_matcher.h"

namespace kalam::live::internal {

// ---- predicates ------------------------------------------------------------------------
Result<Typed> Compiler::Comparison(const duckdb::ComparisonExpression& e) {
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
Result<TypeInfo> Compiler::Unify(Typed& l, Typed& r, std::string_view what) {
  KALAM_RETURN_IF_ERROR(CoercePair(l, r));
  KALAM_ASSIGN_OR_RETURN(TypeInfo common, CommonType(l.type, r.type, what));
  KALAM_ASSIGN_OR_RETURN(l, CastTo(l, common));
  KALAM_ASSIGN_OR_RETURN(r, CastTo(r, common));
  return common;
}

Result<Typed> Compiler::Conjunction(const duckdb::ConjunctionExpression& e) {
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

Status Compiler::CheckBoolean(const Typed& t, std::string_view what) {
  if (t.type.type == Type::kBool || t.type.type == Type::kNull) return Status::Ok();
  return Status::InvalidArgument("Argument of " + std::string(what) + " must be BOOLEAN, not " + TypeName(t.type));
}

Result<Typed> Compiler::Operator(const duckdb::OperatorExpression& e) {
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

Result<Typed> Compiler::In(const duckdb::OperatorExpression& e) {
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

Result<Typed> Compiler::Between(const duckdb::BetweenExpression& e) {
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

Result<Typed> Compiler::Like(const duckdb::FunctionExpression& e, bool negate, bool case_insensitive, bool has_escape) {
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
Result<Typed> Compiler::Arithmetic(std::string_view op, Typed l, Typed r) {
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

Result<Typed> Compiler::NumericArithmetic(std::string_view op, Typed l, Typed r) {
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

Result<Typed> Compiler::Negate(const Typed& t) {
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
Result<Typed> Compiler::Function(const duckdb::FunctionExpression& e) {
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
std::optional<std::pair<IntervalUnit, int64_t>> Compiler::IntervalFunction(const std::string& name) {
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

Result<Typed> Compiler::ToInterval(const std::string& name, IntervalUnit unit, int64_t multiplier, Typed t) {
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

Result<Typed> Compiler::ExplicitCast(const duckdb::CastExpression& e) {
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

}  // namespace kalam::live::internal
