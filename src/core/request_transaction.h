#pragma once

#include <cstddef>
#include <memory>

#include "engine_context.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/core/statement_result.h"
#include "kalam/dialect/transaction_control.h"
#include "kalam/tables/transaction.h"
#include "query_state.h"
#include "statement_parser.h"

namespace kalam::core {

// The transaction one request opened with BEGIN (docs/sql-reference.md, "Transactions"). While
// it is open the session's QueryState points at it, so DML stages its writes there and scans
// read them; COMMIT writes them in one atomic batch. Whatever is still open when this object
// goes (a failed statement, a request without COMMIT, a client that went away) is rolled
// back: nothing of it was ever written.
//
// `engine` and `state` must outlive it. Used by the request's thread only.
class RequestTransaction {
 public:
  RequestTransaction(EngineContext& engine, QueryState& state) : engine_(engine), state_(state) {}
  ~RequestTransaction() { Discard(); }
  RequestTransaction(const RequestTransaction&) = delete;
  RequestTransaction& operator=(const RequestTransaction&) = delete;

  bool open() const { return txn_ != nullptr; }

  // Runs BEGIN, COMMIT or ROLLBACK as the request's statement `index` (0-based).
  Result<StatementResult> Run(dialect::TransactionControl control, size_t index, const UserId& as_user);

  // Whether `parsed` may run inside a transaction: DML, SELECT and EXPLAIN, EXECUTE AS USER
  // (its inner statement is checked when it runs), USE, SHOW and DESCRIBE. DDL and the
  // administrative statements change what a rollback cannot undo, so they are refused.
  static Status CheckAllowed(const ParsedStatement& parsed);

  // limits.max_write_rows bounds a transaction's rows (it is one atomic write) as it bounds
  // one statement's: checked after each statement inside.
  Status CheckSize(uint64_t max_rows) const;

  // After a statement inside the transaction failed: rolls back and says so in the failure.
  Status RollBackAfter(const Status& failure);
  // At the end of a request whose transaction is still open: rolls back; the failure to
  // answer, blamed on the BEGIN (statement begin_index() + 1).
  Status RollBackUncommitted();
  size_t begin_index() const { return begin_index_; }

 private:
  void Discard();

  EngineContext& engine_;
  QueryState& state_;
  std::unique_ptr<tables::Transaction> txn_;
  size_t begin_index_ = 0;
};

}  // namespace kalam::core
