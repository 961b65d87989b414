#include "storage_executor.h"

#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "kalam/auth/permissions.h"
#include "kalam/commons/names.h"
#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/path_template.h"
#include "kalam/filestore/s3_settings.h"
#include "kalam/filestore/storage_directory.h"
#include "kalam/registry/storage_registry.h"
#include "row_set_result.h"
#include "s3_storage_setup.h"

namespace kalam::core {
namespace {

namespace fs = std::filesystem;

Status StorageNotFound(const StorageId& id) { return Status::NotFound("Storage '" + id.str() + "' does not exist"); }

bool IsBuiltIn(const StorageId& id) { return id.str() == registry::kLocalStorageId; }

Status NotBuiltYet(StorageType type) {
  return Status::Unsupported("Not supported yet: " + std::string(StorageTypeName(type)) + " storages");
}

// CREDENTIALS and CONFIG are stored as written, but only when they are JSON objects.
Status CheckJsonObject(const std::string& text, std::string_view clause) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Status::InvalidArgument(std::string(clause) + " must be a JSON object");
  }
  return Status::Ok();
}

// The '/'-separated segments of a canonical template.
std::vector<std::string_view> SplitSegments(std::string_view tmpl) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= tmpl.size()) {
    size_t end = tmpl.find('/', start);
    if (end == std::string_view::npos) end = tmpl.size();
    out.push_back(tmpl.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool AnyHolds(const std::vector<std::string_view>& segments, std::string_view placeholder) {
  for (std::string_view seg : segments) {
    if (seg.find(placeholder) != std::string_view::npos) return true;
  }
  return false;
}

bool HoldsPlaceholder(std::string_view segment) { return segment.find('{') != std::string_view::npos; }

// The layout rules of StorageExecutor's class comment, on canonical templates: no two tables
// of one storage may share a directory or nest one's directory inside another's (DROP TABLE
// deletes a table's directory recursively).
Status CheckTemplateLayout(const std::string& shared_tmpl, const std::string& user_tmpl) {
  const std::vector<std::string_view> shared = SplitSegments(shared_tmpl);
  const std::vector<std::string_view> user = SplitSegments(user_tmpl);
  const std::string_view ns(filestore::kNamespacePlaceholder);
  if (!AnyHolds(shared, ns)) {
    return Status::InvalidArgument(
        "SHARED_TABLES_TEMPLATE must contain {namespace}: tables of different namespaces would share a directory");
  }
  if (!AnyHolds(user, ns)) {
    return Status::InvalidArgument(
        "USER_TABLES_TEMPLATE must contain {namespace}: tables of different namespaces would share a directory");
  }
  size_t user_at = 0;
  while (user_at < user.size() && user[user_at].find(filestore::kUserIdPlaceholder) == std::string_view::npos) {
    ++user_at;
  }
  const std::vector<std::string_view> root(user.begin(), user.begin() + static_cast<std::ptrdiff_t>(user_at));
  // A table's users are found by listing its root directory, so each entry must be a user id.
  if (user_at == user.size() || user[user_at] != filestore::kUserIdPlaceholder || !AnyHolds(root, ns) ||
      !AnyHolds(root, filestore::kTableNamePlaceholder)) {
    return Status::InvalidArgument(
        "USER_TABLES_TEMPLATE must hold {userId} as a segment of its own, after {namespace} and {tableName}");
  }
  bool alike = shared.size() == root.size();
  for (size_t i = 0; alike && i < shared.size(); ++i) {
    alike = shared[i] == root[i] || (!HoldsPlaceholder(shared[i]) && !HoldsPlaceholder(root[i]));
  }
  if (!alike) {
    return Status::InvalidArgument("SHARED_TABLES_TEMPLATE '" + shared_tmpl + "' and USER_TABLES_TEMPLATE '" +
                                   user_tmpl +
                                   "' must lay out table directories alike (the same placeholders at the same "
                                   "depth before {userId}), so that no table's directory can hold another's");
  }
  return Status::Ok();
}

// `dir` with symlinks of its existing part resolved, for comparing directories.
fs::path Comparable(const std::string& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(fs::path(dir), ec);
  if (ec) abs = fs::path(dir);
  fs::path canonical = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canonical.lexically_normal();
}

// Whether one directory is the other or lies inside it.
bool Overlaps(const fs::path& a, const fs::path& b) {
  auto next = [](fs::path::const_iterator it, const fs::path& p) {
    while (it != p.end() && it->empty()) ++it;  // the empty name a trailing '/' leaves
    return it;
  };
  auto ai = next(a.begin(), a);
  auto bi = next(b.begin(), b);
  while (ai != a.end() && bi != b.end()) {
    if (*ai != *bi) return false;
    ai = next(++ai, a);
    bi = next(++bi, b);
  }
  return true;
}

// The canonical USER and SHARED templates a CREATE STORAGE describes.
Result<filestore::StorageTemplates> TemplatesOf(const dialect::CreateStorageStmt& s, const std::string& path_template) {
  filestore::StorageTemplates templates{StorageDefinition{}.user_tables_template,
                                        StorageDefinition{}.shared_tables_template};
  if (!path_template.empty()) {
    KALAM_ASSIGN_OR_RETURN(templates, filestore::DeriveTemplates(path_template));
  }
  if (s.shared_tables_template) {
    KALAM_ASSIGN_OR_RETURN(templates.shared_template, filestore::NormalizeSharedTemplate(*s.shared_tables_template));
  }
  if (s.user_tables_template) {
    KALAM_ASSIGN_OR_RETURN(templates.user_template, filestore::NormalizeUserTemplate(*s.user_tables_template));
  }
  return templates;
}

}  // namespace

Status StorageExecutor::Precheck(Role role, const dialect::KalamStatement& statement) {
  if (std::holds_alternative<dialect::CreateStorageStmt>(statement)) {
    return auth::CheckAdminStatement(role, "create storages");
  }
  if (std::holds_alternative<dialect::AlterStorageStmt>(statement)) {
    return auth::CheckAdminStatement(role, "alter storages");
  }
  if (std::holds_alternative<dialect::DropStorageStmt>(statement)) {
    return auth::CheckAdminStatement(role, "drop storages");
  }
  if (std::holds_alternative<dialect::ShowStoragesStmt>(statement)) {
    return auth::CheckAdminStatement(role, "show storages");
  }
  return Status::Ok();
}

size_t StorageExecutor::TablesUsing(const StorageId& id) const {
  size_t count = 0;
  for (const auto& def : engine_.registry->ListTables()) {
    count += def->type != TableType::kStream && def->options.storage_id == id;
  }
  return count;
}

Status StorageExecutor::CheckBaseIsSeparate(const StorageId& id, const std::string& base) const {
  const fs::path mine = Comparable(base);
  const fs::path hot = Comparable((fs::path(engine_.config.data_path) / "rocksdb").string());
  // An s3 base is compared with other s3 bases only, by bucket and prefix.
  const bool mine_s3 = filestore::IsS3Url(base);
  if (!mine_s3 && Overlaps(mine, hot)) {
    return Status::InvalidOperation("Storage base directory '" + base + "' overlaps the hot tier directory '" +
                                    hot.string() + "'");
  }
  for (const StorageDefinition& other : engine_.storages->List()) {
    if (other.id == id || (other.type != StorageType::kFilesystem && other.type != StorageType::kS3)) continue;
    if ((other.type == StorageType::kS3) != mine_s3) continue;
    if (Overlaps(mine, Comparable(other.base_directory))) {
      return Status::InvalidOperation("Storage base directory '" + base + "' overlaps the base directory '" +
                                      other.base_directory + "' of storage '" + other.id.str() +
                                      "'; storages need separate directories");
    }
  }
  return Status::Ok();
}

Result<StatementResult> StorageExecutor::Create(ExecContext& ctx, const dialect::CreateStorageStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_role, dialect::KalamStatement(s)));
  KALAM_RETURN_IF_ERROR(ValidateIdentifier(s.id.str(), "Storage"));
  const bool s3 = s.type == StorageType::kS3;
  if (s.type != StorageType::kFilesystem && !s3) return NotBuiltYet(s.type);
  if (engine_.storages->Exists(s.id)) return Status::AlreadyExists("Storage '" + s.id.str() + "' already exists");
  if (!s.path && !s3) return Status::InvalidArgument("CREATE STORAGE requires PATH or BASE_DIRECTORY");

  std::string location;
  if (s3) {
    KALAM_ASSIGN_OR_RETURN(location, S3Location(s));
  } else {
    location = *s.path;
  }
  KALAM_ASSIGN_OR_RETURN(auto split, filestore::SplitStoragePath(location));
  KALAM_ASSIGN_OR_RETURN(filestore::StorageTemplates templates, TemplatesOf(s, split.second));
  KALAM_RETURN_IF_ERROR(CheckTemplateLayout(templates.shared_template, templates.user_template));
  if (s.credentials_json) KALAM_RETURN_IF_ERROR(CheckJsonObject(*s.credentials_json, "CREDENTIALS"));
  if (s.config_json) KALAM_RETURN_IF_ERROR(CheckJsonObject(*s.config_json, "CONFIG"));

  StorageDefinition def;
  def.id = s.id;
  def.name = s.name.value_or(s.id.str());
  def.description = s.description.value_or("");
  def.type = s.type;
  if (s3) {
    def.base_directory = split.first;
  } else if (split.first.find("://") != std::string::npos) {
    return Status::InvalidArgument("A filesystem storage needs a local directory, not '" + split.first + "'");
  } else {
    KALAM_ASSIGN_OR_RETURN(def.base_directory, filestore::ResolveLocalDirectory(split.first, "Storage directory"));
  }
  def.credentials_json = s.credentials_json.value_or("");
  def.config_json = s3 ? S3ConfigWithRegion(s) : s.config_json.value_or("");
  def.shared_tables_template = std::move(templates.shared_template);
  def.user_tables_template = std::move(templates.user_template);

  // Exclusive: the overlap check must see every storage that exists when this one is saved.
  std::unique_lock lock(engine_.storage_ddl_mu);
  KALAM_RETURN_IF_ERROR(CheckBaseIsSeparate(def.id, def.base_directory));
  if (s3) {
    KALAM_RETURN_IF_ERROR(CheckS3Storage(def, engine_.config.object_store));
  } else if (Status probe = filestore::ProbeStorage(def.base_directory); !probe.ok()) {
    // A directory the server cannot use is the statement's fault, not the server's: 400.
    return Status::InvalidArgument(probe.message());
  }
  KALAM_RETURN_IF_ERROR(engine_.storages->Create(def));
  engine_.cold->InvalidateStorage(def.id);
  return MessageResult("Storage '" + s.id.str() + "' created", 0, ctx.acting_user);
}

