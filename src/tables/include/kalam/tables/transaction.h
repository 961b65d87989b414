#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/pending_writes.h"
#include "kalam/store/storage_backend.h"

namespace kalam::tables {

// The writes of one transaction (BEGIN ... COMMIT within one request) before it commits.
//
// The table store stages each statement's batch here instead of writing it (TableStore's
// Insert / Update / Delete with a transaction), and the transaction's reads go through
// ReadView, which shows the staged versions over the database, so its statements see their
// own writes and nobody else sees them. For every row identity it wrote, the transaction
// keeps the newest staged version and the version the database held when the transaction
// first wrote it (its base). TableStore::Commit writes the newest versions with fresh `_seq`
// values in one atomic batch, after checking under the store's write lock that no base has
// changed meanwhile (otherwise another writer got there first and nothing is written).
// Destroying an uncommitted transaction is its rollback: nothing of it was ever written.
//
// `backend` must outlive the transaction, and every view it handed out must be released
// before it is destroyed. Used by one request's thread; not thread-safe.
class Transaction {
 public:
  explicit Transaction(const store::StorageBackend& backend)
      : backend_(backend), pending_(backend.NewPendingWrites()) {}

  // A snapshot of the database taken now, with the staged writes over it (a statement's view).
  std::shared_ptr<const store::Snapshot> ReadView() const { return backend_.GetSnapshot(*pending_); }
  // The database's newest state with the staged writes over it (what a write checks against).
  std::shared_ptr<const store::Snapshot> NewestView() const { return backend_.GetSnapshot(*pending_, true); }

  // Row identities written so far.
  size_t size() const { return identities_.size(); }

 private:
  friend class TableStore;

  // The version of an identity the database held when the transaction first wrote it.
  struct Base {
    bool exists = false;
    SeqId seq = 0;
    bool deleted = false;
    bool operator==(const Base&) const = default;
  };
  // One row identity the transaction wrote: where it lives, its base and its newest version.
  struct Identity {
    TableNumber table = 0;
    std::string scope;
    std::string index_key;
    std::string identity_text;  // the primary key (or hidden row id) as errors show it
    Base base;
    // The base's values when a statement read them (update, delete); live queries report
    // them as `old_values`.
    std::vector<duckdb::Value> base_values;
    SeqId staged_seq = 0;  // orders the commit: identities commit in the order last written
    bool deleted = false;
    std::string row_bytes;
    std::vector<duckdb::Value> values;
  };

  // Stages `batch` and records the identities it wrote (the newest version of each).
  Status Stage(const TableDefinition& def, const store::WriteBatch& batch, std::vector<Identity> written);

  const store::StorageBackend& backend_;
  std::unique_ptr<store::PendingWrites> pending_;
  std::map<TableNumber, TableDefinition> tables_;         // the definition each table was written with
  std::unordered_map<std::string, size_t> by_index_key_;  // index key -> slot in identities_
  std::vector<Identity> identities_;
};

}  // namespace kalam::tables
