#include "audit_recorder.h"

#include <optional>

#include "kalam/commons/json_writer.h"
#include "kalam/system/audit_log.h"
#include "overloaded.h"

namespace kalam::core {
namespace {

std::string TableTarget(const ExecContext& ctx, const dialect::TableRef& table) {
  const NamespaceId& ns = table.namespace_id ? *table.namespace_id : ctx.session.current_namespace();
  return ns.str() + "." + table.table_name.str();
}

std::string RequestDetails(const Session& session, std::string_view key = {}, std::string_view value = {}) {
  std::string out;
  JsonWriter json(&out);
  json.StartObject();
  if (!session.request_id().empty()) json.Key("request_id").String(session.request_id());
  if (!key.empty()) json.Key(key).String(value);
  json.EndObject();
  return out == "{}" ? std::string() : out;
}

void Store(EngineContext& engine, const Session& session, AuditEntry entry) {
  if (engine.audit == nullptr) return;
  entry.actor = session.user_id();
  entry.ip_address = session.client_ip();
  (void)engine.audit->Append(std::move(entry));
}

AuditEntry Entry(AuditAction action, std::string target, std::string details = {},
                 std::optional<UserId> subject = std::nullopt) {
  AuditEntry e;
  e.action = action;
  e.target = std::move(target);
  e.details_json = std::move(details);
  e.subject = std::move(subject);
  return e;
}

std::string_view AlterUserChange(const dialect::AlterUserStmt& s) {
  switch (s.change) {
    case dialect::AlterUserStmt::Change::kPassword: return "password";
    case dialect::AlterUserStmt::Change::kRole: return "role";
    case dialect::AlterUserStmt::Change::kEmail: return "email";
  }
  return "other";
}

}  // namespace

void RecordStatementAudit(EngineContext& engine, const ExecContext& ctx, const dialect::KalamStatement& statement) {
  const Session& session = ctx.session;
  const std::optional<UserId> impersonated =
      ctx.acting_user != session.user_id() ? std::optional<UserId>(ctx.acting_user) : std::nullopt;
  std::optional<AuditEntry> entry = std::visit(
      Overloaded{
          [&](const dialect::CreateNamespaceStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kCreateNamespace, s.name.str(), RequestDetails(session));
          },
          [&](const dialect::DropNamespaceStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kDropNamespace, s.name.str(), RequestDetails(session));
          },
          [&](const dialect::CreateTableStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kCreateTable, TableTarget(ctx, s.table), RequestDetails(session), impersonated);
          },
          [&](const dialect::DropTableStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kDropTable, TableTarget(ctx, s.table), RequestDetails(session), impersonated);
          },
          [&](const dialect::AlterTableStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kAlterTable, TableTarget(ctx, s.table), RequestDetails(session), impersonated);
          },
          [&](const dialect::CreateUserStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kCreateUser, s.user.str(), RequestDetails(session, "role", RoleName(s.role)),
                         s.user);
          },
          [&](const dialect::AlterUserStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kAlterUser, s.user.str(), RequestDetails(session, "change", AlterUserChange(s)),
                         s.user);
          },
          [&](const dialect::DropUserStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kDropUser, s.user.str(), RequestDetails(session), s.user);
          },
          [&](const dialect::CreateStorageStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kCreateStorage, s.id.str(), RequestDetails(session));
          },
          [&](const dialect::AlterStorageStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kAlterStorage, s.id.str(), RequestDetails(session));
          },
          [&](const dialect::DropStorageStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kDropStorage, s.id.str(), RequestDetails(session));
          },
          [&](const dialect::KillJobStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kKillJob, s.job_id, RequestDetails(session));
          },
          [&](const dialect::KillLiveQueryStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kKillLiveQuery, s.live_id.str(), RequestDetails(session));
          },
          [&](const dialect::ExportUserDataStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kExportUserData, s.user.str(), RequestDetails(session, "directory", s.directory),
                         s.user);
          },
          [&](const dialect::BackupDatabaseStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kBackup, s.namespace_id ? s.namespace_id->str() : std::string("database"),
                         RequestDetails(session, "directory", s.path));
          },
          [&](const dialect::RestoreDatabaseStmt& s) -> std::optional<AuditEntry> {
            return Entry(AuditAction::kRestore, s.namespace_id ? s.namespace_id->str() : std::string("database"),
                         RequestDetails(session, "directory", s.path));
          },
          [](const auto&) -> std::optional<AuditEntry> { return std::nullopt; },
      },
      statement);
  if (entry) Store(engine, session, std::move(*entry));
}

void RecordExecuteAs(EngineContext& engine, const Session& session, const UserId& subject, bool succeeded) {
  std::string details;
  JsonWriter json(&details);
  json.StartObject();
  if (!session.request_id().empty()) json.Key("request_id").String(session.request_id());
  json.Key("succeeded").Bool(succeeded).EndObject();
  Store(engine, session, Entry(AuditAction::kExecuteAs, subject.str(), std::move(details), subject));
}

}  // namespace kalam::core
