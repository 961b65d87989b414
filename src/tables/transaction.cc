#include "kalam/tables/transaction.h"

namespace kalam::tables {

Status Transaction::Stage(const TableDefinition& def, const store::WriteBatch& batch, std::vector<Identity> written) {
  KALAM_RETURN_IF_ERROR(pending_->Apply(batch));
  tables_.try_emplace(def.number, def);
  for (Identity& w : written) {
    auto [it, inserted] = by_index_key_.try_emplace(w.index_key, identities_.size());
    if (inserted) {
      identities_.push_back(std::move(w));
      continue;
    }
    // Written before in this transaction: its base stays the one first seen.
    Identity& known = identities_[it->second];
    known.staged_seq = w.staged_seq;
    known.deleted = w.deleted;
    known.row_bytes = std::move(w.row_bytes);
    known.values = std::move(w.values);
    if (known.base_values.empty() && known.base.exists) known.base_values = std::move(w.base_values);
  }
  return Status::Ok();
}

}  // namespace kalam::tables
