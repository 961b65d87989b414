#include "filter_compiler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "decimal_interval.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/tables/type_mapping.h"
#include "kalam/tables/value_coercion.h"

namespace kalam::live::internal {

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

Result<Typed> Compiler::Expr(const duckdb::ParsedExpression& e) {
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
Status Compiler::CheckPredicate(const Typed& t) {
  if (t.type.type == Type::kBool || t.type.type == Type::kNull) return Status::Ok();
  return Status::InvalidArgument("WHERE must be a boolean expression, not " + TypeName(t.type));
}

// The bytes of a non-NULL text constant node.
std::optional<std::string_view> Compiler::ConstantText(uint32_t node) const {
  const Node& n = program_.nodes[node];
  if (n.op != Op::kConst || n.value.null || n.type.type != Type::kText) return std::nullopt;
  return std::string_view(program_.strings[n.k]);
}

// ---- nodes -------------------------------------------------------------------------
// Appends `node`; folds it into a constant when all its inputs are constants.
uint32_t Compiler::Add(Node node) {
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

bool Compiler::Foldable(const Node& n) const {
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

Typed Compiler::Make(Node node) {
  const TypeInfo type = node.type;
  return Typed{Add(node), type};
}

Typed Compiler::Unary(Op op, TypeInfo type, const Typed& a) {
  Node n;
  n.op = op;
  n.type = type;
  n.a = a.node;
  return Make(n);
}

Typed Compiler::Binary(Op op, uint8_t sub, TypeInfo type, TypeInfo operand, const Typed& a, const Typed& b) {
  Node n;
  n.op = op;
  n.sub = sub;
  n.type = type;
  n.operand = operand;
  n.a = a.node;
  n.b = b.node;
  return Make(n);
}

Typed Compiler::NullOf(TypeInfo type) {
  Node n;
  n.type = type;
  return Make(n);
}

Typed Compiler::BoolConstant(bool v) {
  Node n;
  n.type = {Type::kBool};
  n.value = Bool(v);
  return Make(n);
}

Typed Compiler::TextConstant(std::string text, Type type) {
  Node n;
  n.type = {type};
  n.value = Text({});
  n.k = static_cast<int64_t>(program_.strings.size());
  program_.strings.push_back(std::move(text));
  return Make(n);
}

// ---- literals ------------------------------------------------------------------------
Result<Typed> Compiler::Constant(const duckdb::Value& v) {
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

Result<TypeInfo> Compiler::TypeOfLiteral(const duckdb::LogicalType& type) {
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

// The literal `t` as a duckdb::Value (for DuckDB's casts and the coercion of docs/value-encoding.md).
duckdb::Value Compiler::ValueOf(const Typed& t) const {
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
Result<Typed> Compiler::ColumnRef(const duckdb::ColumnRefExpression& ref) {
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
      return NotSupported("Column reference '" + ref.ToString() + "' (not a column of " + def_.id.ToString() + ") is");
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

Typed Compiler::NowNode() {
  program_.uses_now = true;
  Node n;
  n.op = Op::kNow;
  n.type = {Type::kTimestamp};
  return Make(n);
}

// ---- implicit conversions ------------------------------------------------------------
// `t` converted to `to` (a type the two sides of an operator agreed on).
Result<Typed> Compiler::CastTo(const Typed& t, TypeInfo to, int64_t k) {
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
// The input rules of docs/value-encoding.md when `other` is a column (so `id = '5'` on BIGINT and `created_at >
// 1700000000000000` on TIMESTAMP work), to the expression's type otherwise.
Result<Typed> Compiler::CoerceLiteral(const Typed& literal, const Typed& other) {
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
Status Compiler::CoercePair(Typed& l, Typed& r) {
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
Result<TypeInfo> Compiler::CommonType(TypeInfo a, TypeInfo b, std::string_view what) {
  if (a.type == Type::kNull) return b;
  if (b.type == Type::kNull) return a;
  if (a.type == b.type) return TypeInfo{a.type, std::max(a.scale, b.scale)};
  if (IsNumeric(a) && IsNumeric(b)) {
    if (a.type == Type::kDouble || b.type == Type::kDouble) return TypeInfo{Type::kDouble};
    return TypeInfo{Type::kDecimal, std::max(a.scale, b.scale)};  // INT has scale 0
  }
  const auto is = [&](Type x, Type y) { return (a.type == x && b.type == y) || (a.type == y && b.type == x); };
  if (is(Type::kTimestamp, Type::kDate)) return TypeInfo{Type::kTimestamp};
  return Status::InvalidArgument("Cannot compare " + TypeName(a) + " with " + TypeName(b) + " in " + std::string(what));
}

}  // namespace kalam::live::internal