Result<StatementResult> StorageExecutor::Alter(ExecContext& ctx, const dialect::AlterStorageStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_role, dialect::KalamStatement(s)));
  std::unique_lock lock(engine_.storage_ddl_mu);
  std::optional<StorageDefinition> current = engine_.storages->Find(s.id);
  if (!current) return StorageNotFound(s.id);
  StorageDefinition def = *current;
  if (s.name) def.name = *s.name;
  if (s.description) def.description = *s.description;
  if (s.config_json) {
    KALAM_RETURN_IF_ERROR(CheckJsonObject(*s.config_json, "CONFIG"));
    def.config_json = *s.config_json;
  }
  if (s.shared_tables_template) {
    KALAM_ASSIGN_OR_RETURN(def.shared_tables_template, filestore::NormalizeSharedTemplate(*s.shared_tables_template));
  }
  if (s.user_tables_template) {
    KALAM_ASSIGN_OR_RETURN(def.user_tables_template, filestore::NormalizeUserTemplate(*s.user_tables_template));
  }
  const bool templates_change = def.shared_tables_template != current->shared_tables_template ||
                                def.user_tables_template != current->user_tables_template;
  if (templates_change) {
    if (IsBuiltIn(s.id)) {
      return Status::InvalidOperation(
          "Templates of the built-in storage 'local' come from the server configuration "
          "(storage.shared_tables_template, storage.user_tables_template)");
    }
    KALAM_RETURN_IF_ERROR(CheckTemplateLayout(def.shared_tables_template, def.user_tables_template));
    // Existing Parquet files and manifests stay where the old templates put them; readers
    // would look elsewhere and the rows would silently vanish from the cold tier.
    if (const size_t n = TablesUsing(s.id); n > 0) {
      return Status::InvalidOperation("Cannot change templates of storage '" + s.id.str() + "' while " +
                                      std::to_string(n) + " table(s) use it");
    }
  }
  KALAM_RETURN_IF_ERROR(engine_.storages->Update(std::move(def)));
  engine_.cold->InvalidateStorage(s.id);
  return MessageResult("Storage '" + s.id.str() + "' updated", 0, ctx.acting_user);
}

