#include "direct_read.h"

#include <algorithm>

#include "direct_read_plan.h"
#include "duckdb/common/vector_operations/vector_operations.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "kalam/commons/names.h"
#include "kalam/core/limit_errors.h"
#include "kalam/tables/table_scan.h"
#include "kalam/tables/type_mapping.h"
#include "result_flags.h"

namespace kalam::core {
namespace {

using duckdb::DataChunk;
using duckdb::ExpressionType;
using duckdb::idx_t;

// How often the scan loop looks at the statement's deadline, in versions read.
constexpr uint64_t kDeadlineCheckInterval = 1024;

// What a direct read did, for EXPLAIN ANALYZE and tests.
struct ReadStats {
  uint64_t rows_examined = 0;  // newest visible versions the conditions were applied to
  tables::ScanCounters counters;
  size_t segments = 0;  // listed for the scope
};

bool Holds(const duckdb::Value& value, ExpressionType op, const duckdb::Value& constant) {
  if (value.IsNull()) return false;
  switch (op) {
    case ExpressionType::COMPARE_EQUAL: return value == constant;
    case ExpressionType::COMPARE_NOTEQUAL: return value != constant;
    case ExpressionType::COMPARE_LESSTHAN: return value < constant;
    case ExpressionType::COMPARE_LESSTHANOREQUALTO: return value <= constant;
    case ExpressionType::COMPARE_GREATERTHAN: return value > constant;
    case ExpressionType::COMPARE_GREATERTHANOREQUALTO: return value >= constant;
    default: return false;
  }
}

bool Passes(const DirectReadPlan& plan, const DataChunk& chunk, idx_t row) {
  for (const auto& c : plan.conditions) {
    if (!Holds(chunk.GetValue(c.position, row), c.op, c.value)) return false;
  }
  return true;
}

duckdb::LogicalType TypeOf(const TableDefinition& def, const tables::ScanColumn& column) {
  switch (column.kind) {
    case tables::ScanColumn::Kind::kUserColumn: return tables::ToLogicalType(def.columns[column.column_index].type);
    case tables::ScanColumn::Kind::kDeleted: return duckdb::LogicalType::BOOLEAN;
    case tables::ScanColumn::Kind::kSeq:
    case tables::ScanColumn::Kind::kRowId: return duckdb::LogicalType::BIGINT;
  }
  return duckdb::LogicalType::BIGINT;
}

// Collects the answer's rows the way RunSelect does: OFFSET skipped, LIMIT and
// limits.max_result_rows applied, limits.max_answer_bytes checked as chunks fill.
class AnswerBuilder {
 public:
  AnswerBuilder(EngineContext& engine, ExecContext& ctx, const DirectReadPlan& plan, StatementResult* out)
      : engine_(engine),
        ctx_(ctx),
        plan_(plan),
        out_(*out),
        offset_left_(plan.offset),
        done_(plan.limit && *plan.limit == 0) {
    for (size_t i = 0; i < plan.output_names.size(); ++i) types_.push_back(TypeOf(*plan.def, plan.projection[i]));
    out_.has_rows = true;
    out_.as_user = ctx.acting_user;
    for (size_t i = 0; i < types_.size(); ++i) {
      out_.columns.push_back(ResultColumn{plan.output_names[i], tables::FromLogicalType(types_[i]), {}});
    }
    out_.rows = std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), types_);
    pending_.Initialize(duckdb::Allocator::DefaultAllocator(), types_);
  }

  const duckdb::vector<duckdb::LogicalType>& types() const { return types_; }
  bool done() const { return done_; }

  // Whether the next row that passes the conditions belongs in the answer; false once the
  // answer is complete (then done()).
  bool Take() {
    if (done_) return false;
    if (offset_left_ > 0) {
      --offset_left_;
      return false;
    }
    if (plan_.limit && taken_ == *plan_.limit) {
      done_ = true;
      return false;
    }
    if (taken_ == engine_.config.max_result_rows) {
      out_.truncated = true;
      done_ = true;
      return false;
    }
    ++taken_;
    if (plan_.limit && taken_ == *plan_.limit) done_ = true;
    return true;
  }

  // Copies row `row` of `chunk` (whose first columns are the answer's) into the answer.
  Status AddRow(const DataChunk& chunk, idx_t row) {
    const idx_t at = pending_.size();
    for (idx_t c = 0; c < types_.size(); ++c)
      duckdb::VectorOperations::Copy(chunk.data[c], pending_.data[c], row + 1, row, at);
    pending_.SetCardinality(at + 1);
    if (pending_.size() == STANDARD_VECTOR_SIZE) return Flush();
    return Status::Ok();
  }

  // Appends `count` rows of `chunk` picked by `sel` (its first columns are the answer's).
  Status AddRows(DataChunk& chunk, const duckdb::SelectionVector& sel, idx_t count) {
    KALAM_RETURN_IF_ERROR(Flush());
    DataChunk view;
    view.InitializeEmpty(types_);
    for (idx_t c = 0; c < types_.size(); ++c) view.data[c].Reference(chunk.data[c]);
    view.SetCardinality(chunk.size());
    view.Slice(sel, count);
    out_.rows->Append(view);
    out_.row_count += count;
    return CheckBytes();
  }

