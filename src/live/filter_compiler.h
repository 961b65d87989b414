#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "duckdb/parser/expression/list.hpp"
#include "duckdb/parser/parsed_expression.hpp"
#include "filter_program.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"

namespace kalam::live::internal {

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

std::string TypeName(TypeInfo t);
bool IsNumeric(TypeInfo t);
duckdb::LogicalType LogicalTypeFor(TypeInfo t);
// The column type a non-column expression of type `t` stands for when a literal compared with
// it is coerced (the value-encoding input rules); nullopt where there is no such type.
std::optional<DataType> DataTypeFor(TypeInfo t);

// The evaluator's view of a column: type and how to read its duckdb::Value.
struct ColumnAccess {
  TypeInfo type;
  Reader reader;
};
ColumnAccess AccessFor(const DataType& type);

// Conversions the evaluator performs at run time (anything else only folds on literals).
bool RuntimeCastSupported(TypeInfo from, TypeInfo to);
std::string_view ComparisonSymbol(Cmp cmp);
Status NotSupported(std::string_view what);

// Builds a FilterProgram from a parsed WHERE clause: type-checks, coerces literals, inserts
// casts and folds constants. One use per Compile(). filter_compiler.cc holds the node
// building, literals, columns and coercion; filter_compiler_operators.cc the operators,
// functions and casts.
class Compiler {
 public:
  Compiler(const TableDefinition& def, const UserId& subscriber, FilterProgram& program)
      : def_(def), subscriber_(subscriber), program_(program) {
    seq_column_.name = "_seq";
    seq_column_.type = DataType{TypeKind::kBigInt, 0, 0};
    seq_column_.nullable = false;
  }
  Result<Typed> Expr(const duckdb::ParsedExpression& e);
  Status CheckPredicate(const Typed& t);
  bool IsConstant(const Typed& t) const { return program_.nodes[t.node].op == Op::kConst; }
  std::optional<std::string_view> ConstantText(uint32_t node) const;
  const Datum& ConstantValue(const Typed& t) const { return program_.nodes[t.node].value; }

 private:
  uint32_t Add(Node node);
  bool Foldable(const Node& n) const;
  Typed Make(Node node);
  Typed Unary(Op op, TypeInfo type, const Typed& a);
  Typed Binary(Op op, uint8_t sub, TypeInfo type, TypeInfo operand, const Typed& a, const Typed& b);
  Typed NullOf(TypeInfo type);
  Typed BoolConstant(bool v);
  Typed TextConstant(std::string text, Type type = Type::kText);
  Result<Typed> Constant(const duckdb::Value& v);
  Result<TypeInfo> TypeOfLiteral(const duckdb::LogicalType& type);
  duckdb::Value ValueOf(const Typed& t) const;
  Result<Typed> ColumnRef(const duckdb::ColumnRefExpression& ref);
  Typed NowNode();
  Result<Typed> CastTo(const Typed& t, TypeInfo to, int64_t k = 0);
  Result<Typed> CoerceLiteral(const Typed& literal, const Typed& other);
  Status CoercePair(Typed& l, Typed& r);
  Result<TypeInfo> CommonType(TypeInfo a, TypeInfo b, std::string_view what);
  Result<Typed> Comparison(const duckdb::ComparisonExpression& e);
  Result<TypeInfo> Unify(Typed& l, Typed& r, std::string_view what);
  Result<Typed> Conjunction(const duckdb::ConjunctionExpression& e);
  Status CheckBoolean(const Typed& t, std::string_view what);
  Result<Typed> Operator(const duckdb::OperatorExpression& e);
  Result<Typed> In(const duckdb::OperatorExpression& e);
  Result<Typed> Between(const duckdb::BetweenExpression& e);
  Result<Typed> Like(const duckdb::FunctionExpression& e, bool negate, bool case_insensitive, bool has_escape);
  Result<Typed> Arithmetic(std::string_view op, Typed l, Typed r);
  Result<Typed> NumericArithmetic(std::string_view op, Typed l, Typed r);
  Result<Typed> Negate(const Typed& t);
  Result<Typed> Function(const duckdb::FunctionExpression& e);
  static std::optional<std::pair<IntervalUnit, int64_t>> IntervalFunction(const std::string& name);
  Result<Typed> ToInterval(const std::string& name, IntervalUnit unit, int64_t multiplier, Typed t);
  Result<Typed> ExplicitCast(const duckdb::CastExpression& e);

  const TableDefinition& def_;
  const UserId& subscriber_;
  FilterProgram& program_;
  ColumnDefinition seq_column_;
};

}  // namespace kalam::live::internal
