#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"

namespace kalam::core {

// The parameters of the engine's background jobs, as typed values with one codec each: the
// JSON object text stored in the job record (system.jobs.parameters) is written by ToJson
// with the project's JSON writer and read back by FromJson, and nowhere else. Tables travel
// as their "<namespace>.<table>" text (TableId::Parse reads it). A `cleanup` job's parameters
// are the CleanupTarget of the dropped table it deletes.

// `flush`: one table, or only one user's rows of a USER table.
struct FlushJobParams {
  TableId table;
  std::optional<UserId> user;

  std::string ToJson() const;  // {"table_id":"ns.t"} (+ "user_id")
  static Result<FlushJobParams> FromJson(std::string_view json);
};

// `retention`: purge the table's tombstones older than its DELETED_RETENTION_HOURS.
struct RetentionJobParams {
  TableId table;

  std::string ToJson() const;  // {"table_id":"ns.t"}
  static Result<RetentionJobParams> FromJson(std::string_view json);
};

// `compact`: merge the segments of every scope of the table that has at least `min_segments`
// of them (2 for STORAGE COMPACT; one past compaction.max_segments_per_scope for the
// automatic policy, so that only the scopes over the limit are rewritten).
struct CompactJobParams {
  TableId table;
  uint32_t min_segments = 2;

  std::string ToJson() const;  // {"table_id":"ns.t","min_segments":2}
  static Result<CompactJobParams> FromJson(std::string_view json);
};

// `user_cleanup`: purge a soft-deleted user past its grace period.
struct UserCleanupJobParams {
  UserId user;

  std::string ToJson() const;  // {"user_id":"alice"}
  static Result<UserCleanupJobParams> FromJson(std::string_view json);
};

// `backup` and `restore`: one namespace, or the whole server when `namespace_id` is absent,
// to or from `directory` (absolute and already checked, docs/backup.md).
struct BackupJobParams {
  std::optional<NamespaceId> namespace_id;
  std::string directory;

  std::string ToJson() const;  // {"directory":"/backups/x"} (+ "namespace_id")
  static Result<BackupJobParams> FromJson(std::string_view json);
};

}  // namespace kalam::core
