#include "kalam/system/system_tables.h"

#include <array>

#include "kalam/commons/json_text.h"
#include "kalam/commons/names.h"

namespace kalam::system {
namespace {

DataType T(TypeKind k) { return DataType{k, 0, 0}; }
const DataType kText = T(TypeKind::kText);
const DataType kTs = T(TypeKind::kTimestamp);
const DataType kJson = T(TypeKind::kJson);
const DataType kBool = T(TypeKind::kBoolean);
const DataType kInt = T(TypeKind::kInt);
const DataType kBigInt = T(TypeKind::kBigInt);

Cell TsOrNull(int64_t us) { return us == 0 ? Cell{} : Cell{us}; }


std::vector<RowSetColumn> NamespacesColumns() {
  return {{"namespace_id", kText}, {"name", kText}, {"created_at", kTs}, {"options", kJson}, {"table_count", kInt}};
}
std::vector<RowSetColumn> TablesColumns() {
  return {{"namespace_id", kText}, {"table_name", kText}, {"table_type", kText}, {"storage_id", kText},
          {"version", kInt},       {"options", kJson},    {"comment", kText},    {"updated_at", kTs},
          {"created_at", kTs}};
}
std::vector<RowSetColumn> ColumnsColumns() {
  return {{"namespace_id", kText}, {"table_name", kText},   {"version", kInt},   {"column_id", kInt},
          {"column_name", kText},  {"comment", kText},      {"data_type", kText}, {"default_value", kText},
          {"ordinal", kInt},       {"nullable", kBool},     {"primary_key", kBool}, {"primary_key_pos", kInt}};
}
std::vector<RowSetColumn> SchemasColumns() {
  return {{"table_id", kText},      {"table_name", kText}, {"namespace_id", kText}, {"table_type", kText},
          {"created_at", kTs},      {"schema_version", kInt}, {"columns", kJson},   {"table_comment", kText},
          {"updated_at", kTs},      {"options", kJson},    {"access_level", kText}, {"is_latest", kBool},
          {"storage_id", kText}};
}
std::vector<RowSetColumn> UsersColumns() {
  return {{"user_id", kText},       {"password_hash", kText}, {"role", kText},         {"email", kText},
          {"auth_type", kText},     {"auth_data", kJson},     {"storage_mode", kText}, {"storage_id", kText},
          {"failed_login_attempts", kInt}, {"locked_until", kTs}, {"last_login_at", kTs}, {"created_at", kTs},
          {"updated_at", kTs},      {"last_seen", kTs},       {"deleted_at", kTs}};
}
std::vector<RowSetColumn> StoragesColumns() {
  return {{"storage_id", kText},   {"storage_name", kText}, {"description", kText}, {"storage_type", kText},
          {"base_directory", kText}, {"credentials", kText}, {"config_json", kJson},  {"shared_tables_template", kText},
          {"user_tables_template", kText}, {"created_at", kTs}, {"updated_at", kTs}};
}
std::vector<RowSetColumn> JobsColumns() {
  return {{"job_id", kText},     {"job_type", kText},  {"status", kText},   {"parameters", kJson},
          {"message", kText},    {"exception_trace", kText}, {"idempotency_key", kText}, {"queue", kText},
          {"priority", kInt},    {"retry_count", kInt}, {"max_retries", kInt}, {"memory_used", kBigInt},
          {"cpu_used", kBigInt}, {"created_at", kTs},  {"updated_at", kTs}, {"started_at", kTs},
          {"finished_at", kTs}};
}
std::vector<RowSetColumn> LiveColumns() {
  return {{"live_id", kText},   {"connection_id", kText}, {"subscription_id", kText}, {"namespace_id", kText},
          {"table_name", kText}, {"user_id", kText},     {"query", kText},           {"options", kJson},
          {"status", kText},    {"created_at", kTs},     {"last_update", kTs},       {"changes", kBigInt},
          {"last_ping_at", kTs}};
}
std::vector<RowSetColumn> AuditColumns() {
  return {{"audit_id", kText}, {"timestamp", kTs}, {"actor_user_id", kText}, {"action", kText},
          {"target", kText},   {"details", kJson}, {"ip_address", kText},    {"subject_user_id", kText}};
}
std::vector<RowSetColumn> StatsColumns() { return {{"metric_name", kText}, {"metric_value", kText}}; }
std::vector<RowSetColumn> SettingsColumns() {
  return {{"name", kText}, {"value", kText}, {"description", kText}, {"category", kText}};
}

std::string ColumnsJson(const TableDefinition& def) {
  std::string out = "[";
  for (size_t i = 0; i < def.columns.size(); ++i) {
    const ColumnDefinition& c = def.columns[i];
    if (i) out += ",";
    out += "{\"column_id\":" + std::to_string(c.column_id) + ",\"name\":" + JsonQuote(c.name) +
           ",\"data_type\":" + JsonQuote(c.type.SqlName()) + ",\"nullable\":" + (c.nullable ? "true" : "false") +
           ",\"primary_key\":" + (c.primary_key ? "true" : "false") + ",\"default\":" +
           (c.default_value ? JsonQuote(c.default_value->ToSql()) : "null") + "}";
  }
  return out + "]";
}

}  // namespace

std::string TableOptionsJson(const TableDefinition& def) {
  const TableOptions& o = def.options;
  if (def.type == TableType::kStream) {
    return "{\"ttl_seconds\":" + std::to_string(o.ttl_seconds) + ",\"max_buffer\":" + std::to_string(o.max_buffer) + "}";
  }
  std::string out = "{\"flush_policy\":" + JsonQuote(o.FlushPolicyText()) +
                    ",\"deleted_retention_hours\":" + std::to_string(o.deleted_retention_hours);
  if (def.type == TableType::kShared) out += ",\"access_level\":" + JsonQuote(AccessLevelName(o.access_level));
  return out + "}";
}

bool SystemTables::Exists(std::string_view name) {
  static constexpr std::array kNames = {"users", "namespaces", "tables",    "columns", "schemas",  "storages",
                                        "jobs",  "live",       "live_queries", "audit_log", "stats", "settings"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

std::vector<RowSetColumn> SystemTables::Columns(std::string_view name) {
  if (name == "users") return UsersColumns();
  if (name == "namespaces") return NamespacesColumns();
  if (name == "tables") return TablesColumns();
  if (name == "columns") return ColumnsColumns();
  if (name == "schemas") return SchemasColumns();
  if (name == "storages") return StoragesColumns();
  if (name == "jobs") return JobsColumns();
  if (name == "live" || name == "live_queries") return LiveColumns();
  if (name == "audit_log") return AuditColumns();
  if (name == "stats") return StatsColumns();
  if (name == "settings") return SettingsColumns();
  return {};
}

RowSet SystemTables::Empty(std::string_view name) { return RowSet{Columns(name), {}}; }

RowSet SystemTables::Namespaces() const {
  RowSet rs{NamespacesColumns(), {}};
  const auto tables = registry_.ListTables();
  for (const NamespaceDefinition& ns : registry_.ListNamespaces()) {
    int64_t count = 0;
    for (const auto& t : tables) count += t->id.namespace_id == ns.id;
    rs.rows.push_back({ns.id.str(), ns.id.str(), ns.created_at_us, ns.options_json, count});
  }
  return rs;
}

RowSet SystemTables::Tables(const std::vector<std::shared_ptr<const TableDefinition>>& tables) const {
  RowSet rs{TablesColumns(), {}};
  for (const auto& t : tables) {
    const bool stream = t->type == TableType::kStream;
    rs.rows.push_back({t->id.namespace_id.str(), t->id.table_name.str(), std::string(TableTypeName(t->type)),
                       stream ? Cell{} : Cell{t->options.storage_id.str()}, int64_t{t->schema_version},
                       TableOptionsJson(*t), t->comment.empty() ? Cell{} : Cell{t->comment}, t->updated_at_us,
                       t->created_at_us});
  }
  return rs;
}

RowSet SystemTables::Tables() const { return Tables(registry_.ListTables()); }

RowSet SystemTables::ColumnsTable() const {
  RowSet rs{ColumnsColumns(), {}};
  for (const auto& t : registry_.ListTables()) {
    int64_t ordinal = 1;
    for (const ColumnDefinition& c : t->columns) {
      rs.rows.push_back({t->id.namespace_id.str(), t->id.table_name.str(), int64_t{t->schema_version},
                         int64_t{c.column_id}, c.name, c.comment.empty() ? Cell{} : Cell{c.comment}, c.type.SqlName(),
                         c.default_value ? Cell{c.default_value->ToSql()} : Cell{}, ordinal++, c.nullable,
                         c.primary_key, c.primary_key ? Cell{int64_t{1}} : Cell{}});
    }
  }
  return rs;
}

Result<RowSet> SystemTables::Schemas() const {
  RowSet rs{SchemasColumns(), {}};
  for (const auto& t : registry_.ListTables()) {
    KALAM_ASSIGN_OR_RETURN(auto history, registry_.SchemaHistory(t->id));
    for (const TableDefinition& v : history) {
      rs.rows.push_back({v.id.ToString(), v.id.table_name.str(), v.id.namespace_id.str(),
                         std::string(TableTypeName(v.type)), v.created_at_us, int64_t{v.schema_version},
                         ColumnsJson(v), v.comment.empty() ? Cell{} : Cell{v.comment}, v.updated_at_us,
                         TableOptionsJson(v),
                         v.type == TableType::kShared ? Cell{std::string(AccessLevelName(v.options.access_level))} : Cell{},
                         v.schema_version == t->schema_version,
                         v.type == TableType::kStream ? Cell{} : Cell{v.options.storage_id.str()}});
    }
  }
  return rs;
}

RowSet SystemTables::Users(const std::vector<UserRecord>& users) const {
  RowSet rs{UsersColumns(), {}};
  for (const UserRecord& u : users) {
    rs.rows.push_back({u.id.str(), u.password_hash.empty() ? Cell{} : Cell{std::string("***")},
                       std::string(RoleName(u.role)), u.email ? Cell{*u.email} : Cell{},
                       std::string(AuthTypeName(u.auth_type)), u.auth_data.empty() ? Cell{} : Cell{u.auth_data},
                       std::string("table"), u.storage_id.empty() ? Cell{} : Cell{u.storage_id},
                       int64_t{u.failed_login_attempts}, TsOrNull(u.locked_until_us), TsOrNull(u.last_login_at_us),
                       TsOrNull(u.created_at_us), TsOrNull(u.updated_at_us), TsOrNull(u.last_seen_us),
                       TsOrNull(u.deleted_at_us)});
  }
  return rs;
}

RowSet SystemTables::Jobs(const std::vector<JobRecord>& jobs) const {
  RowSet rs{JobsColumns(), {}};
  auto text_or_null = [](const std::string& s) { return s.empty() ? Cell{} : Cell{s}; };
  for (const JobRecord& j : jobs) {
    rs.rows.push_back({j.id.str(), std::string(JobTypeName(j.type)), std::string(JobStatusName(j.status)),
                       text_or_null(j.parameters_json), text_or_null(j.message), text_or_null(j.exception_trace),
                       text_or_null(j.idempotency_key), j.queue, int64_t{j.priority}, int64_t{j.retry_count},
                       int64_t{j.max_retries}, j.memory_used, j.cpu_used, TsOrNull(j.created_at_us),
                       TsOrNull(j.updated_at_us), TsOrNull(j.started_at_us), TsOrNull(j.finished_at_us)});
  }
  return rs;
}

RowSet SystemTables::Storages(const std::vector<StorageDefinition>& storages) const {
  RowSet rs{StoragesColumns(), {}};
  auto text_or_null = [](const std::string& s) { return s.empty() ? Cell{} : Cell{s}; };
  for (const StorageDefinition& s : storages) {
    rs.rows.push_back({s.id.str(), text_or_null(s.name), text_or_null(s.description),
                       std::string(StorageTypeName(s.type)), s.base_directory,
                       s.credentials_json.empty() ? Cell{} : Cell{std::string("***")}, text_or_null(s.config_json),
                       s.shared_tables_template, s.user_tables_template, TsOrNull(s.created_at_us),
                       TsOrNull(s.updated_at_us)});
  }
  return rs;
}

RowSet SystemTables::Live(const std::vector<LiveQueryRecord>& live) const {
  RowSet rs{LiveColumns(), {}};
  for (const LiveQueryRecord& q : live) {
    rs.rows.push_back({q.live_id.str(), q.connection_id, q.subscription_id, q.table.namespace_id.str(),
                       q.table.table_name.str(), q.user_id.str(), q.query, q.options_json,
                       std::string(q.loading ? "loading" : "active"), TsOrNull(q.created_at_us),
                       TsOrNull(q.last_update_us), q.changes, TsOrNull(q.last_ping_at_us)});
  }
  return rs;
}

RowSet SystemTables::AuditRows(const std::vector<AuditEntry>& entries) {
  RowSet rs{AuditColumns(), {}};
  auto text_or_null = [](const std::string& s) { return s.empty() ? Cell{} : Cell{s}; };
  for (const AuditEntry& e : entries) {
    rs.rows.push_back({e.audit_id, TsOrNull(e.timestamp_us), text_or_null(e.actor.str()),
                       std::string(AuditActionName(e.action)), text_or_null(e.target), text_or_null(e.details_json),
                       text_or_null(e.ip_address), e.subject ? Cell{e.subject->str()} : Cell{}});
  }
  return rs;
}

RowSet SystemTables::Settings(const std::vector<Setting>& settings) const {
  RowSet rs{SettingsColumns(), {}};
  for (const Setting& s : settings) {
    rs.rows.push_back({s.name, s.value, s.description.empty() ? Cell{} : Cell{s.description}, s.category});
  }
  return rs;
}

RowSet SystemTables::Stats(const EngineStats& stats, size_t total_users) const {
  RowSet rs{StatsColumns(), {}};
  auto add = [&](std::string name, std::string value) { rs.rows.push_back({std::move(name), std::move(value)}); };
  add("version", stats.version);
  add("uptime_seconds", std::to_string(stats.uptime_seconds));
  add("total_users", std::to_string(total_users));
  add("total_namespaces", std::to_string(registry_.ListNamespaces().size()));
  add("total_tables", std::to_string(registry_.ListTables().size()));
  add("active_connections", std::to_string(stats.active_connections));
  add("active_subscriptions", std::to_string(stats.active_subscriptions));
  add("jobs_queued", std::to_string(stats.jobs_queued));
  add("jobs_running", std::to_string(stats.jobs_running));
  add("stream_buffered_rows", std::to_string(stats.stream_buffered_rows));
  add("stream_buffered_bytes", std::to_string(stats.stream_buffered_bytes));
  add("stream_max_total_bytes", std::to_string(stats.stream_max_total_bytes));
  return rs;
}

RowSet SystemTables::Describe(const TableDefinition& def) const {
  RowSet rs{{{"column_name", kText},
             {"ordinal_position", kInt},
             {"column_id", kInt},
             {"data_type", kText},
             {"is_nullable", kBool},
             {"is_primary_key", kBool},
             {"column_default", kText},
             {"column_comment", kText},
             {"schema_version", kInt}},
            {}};
  int64_t ordinal = 1;
  for (const ColumnDefinition& c : def.columns) {
    rs.rows.push_back({c.name, ordinal++, int64_t{c.column_id}, c.type.SqlName(), c.nullable, c.primary_key,
                       c.default_value ? Cell{c.default_value->ToSql()} : Cell{},
                       c.comment.empty() ? Cell{} : Cell{c.comment}, int64_t{def.schema_version}});
  }
  // System columns close every table; their ids sit above any user column id.
  rs.rows.push_back({std::string(kSeqColumn), ordinal++, int64_t{0}, std::string("BIGINT"), false, false, Cell{}, Cell{},
                     int64_t{def.schema_version}});
  rs.rows.push_back({std::string(kDeletedColumn), ordinal++, int64_t{-1}, std::string("BOOLEAN"), false, false,
                     std::string("false"), Cell{}, int64_t{def.schema_version}});
  return rs;
}

}  // namespace kalam::system
