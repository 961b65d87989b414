// TableStore::Commit: a transaction's staged versions written with fresh `_seq` values.

#include <algorithm>
#include <numeric>

#include "kalam/commons/byte_buffer.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/table_store.h"
#include "table_store_keys.h"

namespace kalam::tables {

Result<size_t> TableStore::Commit(Transaction& txn, std::unordered_map<SeqId, SeqId>* final_seqs) {
  auto& ids = txn.identities_;
  if (ids.empty()) return size_t{0};
  // Commit order is the order the identities were last written, so live changes follow the
  // statements' order.
  std::vector<size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a].staged_seq < ids[b].staged_seq; });

  store::WriteBatch batch;
  struct Committed {
    size_t identity = 0;
    CommittedChange change;
  };
  std::vector<Committed> committed;
  SeqId last = 0;
  std::unique_lock lock(write_mu_);
  for (size_t i : order) {
    Transaction::Identity& id = ids[i];
    // The check and the write happen under write_mu_: no other write can come between.
    KALAM_ASSIGN_OR_RETURN(auto entry, backend_.Get(store::Partition::kIndex, id.index_key));
    Transaction::Base now;
    if (entry) {
      now.exists = true;
      if (!DecodeIndexEntry(*entry, &now.seq, &now.deleted)) return Status::Corruption("bad index entry");
    }
    if (!(now == id.base)) {
      const TableDefinition& def = txn.tables_.at(id.table);
      return Status::InvalidOperation("Transaction conflict: row '" + id.identity_text + "' of table " +
                                      def.id.ToString() +
                                      " was written by another request after this transaction wrote it");
    }
    const bool was_visible = id.base.exists && !id.base.deleted;
    // Inserted and deleted again within the transaction: nothing changes.
    if (!was_visible && id.deleted) continue;
    const SeqId seq = seq_.Next();
    if (final_seqs) (*final_seqs)[id.staged_seq] = seq;
    if (id.base.exists) batch.Delete(store::Partition::kRows, RowKey(id.table, id.scope, id.base.seq));
    batch.Put(store::Partition::kRows, RowKey(id.table, id.scope, seq), id.row_bytes);
    batch.Put(store::Partition::kIndex, id.index_key, EncodeIndexEntry(seq, id.deleted));
    Committed c{i, {}};
    c.change.seq = seq;
    if (id.deleted) {
      c.change.kind = ChangeKind::kDelete;
    } else {
      c.change.kind = was_visible ? ChangeKind::kUpdate : ChangeKind::kInsert;
      c.change.values = &id.values;
    }
    if (was_visible) {
      c.change.old_seq = id.base.seq;
      c.change.old_values = id.base_values.empty() ? &id.values : &id.base_values;
    }
    committed.push_back(std::move(c));
    last = seq;
  }
  if (committed.empty()) return size_t{0};
  batch.Put(store::Partition::kMeta, kSeqHighWaterKey, SeqHighWater(last));
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));

  // Live queries: one call per run of changes to one (table, scope), in `_seq` order.
  ChangeSink* sink = sink_.load(std::memory_order_acquire);
  if (sink == nullptr) return committed.size();
  bool any = false;
  std::vector<CommittedChange> run;
  for (size_t k = 0; k < committed.size(); ++k) {
    const Transaction::Identity& id = ids[committed[k].identity];
    run.push_back(committed[k].change);
    const bool run_ends = k + 1 == committed.size() || ids[committed[k + 1].identity].table != id.table ||
                          ids[committed[k + 1].identity].scope != id.scope;
    if (!run_ends) continue;
    if (sink->Wants(id.table, id.scope)) {
      sink->OnCommitted(txn.tables_.at(id.table), id.scope, run);
      any = true;
    }
    run.clear();
  }
  lock.unlock();
  if (any) sink->Deliver();
  return committed.size();
}

}  // namespace kalam::tables
