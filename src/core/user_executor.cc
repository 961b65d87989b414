#include "user_executor.h"

#include <simdjson.h>

#include "kalam/auth/password_policy.h"
#include "kalam/auth/permissions.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "row_set_result.h"

namespace kalam::core {
namespace {

Status UserNotFound(const UserId& id) { return Status::NotFound("User '" + id.str() + "' not found"); }

// A dba may manage users but never grant `system` or touch a `system` user.
Status CheckSystemRoleRule(Role actor, Role target_role) {
  if (target_role == Role::kSystem && actor != Role::kSystem) {
    return Status::PermissionDenied("Access denied: Role '" + std::string(RoleName(actor)) +
                                    "' cannot grant or alter role 'system'");
  }
  return Status::Ok();
}

Status CheckOAuthJson(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Status::InvalidArgument("OAUTH must be a JSON object with \"provider\" and \"subject\"");
  }
  std::string_view provider, subject;
  if (doc["provider"].get(provider) != simdjson::SUCCESS || doc["subject"].get(subject) != simdjson::SUCCESS ||
      provider.empty() || subject.empty()) {
    return Status::InvalidArgument("OAUTH must be a JSON object with \"provider\" and \"subject\"");
  }
  return Status::Ok();
}

}  // namespace

Status UserExecutor::Precheck(const UserId& actor, Role role, const dialect::KalamStatement& statement) {
  if (const auto* create = std::get_if<dialect::CreateUserStmt>(&statement)) {
    KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(role, "create users"));
    return CheckSystemRoleRule(role, create->role);
  }
  if (const auto* alter = std::get_if<dialect::AlterUserStmt>(&statement)) {
    // Anyone may change their own password; everything else is admin-only.
    if (alter->change == dialect::AlterUserStmt::Change::kPassword && alter->user == actor) return Status::Ok();
    KALAM_RETURN_IF_ERROR(auth::CheckAdminStatement(role, "alter users"));
    if (alter->change == dialect::AlterUserStmt::Change::kRole) return CheckSystemRoleRule(role, alter->role);
    return Status::Ok();
  }
  if (std::holds_alternative<dialect::DropUserStmt>(statement)) {
    return auth::CheckAdminStatement(role, "drop users");
  }
  return Status::Ok();
}

Status UserExecutor::CheckPassword(std::string_view password) const {
  if (password.empty()) return Status::InvalidArgument("Password must not be empty");
  if (engine_.auth->settings().enforce_password_complexity) {
    return auth::CheckPasswordPolicy(password, /*enforce_complexity=*/true);
  }
  return Status::Ok();
}

Result<StatementResult> UserExecutor::Create(ExecContext& ctx, const dialect::CreateUserStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_user, ctx.acting_role, dialect::KalamStatement(s)));
  KALAM_RETURN_IF_ERROR(ValidateUserId(s.user.str()));
  std::string password_hash;
  if (s.method == dialect::CreateUserStmt::Method::kPassword) {
    KALAM_RETURN_IF_ERROR(CheckPassword(s.password));
    KALAM_ASSIGN_OR_RETURN(password_hash, engine_.auth->HashPassword(s.password));
  }
  std::lock_guard record_lock(engine_.auth->user_record_mutex());
  KALAM_ASSIGN_OR_RETURN(auto existing, engine_.users->Get(s.user));
  if (existing && !existing->deleted()) {
    if (s.if_not_exists) return MessageResult("User '" + s.user.str() + "' already exists", 0, ctx.acting_user);
    return Status::AlreadyExists("User '" + s.user.str() + "' already exists");
  }
  const int64_t now = NowMicros();
  // A soft-deleted user is reactivated: same id and data, new credentials and role.
  UserRecord user = existing.value_or(UserRecord{});
  if (!existing) user.created_at_us = now;
  user.id = s.user;
  user.role = s.role;
  user.email = s.email;
  user.deleted_at_us = 0;
  user.failed_login_attempts = 0;
  user.locked_until_us = 0;
  user.password_hash.clear();
  user.auth_data.clear();
  switch (s.method) {
    case dialect::CreateUserStmt::Method::kPassword:
      user.password_hash = std::move(password_hash);
      user.auth_type = AuthType::kPassword;
      break;
    case dialect::CreateUserStmt::Method::kOAuth:
      KALAM_RETURN_IF_ERROR(CheckOAuthJson(s.oauth_json));
      user.auth_type = AuthType::kOAuth;
      user.auth_data = s.oauth_json;
      break;
    case dialect::CreateUserStmt::Method::kInternal:
      user.auth_type = AuthType::kInternal;
      break;
  }
  user.updated_at_us = now;
  user.credentials_changed_at_us = now;
  KALAM_RETURN_IF_ERROR(engine_.users->Put(user));
  engine_.auth->ForgetUser(user.id);
  if (existing && engine_.live != nullptr) engine_.live->OnUserCredentialsChanged(user.id);  // reactivated
  return MessageResult("User '" + s.user.str() + "' created", 0, ctx.acting_user);
}

