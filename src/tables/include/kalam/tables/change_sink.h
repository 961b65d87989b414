#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/ids.h"
#include "kalam/commons/table_definition.h"

namespace kalam::tables {

enum class ChangeKind : uint8_t { kInsert, kUpdate, kDelete };

// One committed row change, as live queries see it. Pointers are valid only during the call
// that receives them.
struct CommittedChange {
  ChangeKind kind = ChangeKind::kInsert;
  SeqId seq = 0;                                       // the new version or the tombstone
  const std::vector<duckdb::Value>* values = nullptr;  // insert, update: the new version
  SeqId old_seq = 0;                                   // update, delete: the version replaced
  const std::vector<duckdb::Value>* old_values = nullptr;
};

// Where committed writes go for live queries. Declared here, below `core` and `live`, so that
// the write path can call upward without depending on the live module (ARCHITECTURE.md: the
// interface would sit in `commons`, but rows are DuckDB values, which `commons` never names).
//
// The table store calls Wants and OnCommitted while it holds its write lock, right after the
// batch committed: calls arrive in commit (`_seq`) order, and a subscriber that registers under
// the same lock (TableStore::AtCommitPoint) can tell every later change from the earlier ones.
// OnCommitted must therefore be quick (take the changes, no fan-out); the store then releases
// the lock and calls Deliver on the same thread, where the sink does the real work in commit
// order, without holding every other writer back.
class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // Whether any subscription could want changes of `scope` (a user id, or "" for SHARED
  // tables) of `table`. Called before the store copies anything for the sink.
  virtual bool Wants(TableNumber table, std::string_view scope) const = 0;
  // The changes of one committed batch, in ascending `seq`.
  virtual void OnCommitted(const TableDefinition& def, std::string_view scope,
                           std::span<const CommittedChange> changes) = 0;
  // After OnCommitted, outside the write lock: deliver what was taken (any thread's batches,
  // in commit order).
  virtual void Deliver() = 0;
};

}  // namespace kalam::tables
