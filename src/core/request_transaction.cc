#include "request_transaction.h"

#include <string>
#include <variant>

#include "row_set_result.h"

namespace kalam::core {
namespace {

// `failure` with `note` after its message (same code and disclosability).
Status WithNote(const Status& failure, const std::string& note) {
  Status out(failure.code(), failure.message() + note);
  return failure.disclosable() ? std::move(out).Disclosable() : out;
}

}  // namespace

Result<StatementResult> RequestTransaction::Run(dialect::TransactionControl control, size_t index,
                                                const UserId& as_user) {
  switch (control) {
    case dialect::TransactionControl::kBegin:
      if (txn_) {
        return Status::InvalidOperation("A transaction is already open (BEGIN at statement " +
                                        std::to_string(begin_index_ + 1) + "); transactions do not nest");
      }
      txn_ = std::make_unique<tables::Transaction>(*engine_.backend);
      begin_index_ = index;
      state_.transaction = txn_.get();
      return MessageResult("Transaction started", 0, as_user);
    case dialect::TransactionControl::kCommit: {
      if (!txn_) return Status::InvalidOperation("COMMIT without BEGIN: no transaction is open");
      auto committed = engine_.table_store->Commit(*txn_);
      Discard();
      if (!committed.ok()) {
        return WithNote(committed.status(), "; the transaction was rolled back and none of its writes applied");
      }
      return MessageResult("Transaction committed", 0, as_user);
    }
    case dialect::TransactionControl::kRollback:
      if (!txn_) return Status::InvalidOperation("ROLLBACK without BEGIN: no transaction is open");
      Discard();
      return MessageResult("Transaction rolled back", 0, as_user);
  }
  return Status::Internal("unknown transaction statement");
}

Status RequestTransaction::CheckAllowed(const ParsedStatement& parsed) {
  if (!parsed.kalam) return Status::Ok();
  const bool allowed = std::holds_alternative<dialect::ExecuteAsStmt>(*parsed.kalam) ||
                       std::holds_alternative<dialect::UseNamespaceStmt>(*parsed.kalam) ||
                       std::holds_alternative<dialect::ShowNamespacesStmt>(*parsed.kalam) ||
                       std::holds_alternative<dialect::ShowTablesStmt>(*parsed.kalam) ||
                       std::holds_alternative<dialect::DescribeTableStmt>(*parsed.kalam) ||
                       std::holds_alternative<dialect::ShowStatsStmt>(*parsed.kalam);
  if (allowed) return Status::Ok();
  return Status::InvalidOperation(
      "DDL and administrative statements are not allowed inside a transaction (only SELECT, INSERT, UPDATE, "
      "DELETE, EXECUTE AS USER, USE, SHOW and DESCRIBE); COMMIT or ROLLBACK first");
}

Status RequestTransaction::CheckSize(uint64_t max_rows) const {
  if (!txn_ || txn_->size() <= max_rows) return Status::Ok();
  return Status::InvalidOperation(
      "Too many rows written: the transaction would write more than limits.max_write_rows (" +
      std::to_string(max_rows) + ") rows");
}

Status RequestTransaction::RollBackAfter(const Status& failure) {
  Discard();
  return WithNote(failure, "; the transaction was rolled back: nothing written since BEGIN (statement " +
                               std::to_string(begin_index_ + 1) + ") was applied");
}

Status RequestTransaction::RollBackUncommitted() {
  Discard();
  return Status::InvalidOperation(
      "Transaction not committed: the request ended without COMMIT, so everything written since this BEGIN was "
      "rolled back");
}

void RequestTransaction::Discard() {
  state_.transaction = nullptr;
  txn_.reset();
}

}  // namespace kalam::core
