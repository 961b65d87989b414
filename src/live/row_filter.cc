#include "kalam/live/row_filter.h"

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "filter_compiler.h"
#include "filter_program.h"
#include "kalam/commons/clock.h"

namespace kalam::live {

RowFilter::RowFilter() = default;

RowFilter::RowFilter(std::shared_ptr<const internal::FilterProgram> program, const Clock& clock)
    : program_(std::move(program)), clock_(&clock) {}

Result<RowFilter> RowFilter::Compile(const duckdb::ParsedExpression* where, const TableDefinition& def,
                                     const UserId& subscriber, const Clock& clock) {
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
  return RowFilter(std::move(program), clock);
}

bool RowFilter::Matches(const std::vector<duckdb::Value>& row, SeqId seq) const {
  if (program_ == nullptr) return true;
  const internal::EvalContext ctx{row, seq, program_->uses_now ? clock_->NowMicros() : 0};
  const internal::Datum result = program_->Eval(program_->root, ctx);
  return !result.null && result.b;
}

}  // namespace kalam::live
