#pragma once

#include <string>

#include "kalam/commons/job_outcome.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/tables/cold_storages.h"
#include "kalam/tables/segment_catalog.h"

namespace kalam::tables {

// What a cleanup job needs to delete a dropped table's files once its definition is gone
// (docs/sql-reference.md): parameters of a `cleanup` job, as JSON.
struct CleanupTarget {
  std::string table_id;  // "ns.t"
  TableType type = TableType::kShared;
  TableNumber number = 0;
  StorageId storage_id;
  std::string table_dir;  // the table's root directory as resolved at DROP time
  std::string trash_dir;  // where DROP moved it; what the job deletes

  std::string ToJson() const;
  static Result<CleanupTarget> FromJson(const std::string& json);
};

// Removing cold files of dropped tables and purged users. DROP TABLE with a job submitter
// works in two steps: first, while the definition still exists, ResolveCleanupTarget notes
// everything the cleanup job will need (storage, table number and the table's root directory
// as its storage resolves it); then, once the definition is gone, DetachTableFiles moves that
// directory aside to `<root>~dropped-<table number>` (one rename), so that a table created
// again under the same name starts from an empty directory while the job deletes the old
// files later. '~' appears in no namespace, table or user id, so the trash name is never
// another table's directory. A table that never flushed has no directory; that is fine (the
// job then finds nothing). Thread-safe; `storages` and `catalog` must outlive it.
class DroppedTableTrash {
 public:
  DroppedTableTrash(ColdStorages& storages, SegmentCatalog& catalog) : storages_(storages), catalog_(catalog) {}

  // Removes every file of the table at once (embedded DROP TABLE without a job submitter).
  Status DropTableFiles(const TableDefinition& def);
  Result<CleanupTarget> ResolveCleanupTarget(const TableDefinition& def);
  Status DetachTableFiles(const CleanupTarget& target);
  // Executor side of a cleanup job: deletes `target.trash_dir` through the storage's
  // backend. Idempotent: a missing directory is success. Returns the completion message.
  Result<JobOutcome> RunCleanup(const CleanupTarget& target);
  // Deletes one user's directory of a USER table (user_cleanup). Missing = Ok.
  Status DropScopeFiles(const TableDefinition& def, const std::string& scope);

 private:
  ColdStorages& storages_;
  SegmentCatalog& catalog_;
};

}  // namespace kalam::tables
