#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/audit.h"
#include "kalam/commons/job.h"
#include "kalam/commons/live_query_record.h"
#include "kalam/commons/setting.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_definition.h"
#include "kalam/commons/user_record.h"
#include "kalam/registry/schema_registry.h"
#include "kalam/system/row_set.h"

namespace kalam::system {

// Figures for system.stats that only the engine knows.
struct EngineStats {
  std::string version;
  int64_t uptime_seconds = 0;
  int64_t active_connections = 0;
  int64_t active_subscriptions = 0;
  int64_t jobs_queued = 0;
  int64_t jobs_running = 0;
  // STREAM buffers: rows held, the memory they take, and stream.max_total_bytes.
  int64_t stream_buffered_rows = 0;
  int64_t stream_buffered_bytes = 0;
  int64_t stream_max_total_bytes = 0;
};

// The system tables of docs/sql-reference.md as row sets, plus the result shapes of SHOW and
// DESCRIBE. Stateless; every call reads the registry's current snapshot. Thread-safe.
class SystemTables {
 public:
  // `registry` must outlive this object.
  explicit SystemTables(const registry::SchemaRegistry& registry) : registry_(registry) {}

  // Whether `name` (lowercase, without "system.") is a system table; "live_queries" is an
  // alias of "live".
  static bool Exists(std::string_view name);
  // Column layout of a system table (for binding before any row is produced).
  static std::vector<RowSetColumn> Columns(std::string_view name);

  RowSet Namespaces() const;
  RowSet Tables(const std::vector<std::shared_ptr<const TableDefinition>>& tables) const;
  RowSet Tables() const;
  RowSet ColumnsTable() const;
  Result<RowSet> Schemas() const;
  RowSet Users(const std::vector<UserRecord>& users) const;
  // system.jobs, one row per record in the given order. Unset times and empty texts are NULL.
  RowSet Jobs(const std::vector<JobRecord>& jobs) const;
  RowSet Stats(const EngineStats& stats, size_t total_users) const;
  // system.storages (and SHOW STORAGES), one row per definition in the given order.
  // Credentials are a secret: "***" when set, NULL otherwise; empty texts are NULL.
  RowSet Storages(const std::vector<StorageDefinition>& storages) const;
  // system.audit_log, one row per entry in the given order.
  static RowSet AuditRows(const std::vector<AuditEntry>& entries);
  // system.settings, one row per setting in the given order (values already masked).
  RowSet Settings(const std::vector<Setting>& settings) const;
  // system.live, one row per subscription in the given order.
  RowSet Live(const std::vector<LiveQueryRecord>& live) const;
  // Empty tables whose content arrives with later issues (audit_log).
  static RowSet Empty(std::string_view name);

  RowSet Describe(const TableDefinition& def) const;

 private:
  const registry::SchemaRegistry& registry_;
};

// JSON text of a table's options as shown in system.tables (docs/sql-reference.md).
std::string TableOptionsJson(const TableDefinition& def);

}  // namespace kalam::system
