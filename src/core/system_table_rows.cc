#include "system_table_rows.h"

#include <chrono>

#include "engine_context.h"
#include "kalam/system/job_repository.h"

namespace kalam::core {
namespace {

using RowBuilder = Result<system::RowSet> (*)(EngineContext& engine);

Result<system::RowSet> UsersRows(EngineContext& engine) {
  KALAM_ASSIGN_OR_RETURN(auto users, engine.users->List());
  return engine.system_tables->Users(users);
}

Result<system::RowSet> NamespacesRows(EngineContext& engine) { return engine.system_tables->Namespaces(); }

Result<system::RowSet> TablesRows(EngineContext& engine) { return engine.system_tables->Tables(); }

Result<system::RowSet> ColumnsRows(EngineContext& engine) { return engine.system_tables->ColumnsTable(); }

Result<system::RowSet> SchemasRows(EngineContext& engine) { return engine.system_tables->Schemas(); }

Result<system::RowSet> StoragesRows(EngineContext& engine) {
  return engine.system_tables->Storages(engine.storages->List());
}

Result<system::RowSet> JobsRows(EngineContext& engine) {
  // The job manager persists every state change, so the store is the source of truth.
  system::JobRepository jobs(*engine.backend);
  KALAM_ASSIGN_OR_RETURN(auto records, jobs.List());
  return engine.system_tables->Jobs(records);
}

Result<system::RowSet> StatsRows(EngineContext& engine) {
  KALAM_ASSIGN_OR_RETURN(auto users, engine.users->List());
  size_t active = 0;
  for (const auto& u : users) active += !u.deleted();
  system::EngineStats stats;
  system::JobRepository jobs(*engine.backend);
  KALAM_ASSIGN_OR_RETURN(auto records, jobs.List());
  for (const JobRecord& job : records) {
    if (job.status == JobStatus::kQueued || job.status == JobStatus::kRetrying || job.status == JobStatus::kNew) {
      ++stats.jobs_queued;
    } else if (job.status == JobStatus::kRunning) {
      ++stats.jobs_running;
    }
  }
  stats.version = KALAMDB_VERSION;
  if (engine.live != nullptr) {
    stats.active_subscriptions = static_cast<int64_t>(engine.live->ActiveCount());
    stats.active_connections = static_cast<int64_t>(engine.live->ConnectionCount());
  }
  const tables::StreamBufferStats streams = engine.streams->Totals();
  stats.stream_buffered_rows = static_cast<int64_t>(streams.rows);
  stats.stream_buffered_bytes = static_cast<int64_t>(streams.bytes);
  stats.stream_max_total_bytes = static_cast<int64_t>(engine.streams->max_total_bytes());
  stats.uptime_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - engine.started).count();
  return engine.system_tables->Stats(stats, active);
}

Result<system::RowSet> AuditLogRows(EngineContext& engine) {
  KALAM_ASSIGN_OR_RETURN(auto entries, engine.audit->List());
  return system::SystemTables::AuditRows(entries);
}

Result<system::RowSet> SettingsRows(EngineContext& engine) { return engine.system_tables->Settings(engine.config.settings); }

Result<system::RowSet> LiveRows(EngineContext& engine) {
  if (engine.live == nullptr) return system::SystemTables::Empty("live");
  return engine.system_tables->Live(engine.live->List());
}

struct SystemTableBuilder {
  std::string_view name;
  RowBuilder build;
};

constexpr SystemTableBuilder kBuilders[] = {
    {"users", UsersRows},     {"namespaces", NamespacesRows}, {"tables", TablesRows},
    {"columns", ColumnsRows}, {"schemas", SchemasRows},       {"storages", StoragesRows},
    {"jobs", JobsRows},       {"stats", StatsRows},           {"live", LiveRows},
    {"settings", SettingsRows}, {"audit_log", AuditLogRows},
};

}  // namespace

Result<system::RowSet> BuildSystemRowSet(EngineContext& engine, std::string_view name) {
  for (const SystemTableBuilder& builder : kBuilders) {
    if (builder.name == name) return builder.build(engine);
  }
  return system::SystemTables::Empty(name);
}

}  // namespace kalam::core
