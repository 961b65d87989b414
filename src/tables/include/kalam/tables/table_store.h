#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/seq_generator.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"
#include "kalam/tables/change_sink.h"
#include "kalam/tables/group_commit_queue.h"
#include "kalam/tables/transaction.h"

namespace kalam::tables {

// A change to an existing row: the version it replaces and the values of the new version.
struct RowChange {
  SeqId current_seq = 0;
  uint64_t row_id = 0;
  std::vector<duckdb::Value> values;  // one per table column, coerced
  // UPDATE only: the values of the version being replaced, as the statement read them (live
  // queries report them as `old_values`). Empty when nobody needs them.
  std::vector<duckdb::Value> old_values;
};

// The write path of USER and SHARED tables' hot tier. Each call is one atomic RocksDB batch:
// it writes nothing when it fails. Every write is a new version with a fresh `_seq`; the
// version it supersedes is removed in the same batch, so the hot tier holds exactly the
// newest version (possibly a tombstone) of each row identity.
//
// Writes are serialised by one mutex so that `_seq` order is commit order across the server
// and primary-key checks cannot race. Concurrent INSERTs commit in groups (one batch, one
// log write and, in durable mode, one fsync for the group). Thread-safe.
class TableStore {
 public:
  // Asked while a write batch is built (every 1024 rows) and once more just before it
  // commits; a failure abandons the batch, so nothing is written, and is returned. The
  // statement timeout uses it to cover the write phase.
  using WriteCheck = std::function<Status()>;

  // `backend` and `seq` must outlive the store. Restores the `_seq` high-water mark.
  static Result<std::unique_ptr<TableStore>> Open(store::StorageBackend& backend, SeqGenerator& seq);

  // Inserts complete rows (defaults applied, values coerced, NOT NULL checked by the caller).
  // Enforces primary-key uniqueness against stored rows and within `rows`. Returns the `_seq`
  // of each row, in order.
  //
  // With a transaction, Insert, Update and Delete stage their batch in it instead of writing
  // it (see transaction.h): checks read the transaction's own writes over the database, the
  // returned `_seq` values are provisional and nothing reaches live queries until Commit.
  Result<std::vector<SeqId>> Insert(const TableDefinition& def, std::string_view scope,
                                    const std::vector<std::vector<duckdb::Value>>& rows, const WriteCheck& check = {},
                                    Transaction* txn = nullptr);
  // Writes new versions; a change whose row was modified concurrently is applied to the
  // newest version (primary-key tables) or skipped (tables without one). Returns rows written;
  // `seqs`, when given, gets the new version's `_seq` of each change (0 = skipped).
  Result<size_t> Update(const TableDefinition& def, std::string_view scope, const std::vector<RowChange>& changes,
                        const WriteCheck& check = {}, Transaction* txn = nullptr, std::vector<SeqId>* seqs = nullptr);
  // Writes tombstones carrying the given (last) values. Returns rows deleted; `seqs` as Update.
  Result<size_t> Delete(const TableDefinition& def, std::string_view scope, const std::vector<RowChange>& changes,
                        const WriteCheck& check = {}, Transaction* txn = nullptr, std::vector<SeqId>* seqs = nullptr);

  // Commits `txn`: the newest staged version of each row identity it wrote, with fresh `_seq`
  // values in the order they were last written, as one atomic batch; live queries then get
  // the net change of each identity (insert, update with the base as old values, delete).
  // Fails with a conflict, writing nothing, when another write changed one of those
  // identities after the transaction first wrote it. Returns the identities changed;
  // `final_seqs`, when given, maps each identity's newest staged `_seq` to its committed one.
  Result<size_t> Commit(Transaction& txn, std::unordered_map<SeqId, SeqId>* final_seqs = nullptr);

  // `_seq` of the newest hot version (tombstones included) of the row whose primary key is
  // `pk` (coerced to the key column's type), as of `snapshot`; nullopt when there is none.
  Result<std::optional<SeqId>> FindByPrimaryKey(const TableDefinition& def, std::string_view scope,
                                                const duckdb::Value& pk, const store::Snapshot* snapshot) const;

  // Removes hot versions that a committed flush has copied to Parquet: the scope's whole key
  // range up to the largest of `seqs` (see the .cc for why that range holds nothing else).
  Status DeleteFlushedVersions(const TableDefinition& def, std::string_view scope, const std::vector<SeqId>& seqs);