  Status Flush() {
    if (pending_.size() == 0) return Status::Ok();
    out_.rows->Append(pending_);
    out_.row_count += pending_.size();
    pending_.Reset();
    return CheckBytes();
  }

 private:
  Status CheckBytes() {
    if (out_.rows->SizeInBytes() > ctx_.answer_budget) return AnswerTooLarge(engine_.config.max_answer_bytes);
    return Status::Ok();
  }

  EngineContext& engine_;
  ExecContext& ctx_;
  const DirectReadPlan& plan_;
  StatementResult& out_;
  duckdb::vector<duckdb::LogicalType> types_;
  DataChunk pending_;
  uint64_t offset_left_;
  bool done_;
  uint64_t taken_ = 0;
};

// ORDER BY _seq: one version at a time from the merged iterator, stopping once the answer is
// complete.
Status ReadOrdered(EngineContext& engine, ExecContext& ctx, const DirectReadPlan& plan, tables::TableScan& scan,
                   AnswerBuilder& answer, ReadStats* stats) {
  // No ORDER BY (a primary-key lookup, see Execute): newest first, which needs no first pass.
  auto it = scan.Ordered(plan.order == DirectReadPlan::Order::kSeqAscending ? tables::ScanOrder::kOldestFirst
                                                                            : tables::ScanOrder::kNewestFirst);
  for (; !answer.done() && it->Valid(); it->Next()) {
    if (++stats->rows_examined % kDeadlineCheckInterval == 0 && ctx.PastDeadline()) {
      return StatementTimedOut(engine.config.statement_timeout_ms);
    }
    if (Passes(plan, it->chunk(), it->row()) && answer.Take()) {
      KALAM_RETURN_IF_ERROR(answer.AddRow(it->chunk(), it->row()));
    }
    // Stop here: Next would read on, possibly opening another segment.
    if (answer.done()) break;
  }
  KALAM_RETURN_IF_ERROR(it->status());
  return answer.Flush();
}

// No ORDER BY: the scan's own order (hot tier, then the segments), as DuckDB reads it.
Status ReadUnordered(EngineContext& engine, ExecContext& ctx, const DirectReadPlan& plan, tables::TableScan& scan,
                     AnswerBuilder& answer, ReadStats* stats) {
  duckdb::vector<duckdb::LogicalType> types;
  for (const auto& column : plan.projection) types.push_back(TypeOf(*plan.def, column));
  DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
  duckdb::SelectionVector sel(STANDARD_VECTOR_SIZE);
  while (!answer.done()) {
    if (ctx.PastDeadline()) return StatementTimedOut(engine.config.statement_timeout_ms);
    chunk.Reset();
    const idx_t n = scan.Fill(chunk);
    KALAM_RETURN_IF_ERROR(scan.status());
    if (n == 0) break;
    stats->rows_examined += n;
    idx_t kept = 0;
    for (idx_t r = 0; r < n && !answer.done(); ++r) {
      if (Passes(plan, chunk, r) && answer.Take()) sel.set_index(kept++, r);
    }
    if (kept > 0) KALAM_RETURN_IF_ERROR(answer.AddRows(chunk, sel, kept));
  }
  return Status::Ok();
}

Result<StatementResult> Execute(EngineContext& engine, ExecContext& ctx, const DirectReadPlan& plan, ReadStats* stats) {
  const TableDefinition& def = *plan.def;
  // Isolation: a USER table's scope is the acting user (EXECUTE AS USER included).
  std::string scope = def.type == TableType::kUser ? ctx.acting_user.str() : "";
  tables::TableScanOptions options;
  options.min_seq_exclusive = plan.hints.min_seq_exclusive;
  options.max_seq_hint = plan.hints.max_seq_inclusive;
  options.primary_key = plan.hints.primary_key;
  options.comparisons = &plan.hints.column_comparisons;
  if (engine.cold->segment_cache().enabled()) options.segment_cache = &engine.cold->segment_cache();
  // The first hot chunk is as small as the answer (it grows when conditions skip rows): reading
  // past the rows wanted can step past the range's end, where RocksDB skips range-deleted
  // (flushed) versions one by one.
  if (plan.limit) options.first_hot_chunk_rows = std::clamp<uint64_t>(plan.offset + *plan.limit, 1, 128);
  // The snapshot first, then the segments: as in the table function (table_scan_function.cc).
  auto snapshot = ctx.state.StatementSnapshot();
  KALAM_ASSIGN_OR_RETURN(auto segments, engine.cold->Segments(def, scope));
  stats->segments = segments->size();
  ctx.state.RecordBound(plan.def);
  tables::TableScan scan(*engine.table_store, engine.cold->parquet(), plan.def, std::move(scope), std::move(snapshot),
                         std::move(segments), plan.projection, std::move(options));
  StatementResult out;
  AnswerBuilder answer(engine, ctx, plan, &out);
  // A primary-key lookup answers at most one row, so its order is moot: the ordered read
  // takes its segment from the segment cache where the full scan would query Parquet.
  const bool ordered = plan.order != DirectReadPlan::Order::kNone || plan.hints.primary_key.has_value();
  KALAM_RETURN_IF_ERROR(ordered ? ReadOrdered(engine, ctx, plan, scan, answer, stats)
                                : ReadUnordered(engine, ctx, plan, scan, answer, stats));
  stats->counters = scan.counters();
  AssignFlags(out.columns, ctx.state);
  return out;
}