Result<StatementResult> UserExecutor::Alter(ExecContext& ctx, const dialect::AlterUserStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_user, ctx.acting_role, dialect::KalamStatement(s)));
  std::string password_hash;
  if (s.change == dialect::AlterUserStmt::Change::kPassword) {
    KALAM_RETURN_IF_ERROR(CheckPassword(s.text));
    KALAM_ASSIGN_OR_RETURN(password_hash, engine_.auth->HashPassword(s.text));
  }
  std::lock_guard record_lock(engine_.auth->user_record_mutex());
  KALAM_ASSIGN_OR_RETURN(auto existing, engine_.users->Get(s.user));
  if (!existing || existing->deleted()) return UserNotFound(s.user);
  UserRecord user = std::move(*existing);
  // Only a session acting as itself counts as changing its own password.
  const bool self = s.user == ctx.acting_user && ctx.acting_user == ctx.session.user_id();
  if (!self || s.change != dialect::AlterUserStmt::Change::kPassword) {
    KALAM_RETURN_IF_ERROR(CheckSystemRoleRule(ctx.acting_role, user.role));
  }
  const int64_t now = NowMicros();
  switch (s.change) {
    case dialect::AlterUserStmt::Change::kPassword: {
      if (user.auth_type == AuthType::kOAuth) {
        return Status::InvalidOperation("User '" + s.user.str() + "' authenticates with OAuth and has no password");
      }
      user.password_hash = std::move(password_hash);
      user.auth_type = AuthType::kPassword;
      user.credentials_changed_at_us = now;
      break;
    }
    case dialect::AlterUserStmt::Change::kRole:
      if (user.id.str() == kRootUser) return Status::InvalidOperation("Cannot change the role of user 'root'");
      user.role = s.role;
      user.credentials_changed_at_us = now;
      break;
    case dialect::AlterUserStmt::Change::kEmail:
      user.email = s.text;
      break;
  }
  user.updated_at_us = now;
  KALAM_RETURN_IF_ERROR(engine_.users->Put(user));
  engine_.auth->ForgetUser(user.id);
  // Open WebSockets act with the role they authenticated with: they must not outlive it.
  if (s.change != dialect::AlterUserStmt::Change::kEmail && engine_.live != nullptr) {
    engine_.live->OnUserCredentialsChanged(user.id);
  }
  return MessageResult("User '" + s.user.str() + "' updated", 0, ctx.acting_user);
}

Result<StatementResult> UserExecutor::Drop(ExecContext& ctx, const dialect::DropUserStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_user, ctx.acting_role, dialect::KalamStatement(s)));
  if (s.user.str() == kRootUser) return Status::InvalidOperation("Cannot drop user 'root'");
  std::lock_guard record_lock(engine_.auth->user_record_mutex());
  KALAM_ASSIGN_OR_RETURN(auto existing, engine_.users->Get(s.user));
  if (!existing || existing->deleted()) {
    if (s.if_exists) return MessageResult("User '" + s.user.str() + "' not found", 0, ctx.acting_user);
    return UserNotFound(s.user);
  }
  UserRecord user = std::move(*existing);
  KALAM_RETURN_IF_ERROR(CheckSystemRoleRule(ctx.acting_role, user.role));
  user.deleted_at_us = NowMicros();
  user.updated_at_us = user.deleted_at_us;
  KALAM_RETURN_IF_ERROR(engine_.users->Put(user));
  engine_.auth->ForgetUser(user.id);
  if (engine_.live != nullptr) engine_.live->OnUserDropped(user.id);
  // STREAM rows are never kept: a dropped user's go now, not after the grace period.
  engine_.streams->DropScope(user.id.str());
  return MessageResult("User '" + s.user.str() + "' dropped (soft delete)", 0, ctx.acting_user);
}

}  // namespace kalam::core
