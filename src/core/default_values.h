#pragma once

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/column_definition.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/seq_generator.h"

namespace kalam::core {

// Evaluates column DEFAULTs natively (they are literals or a fixed set of functions, so
// inserts never need the SQL planner for them). NOW() is fixed per statement.
class DefaultEvaluator {
 public:
  // `seq` must outlive the evaluator.
  DefaultEvaluator(SeqGenerator& seq, UserId acting_user, int64_t statement_time_us)
      : seq_(seq), acting_user_(std::move(acting_user)), now_us_(statement_time_us) {}

  // The column's default coerced to its type, or NULL when it has none.
  Result<duckdb::Value> Evaluate(const ColumnDefinition& column);

 private:
  SeqGenerator& seq_;
  UserId acting_user_;
  int64_t now_us_;
};

}  // namespace kalam::core