std::string PlanText(const DirectReadPlan& plan) {
  const TableDefinition& def = *plan.def;
  std::string text = "KALAMDB DIRECT READ (no DuckDB plan)\n";
  text += "table: " + def.id.ToString() +
          (def.type == TableType::kUser ? " (USER: the acting user's rows)\n" : " (SHARED)\n");
  text += "columns:";
  for (const auto& name : plan.output_names) text += " " + name;
  text += "\nscan: ";
  switch (plan.order) {
    case DirectReadPlan::Order::kSeqDescending:
      text += "ordered by _seq newest first, hot tier and segments merged lazily";
      break;
    case DirectReadPlan::Order::kSeqAscending:
      text += "ordered by _seq oldest first, hot tier and segments merged lazily";
      break;
    case DirectReadPlan::Order::kNone: text += "unordered, hot tier then segments"; break;
  }
  if (plan.limit) text += ", stops after " + std::to_string(plan.offset + *plan.limit) + " matching rows";
  text += "\n";
  if (plan.hints.primary_key) text += "seek: primary key = " + plan.hints.primary_key->ToSQLString() + "\n";
  if (plan.hints.min_seq_exclusive > 0 || plan.hints.max_seq_inclusive < INT64_MAX) {
    text += "seek: _seq in (" + std::to_string(plan.hints.min_seq_exclusive) + ", " +
            std::to_string(plan.hints.max_seq_inclusive) + "]\n";
  }
  if (!plan.conditions.empty()) {
    text += "conditions:";
    for (size_t i = 0; i < plan.conditions.size(); ++i) text += (i ? " AND " : " ") + plan.conditions[i].text;
    text += "\n";
  }
  return text;
}

Result<StatementResult> Explain(EngineContext& engine, ExecContext& ctx, const DirectReadPlan& plan, bool analyze) {
  std::string text = PlanText(plan);
  if (analyze) {
    ReadStats stats;
    KALAM_ASSIGN_OR_RETURN(StatementResult result, Execute(engine, ctx, plan, &stats));
    text += "rows returned: " + std::to_string(result.row_count) + "\n";
    text += "rows examined: " + std::to_string(stats.rows_examined) + "\n";
    if (plan.order != DirectReadPlan::Order::kNone) {
      text += "sources opened: " + std::to_string(stats.counters.children_opened) + " (hot tier and " +
              std::to_string(stats.segments) + " segments listed)\n";
    }
  }
  StatementResult out;
  out.has_rows = true;
  out.as_user = ctx.acting_user;
  const duckdb::vector<duckdb::LogicalType> types{duckdb::LogicalType::VARCHAR, duckdb::LogicalType::VARCHAR};
  out.columns.push_back(ResultColumn{"explain_key", tables::FromLogicalType(types[0]), {}});
  out.columns.push_back(ResultColumn{"explain_value", tables::FromLogicalType(types[1]), {}});
  out.rows = std::make_unique<duckdb::ColumnDataCollection>(duckdb::Allocator::DefaultAllocator(), types);
  DataChunk chunk;
  chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
  chunk.SetValue(0, 0, duckdb::Value(analyze ? "analyzed_plan" : "physical_plan"));
  chunk.SetValue(1, 0, duckdb::Value(text));
  chunk.SetCardinality(1);
  out.rows->Append(chunk);
  out.row_count = 1;
  return out;
}

}  // namespace

std::optional<Result<StatementResult>> TryDirectRead(EngineContext& engine, ExecContext& ctx,
                                                     const duckdb::SQLStatement& statement) {
  if (statement.type == duckdb::StatementType::EXPLAIN_STATEMENT) {
    const auto& explain = statement.Cast<duckdb::ExplainStatement>();
    if (explain.explain_format != duckdb::ExplainFormat::DEFAULT) return std::nullopt;
    auto plan = MatchDirectRead(*explain.stmt, ctx.state, ctx.params);
    if (!plan) return std::nullopt;
    return Explain(engine, ctx, *plan, explain.explain_type == duckdb::ExplainType::EXPLAIN_ANALYZE);
  }
  auto plan = MatchDirectRead(statement, ctx.state, ctx.params);
  if (!plan) return std::nullopt;
  ReadStats stats;
  return Execute(engine, ctx, *plan, &stats);
}

}  // namespace kalam::core