Result<StatementResult> StorageExecutor::Drop(ExecContext& ctx, const dialect::DropStorageStmt& s) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_role, dialect::KalamStatement(s)));
  if (IsBuiltIn(s.id)) return Status::InvalidOperation("Cannot drop the built-in storage 'local'");
  std::unique_lock lock(engine_.storage_ddl_mu);
  if (!engine_.storages->Exists(s.id)) {
    if (s.if_exists) return MessageResult("Storage '" + s.id.str() + "' does not exist", 0, ctx.acting_user);
    return StorageNotFound(s.id);
  }
  if (const size_t n = TablesUsing(s.id); n > 0) {
    return Status::InvalidOperation("Cannot drop storage '" + s.id.str() + "': " + std::to_string(n) +
                                    " table(s) still using it");
  }
  // Only the definition goes: the base directory may be an operator's mount, and with no
  // table left on the storage nothing of ours remains in it.
  KALAM_RETURN_IF_ERROR(engine_.storages->Drop(s.id));
  engine_.cold->InvalidateStorage(s.id);
  return MessageResult("Storage '" + s.id.str() + "' dropped", 0, ctx.acting_user);
}

Result<StatementResult> StorageExecutor::Show(ExecContext& ctx) {
  KALAM_RETURN_IF_ERROR(Precheck(ctx.acting_role, dialect::KalamStatement(dialect::ShowStoragesStmt{})));
  return RowSetToResult(engine_.system_tables->Storages(engine_.storages->List()), ctx.acting_user);
}

}  // namespace kalam::core
