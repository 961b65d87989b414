#include "kalam/tables/table_store.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "kalam/commons/byte_buffer.h"
#include "kalam/tables/key_codec.h"
#include "kalam/tables/row_codec.h"
#include "table_store_keys.h"

namespace kalam::tables {
namespace {

using store::Partition;

std::string IndexKey(const TableDefinition& def, std::string_view scope, const duckdb::Value& pk) {
  return ScopePrefix(def.number, scope) + EncodePrimaryKey(pk);
}

}  // namespace


std::string TableStore::PrimaryKeyIndexKey(const TableDefinition& def, std::string_view scope,
                                           const duckdb::Value& pk) {
  return IndexKey(def, scope, pk);
}

// Tables without a primary key are indexed by their hidden row id (the first `_seq`).
std::string TableStore::RowIdIndexKey(const TableDefinition& def, std::string_view scope, uint64_t row_id) {
  std::string key = ScopePrefix(def.number, scope);
  ByteWriter(&key).U64BE(row_id);
  return key;
}

Result<std::unique_ptr<TableStore>> TableStore::Open(store::StorageBackend& backend, SeqGenerator& seq) {
  KALAM_ASSIGN_OR_RETURN(auto hwm, backend.Get(Partition::kMeta, kSeqHighWaterKey));
  if (hwm) {
    ByteReader r(*hwm);
    uint64_t v = 0;
    if (!r.U64BE(&v)) return Status::Corruption("bad _seq high-water mark");
    seq.AdvancePast(static_cast<SeqId>(v));
  }
  return std::unique_ptr<TableStore>(new TableStore(backend, seq));
}

// One writer's INSERT, waiting in the group commit queue.
struct TableStore::PendingInsert : GroupCommitQueue::Member {
  const TableDefinition* def = nullptr;
  std::string_view scope;
  const std::vector<std::vector<duckdb::Value>>* rows = nullptr;
  const WriteCheck* check = nullptr;
  Transaction* txn = nullptr;  // set: staged in this transaction instead of committed
  Result<std::vector<SeqId>> result = Status::Internal("the insert was not committed");
};

Result<std::vector<SeqId>> TableStore::Insert(const TableDefinition& def, std::string_view scope,
                                              const std::vector<std::vector<duckdb::Value>>& rows,
                                              const WriteCheck& check, Transaction* txn) {
  PendingInsert me;
  me.def = &def;
  me.scope = scope;
  me.rows = &rows;
  me.check = &check;
  me.txn = txn;
  if (txn) {
    // Staged in the transaction, not written: it joins no commit group and holds no writer
    // back (its conflicts are checked at COMMIT).
    store::WriteBatch batch;
    std::unordered_set<std::string> no_group_keys;
    return AddInsert(me, batch, no_group_keys);
  }
  insert_queue_.Join(me, [this](const std::vector<GroupCommitQueue::Member*>& group) { CommitInserts(group); });
  return std::move(me.result);
}

// Each insert of the group is checked and added to one batch on its own (one that fails
// leaves nothing in it); the batch then commits once for all of them, so they succeed or
// fail in storage together and `_seq` order is still commit order.
void TableStore::CommitInserts(const std::vector<GroupCommitQueue::Member*>& group) {
  store::WriteBatch batch;
  std::unordered_set<std::string> group_keys;  // primary keys the group's earlier inserts add
  SeqId last = 0;
  std::unique_lock lock(write_mu_);
  for (GroupCommitQueue::Member* member : group) {
    auto& insert = static_cast<PendingInsert&>(*member);
    const size_t mark = batch.Count();
    insert.result = AddInsert(insert, batch, group_keys);
    if (!insert.result.ok()) {
      batch.Truncate(mark);
    } else if (!insert.result.value().empty()) {
      last = insert.result.value().back();
    }
  }
  if (last == 0) return;
  batch.Put(Partition::kMeta, kSeqHighWaterKey, SeqHighWater(last));
  const Status written = backend_.Write(batch);
  if (!written.ok()) {
    for (GroupCommitQueue::Member* member : group) {
      auto& insert = static_cast<PendingInsert&>(*member);
      if (insert.result.ok()) insert.result = written;
    }
    return;
  }
  ChangeSink* sink = sink_.load(std::memory_order_acquire);
  if (sink == nullptr) return;
  bool published = false;
  for (GroupCommitQueue::Member* member : group) {
    auto& insert = static_cast<PendingInsert&>(*member);
    if (!insert.result.ok() || insert.result.value().empty()) continue;
    if (!sink->Wants(insert.def->number, insert.scope)) continue;
    const std::vector<SeqId>& seqs = insert.result.value();
    std::vector<CommittedChange> changes(seqs.size());
    for (size_t i = 0; i < seqs.size(); ++i) {
      changes[i].kind = ChangeKind::kInsert;
      changes[i].seq = seqs[i];
      changes[i].values = &(*insert.rows)[i];
    }
    sink->OnCommitted(*insert.def, insert.scope, changes);
    published = true;
  }
  lock.unlock();
  if (published) sink->Deliver();
}

Result<std::vector<SeqId>> TableStore::AddInsert(const PendingInsert& insert, store::WriteBatch& batch,
                                                 std::unordered_set<std::string>& group_keys) {
  const TableDefinition& def = *insert.def;
  const std::string_view scope = insert.scope;
  const WriteCheck& check = *insert.check;
  Transaction* txn = insert.txn;
  const auto pk_index = def.PrimaryKeyIndex();
  std::vector<SeqId> seqs;
  seqs.reserve(insert.rows->size());
  std::string row_bytes;
  // A transaction's checks read its own writes over the newest database state.
  const auto view = txn ? txn->NewestView() : nullptr;
  std::vector<Transaction::Identity> staged;
  std::unordered_set<std::string> batch_keys;
  for (const auto& values : *insert.rows) {
    if (check && seqs.size() % 1024 == 1023) KALAM_RETURN_IF_ERROR(check());
    std::string index_key;
    if (pk_index) {
      const duckdb::Value& pk = values[*pk_index];
      index_key = IndexKey(def, scope, pk);
      if (group_keys.count(index_key) != 0 || !batch_keys.insert(index_key).second) {
        return Status::ConstraintViolation("Primary key violation: value '" + pk.ToString() +
                                           "' already exists in column '" + def.columns[*pk_index].name + "'");
      }
    }
    Transaction::Base base;
    if (pk_index) {
      KALAM_ASSIGN_OR_RETURN(auto existing, backend_.Get(Partition::kIndex, index_key, view.get()));
      if (existing) {
        SeqId old_seq = 0;
        bool old_deleted = false;
        if (!DecodeIndexEntry(*existing, &old_seq, &old_deleted)) return Status::Corruption("bad index entry");
        if (!old_deleted) {
          return Status::ConstraintViolation("Primary key violation: value '" + values[*pk_index].ToString() +
                                             "' already exists in column '" + def.columns[*pk_index].name + "'");
        }
        // Re-inserting a deleted key: the new row supersedes the tombstone.
        batch.Delete(Partition::kRows, RowKey(def.number, scope, old_seq));
        base = {true, old_seq, true};
      }
    }
    const SeqId seq = seq_.Next();
    EncodeRow(def, values, /*deleted=*/false, /*row_id=*/static_cast<uint64_t>(seq), &row_bytes);
    batch.Put(Partition::kRows, RowKey(def.number, scope, seq), row_bytes);
    if (!pk_index) index_key = RowIdIndexKey(def, scope, static_cast<uint64_t>(seq));
    batch.Put(Partition::kIndex, index_key, EncodeIndexEntry(seq, false));
    seqs.push_back(seq);
    if (txn) {
      staged.push_back({def.number, std::string(scope), index_key,
                        pk_index ? values[*pk_index].ToString() : std::to_string(seq), base, {}, seq, false, row_bytes,
                        values});
    }
  }
  if (txn) {
    KALAM_RETURN_IF_ERROR(txn->Stage(def, batch, std::move(staged)));
    return seqs;
  }
  if (check) KALAM_RETURN_IF_ERROR(check());
  group_keys.merge(batch_keys);
  return seqs;
}

void TableStore::AtCommitPoint(const std::function<void(SeqId)>& fn) {
  std::lock_guard lock(write_mu_);
  fn(seq_.Last());
}

Result<size_t> TableStore::WriteVersions(const TableDefinition& def, std::string_view scope,
                                         const std::vector<RowChange>& changes, bool deleted,
                                         const WriteCheck& check, Transaction* txn, std::vector<SeqId>* seqs) {
  const auto pk_index = def.PrimaryKeyIndex();
  if (seqs) seqs->assign(changes.size(), 0);
  store::WriteBatch batch;
  std::string row_bytes;
  size_t written = 0;
  SeqId last = 0;
  const auto view = txn ? txn->NewestView() : nullptr;
  std::vector<Transaction::Identity> staged;
  std::unique_lock lock(write_mu_, std::defer_lock);
  if (!txn) lock.lock();
  ChangeSink* sink = txn ? nullptr : sink_.load(std::memory_order_acquire);
  const bool publish = sink != nullptr && sink->Wants(def.number, scope);
  struct Written {
    size_t change = 0;
    SeqId seq = 0;
    SeqId replaced = 0;
    std::optional<std::vector<duckdb::Value>> current_values;  // when another write came between
  };
  std::vector<Written> published;
  std::unordered_set<SeqId> replaced;
  for (const RowChange& change : changes) {
    if (check && (&change - changes.data()) % 1024 == 1023) KALAM_RETURN_IF_ERROR(check());
    // The index knows the newest version of every identity, whether it is still in the hot
    // tier or was flushed to Parquet.
    const std::string index_key = pk_index ? IndexKey(def, scope, change.values[*pk_index])
                                           : RowIdIndexKey(def, scope, change.row_id);
    KALAM_ASSIGN_OR_RETURN(auto existing, backend_.Get(Partition::kIndex, index_key, view.get()));
    SeqId current = 0;
    bool current_deleted = false;
    if (!existing || !DecodeIndexEntry(*existing, &current, &current_deleted)) continue;
    // A transaction must not write over a version its statement did not read: the row was
    // written by someone else since, and the transaction could never commit.
    if (txn && current != change.current_seq) {
      return Status::InvalidOperation("Transaction conflict: row '" +
                                      (pk_index ? change.values[*pk_index].ToString() : std::to_string(change.row_id)) +
                                      "' of table " + def.id.ToString() +
                                      " was written by another request after this transaction read it");
    }
    // Deleted concurrently; for tables without a key, any concurrent change wins.
    if (current_deleted && current != change.current_seq) continue;
    if (!pk_index && current != change.current_seq) continue;
    if (!replaced.insert(current).second) continue;  // the same row matched twice
    const SeqId seq = seq_.Next();
    EncodeRow(def, change.values, deleted, change.row_id, &row_bytes);
    batch.Delete(Partition::kRows, RowKey(def.number, scope, current));
    batch.Put(Partition::kRows, RowKey(def.number, scope, seq), row_bytes);
    batch.Put(Partition::kIndex, index_key, EncodeIndexEntry(seq, deleted));
    if (publish) {
      Written w{static_cast<size_t>(&change - changes.data()), seq, current, std::nullopt};
      // The statement read an older version than the one replaced: report the replaced one,
      // when it is still hot (a flushed one is only in Parquet; the statement's copy stands in).
      if (current != change.current_seq) {
        KALAM_ASSIGN_OR_RETURN(auto bytes, backend_.Get(Partition::kRows, RowKey(def.number, scope, current)));
        if (bytes) {
          auto decoded = DecodeRowValues(def, *bytes);
          if (decoded.ok()) w.current_values = std::move(decoded).value();
        }
      }
      published.push_back(std::move(w));
    }
    if (seqs) (*seqs)[&change - changes.data()] = seq;
    if (txn) {
      staged.push_back({def.number, std::string(scope), index_key,
                        pk_index ? change.values[*pk_index].ToString() : std::to_string(change.row_id),
                        {true, current, current_deleted},
                        deleted || change.old_values.empty() ? change.values : change.old_values, seq, deleted,
                        row_bytes, change.values});
    }
    last = seq;
    ++written;
  }
  if (written == 0) return written;
  if (txn) {
    KALAM_RETURN_IF_ERROR(txn->Stage(def, batch, std::move(staged)));
    return written;
  }
  batch.Put(Partition::kMeta, kSeqHighWaterKey, SeqHighWater(last));
  if (check) KALAM_RETURN_IF_ERROR(check());
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  if (publish) {
    std::vector<CommittedChange> out(published.size());
    for (size_t i = 0; i < published.size(); ++i) {
      const RowChange& change = changes[published[i].change];
      CommittedChange& c = out[i];
      c.kind = deleted ? ChangeKind::kDelete : ChangeKind::kUpdate;
      c.seq = published[i].seq;
      c.old_seq = published[i].replaced;
      if (published[i].current_values) {
        c.old_values = &*published[i].current_values;
      } else {
        c.old_values = deleted || change.old_values.empty() ? &change.values : &change.old_values;
      }
      if (!deleted) c.values = &change.values;
    }
    sink->OnCommitted(def, scope, out);
    lock.unlock();
    sink->Deliver();
  }
  return written;
}

Result<size_t> TableStore::Update(const TableDefinition& def, std::string_view scope,
                                  const std::vector<RowChange>& changes, const WriteCheck& check, Transaction* txn,
                                  std::vector<SeqId>* seqs) {
  return WriteVersions(def, scope, changes, /*deleted=*/false, check, txn, seqs);
}

Result<size_t> TableStore::Delete(const TableDefinition& def, std::string_view scope,
                                  const std::vector<RowChange>& changes, const WriteCheck& check, Transaction* txn,
                                  std::vector<SeqId>* seqs) {
  return WriteVersions(def, scope, changes, /*deleted=*/true, check, txn, seqs);
}

Result<std::optional<SeqId>> TableStore::FindByPrimaryKey(const TableDefinition& def, std::string_view scope,
                                                          const duckdb::Value& pk,
                                                          const store::Snapshot* snapshot) const {
  KALAM_ASSIGN_OR_RETURN(auto entry, backend_.Get(Partition::kIndex, IndexKey(def, scope, pk), snapshot));
  if (!entry) return std::optional<SeqId>();
  SeqId seq = 0;
  bool deleted = false;
  if (!DecodeIndexEntry(*entry, &seq, &deleted)) return Status::Corruption("bad index entry");
  return std::optional<SeqId>(seq);
}

Status TableStore::DeleteFlushedVersions(const TableDefinition& def, std::string_view scope,
                                         const std::vector<SeqId>& seqs) {
  if (seqs.empty()) return Status::Ok();
  // One range tombstone instead of a point tombstone per row: a scan of the scope then skips
  // the flushed range instead of stepping over every deleted key until compaction. Safe
  // because versions commit in `_seq` order under write_mu_: every version at or below the
  // largest flushed one was visible to the flush's snapshot, so it was flushed or had
  // already been replaced (and deleted) by a newer version.
  const SeqId largest = *std::max_element(seqs.begin(), seqs.end());
  const std::string prefix = ScopePrefix(def.number, scope);
  std::string begin = prefix;
  AppendSeq(&begin, 0);
  std::string end = prefix;
  AppendSeq(&end, largest + 1);
  store::WriteBatch batch;
  batch.DeleteRange(Partition::kRows, begin, end);
  return backend_.Write(batch);
}

Status TableStore::DropTableData(const TableDefinition& def) {
  const std::string prefix = TablePrefix(def.number);
  const std::string end = store::PrefixSuccessor(prefix);
  store::WriteBatch batch;
  batch.DeleteRange(Partition::kRows, prefix, end);
  batch.DeleteRange(Partition::kIndex, prefix, end);
  std::lock_guard lock(write_mu_);
  return backend_.Write(batch);
}

Status TableStore::DropScopeData(const TableDefinition& def, std::string_view scope) {
  const std::string prefix = ScopePrefix(def.number, scope);
  const std::string end = store::PrefixSuccessor(prefix);
  store::WriteBatch batch;
  batch.DeleteRange(Partition::kRows, prefix, end);
  batch.DeleteRange(Partition::kIndex, prefix, end);
  std::lock_guard lock(write_mu_);
  return backend_.Write(batch);
}

Result<size_t> TableStore::PurgeTombstones(const TableDefinition& def, std::string_view scope,
                                           const std::vector<PurgeCandidate>& candidates) {
  store::WriteBatch batch;
  size_t purged = 0;
  // Under the write lock: an INSERT of the same key either committed before (the entry no
  // longer names the tombstone, so it is kept) or commits after (and finds no entry).
  std::lock_guard lock(write_mu_);
  for (const PurgeCandidate& c : candidates) {
    KALAM_ASSIGN_OR_RETURN(auto existing, backend_.Get(Partition::kIndex, c.index_key));
    if (!existing) continue;
    SeqId seq = 0;
    bool deleted = false;
    if (!DecodeIndexEntry(*existing, &seq, &deleted)) return Status::Corruption("bad index entry");
    if (!deleted || seq != c.seq) continue;
    batch.Delete(Partition::kIndex, c.index_key);
    batch.Delete(Partition::kRows, RowKey(def.number, scope, c.seq));
    ++purged;
  }
  if (purged == 0) return purged;
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  return purged;
}

Result<uint64_t> TableStore::CountHotRows(const TableDefinition& def, const std::string* scope) const {
  const std::string prefix = scope ? ScopePrefix(def.number, *scope) : TablePrefix(def.number);
  uint64_t n = 0;
  auto it = backend_.ScanPrefix(Partition::kRows, prefix);
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  KALAM_RETURN_IF_ERROR(it->status());
  return n;
}

Result<std::optional<TableStore::IndexedVersion>> TableStore::FindIndexed(const std::string& index_key,
                                                                         const store::Snapshot* snapshot) const {
  KALAM_ASSIGN_OR_RETURN(auto entry, backend_.Get(Partition::kIndex, index_key, snapshot));
  if (!entry) return std::optional<IndexedVersion>();
  IndexedVersion version;
  if (!DecodeIndexEntry(*entry, &version.seq, &version.deleted)) {
    return Status::Corruption("bad index entry in table store");
  }
  return std::optional<IndexedVersion>(version);
}

void TableStore::StageIndexEntry(store::WriteBatch& batch, const std::string& index_key, SeqId seq, bool deleted) {
  batch.Put(Partition::kIndex, index_key, EncodeIndexEntry(seq, deleted));
}

Result<std::vector<std::string>> TableStore::ScopesWithRows(const TableDefinition& def) const {
  std::vector<std::string> scopes;
  auto it = backend_.ScanPrefix(Partition::kRows, TablePrefix(def.number));
  it->SeekToFirst();
  while (it->Valid()) {
    std::string scope(ScopeFromRowKey(it->key()));
    // Jump over the whole scope at once.
    it->Seek(store::PrefixSuccessor(ScopePrefix(def.number, scope)));
    scopes.push_back(std::move(scope));
  }
  KALAM_RETURN_IF_ERROR(it->status());
  return scopes;
}

}  // namespace kalam::tables