  // Removes every hot row and index entry of the table.
  Status DropTableData(const TableDefinition& def);
  // Removes every hot row and index entry of one scope (one contiguous key range in each
  // partition): a purged user's rows of a USER table.
  Status DropScopeData(const TableDefinition& def, std::string_view scope);

  // A tombstone that retention wants gone: its version's `_seq` and its identity's index key.
  struct PurgeCandidate {
    SeqId seq = 0;
    std::string index_key;
  };
  // Deletes, for each candidate whose index entry still names exactly that tombstone, the
  // index entry and the hot version at `seq` (absent when it lives in Parquet: harmless). A
  // candidate whose identity was written again meanwhile is left alone, so a key inserted
  // again is never lost. Returns how many were purged. One atomic batch.
  Result<size_t> PurgeTombstones(const TableDefinition& def, std::string_view scope,
                                 const std::vector<PurgeCandidate>& candidates);
  // The index key of a row identity: its primary key (coerced to the key column's type) or,
  // for tables without one, its hidden row id.
  static std::string PrimaryKeyIndexKey(const TableDefinition& def, std::string_view scope, const duckdb::Value& pk);
  static std::string RowIdIndexKey(const TableDefinition& def, std::string_view scope, uint64_t row_id);
  // The newest version an index entry (PrimaryKeyIndexKey / RowIdIndexKey) names, hot or
  // flushed: its `_seq` and whether it is a tombstone; nullopt when the identity has none.
  struct IndexedVersion {
    SeqId seq = 0;
    bool deleted = false;
  };
  // Read through `snapshot` when given (a transaction's view sees its own writes).
  Result<std::optional<IndexedVersion>> FindIndexed(const std::string& index_key,
                                                    const store::Snapshot* snapshot = nullptr) const;
  // Adds to `batch` the index entry naming version `seq` (a tombstone when `deleted`) as the
  // newest of the identity `index_key`: RESTORE rebuilds the index of rows it brings back cold.
  static void StageIndexEntry(store::WriteBatch& batch, const std::string& index_key, SeqId seq, bool deleted);
  // Scopes of the table with hot versions (user ids; "" for SHARED).
  Result<std::vector<std::string>> ScopesWithRows(const TableDefinition& def) const;
  // Hot versions (tombstones included) of one scope, or of all scopes when `scope` is null.
  Result<uint64_t> CountHotRows(const TableDefinition& def, const std::string* scope) const;

  store::StorageBackend& backend() const { return backend_; }

  // Where committed changes go (live queries); null detaches. The sink must outlive the store
  // or be detached first.
  void SetChangeSink(ChangeSink* sink) { sink_.store(sink, std::memory_order_release); }
  // Runs `fn` with the highest `_seq` handed out so far while no write can commit: every
  // version at or below it is committed, every later one commits after `fn` returns. A live
  // subscription takes its snapshot and registers here, so that it misses no change and sees
  // none twice.
  void AtCommitPoint(const std::function<void(SeqId)>& fn);

 private:
  TableStore(store::StorageBackend& backend, SeqGenerator& seq) : backend_(backend), seq_(seq) {}
  Result<size_t> WriteVersions(const TableDefinition& def, std::string_view scope,
                               const std::vector<RowChange>& changes, bool deleted, const WriteCheck& check,
                               Transaction* txn, std::vector<SeqId>* seqs);

  // Inserts commit in groups: see group_commit_queue.h.
  struct PendingInsert;
  void CommitInserts(const std::vector<GroupCommitQueue::Member*>& group);
  // Checks one insert and adds its writes to `batch`; on failure what it added must be
  // dropped. `group_keys` holds the index keys earlier inserts of the group add.
  Result<std::vector<SeqId>> AddInsert(const PendingInsert& insert, store::WriteBatch& batch,
                                       std::unordered_set<std::string>& group_keys);

  store::StorageBackend& backend_;
  SeqGenerator& seq_;
  std::atomic<ChangeSink*> sink_{nullptr};
  std::mutex write_mu_;  // serialises seq allocation + checks + commit
  GroupCommitQueue insert_queue_;
};

}  // namespace kalam::tables
