#include "kalam/tables/cold_storages.h"

#include <optional>

#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/path_template.h"

namespace kalam::tables {

Result<std::string> OpenStorage::ScopeDirectory(const TableDefinition& table, const std::string& scope) const {
  if (table.type == TableType::kShared) {
    return filestore::ResolveTemplate(def.shared_tables_template, table.id.namespace_id, table.id.table_name, nullptr);
  }
  const UserId user(scope);
  return filestore::ResolveTemplate(def.user_tables_template, table.id.namespace_id, table.id.table_name, &user);
}

Result<std::string> OpenStorage::TableRoot(const TableDefinition& table) const {
  if (table.type == TableType::kShared) return ScopeDirectory(table, std::string());
  return filestore::ResolveUserTableRoot(def.user_tables_template, table.id.namespace_id, table.id.table_name);
}

Result<std::shared_ptr<const OpenStorage>> ColdStorages::For(const StorageId& id) {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = storages_.find(id); it != storages_.end()) return it->second;
    generation = generation_;
  }
  std::optional<StorageDefinition> def = registry_.Find(id);
  if (!def) return Status::NotFound("Storage '" + id.str() + "' does not exist");
  if (def->type != StorageType::kFilesystem) {
    return Status::Unsupported("Not supported yet: " + std::string(StorageTypeName(def->type)) + " storages");
  }
  // Opened outside the lock: it touches the filesystem. A failure is not cached, so a
  // directory that becomes usable later is picked up by the next call.
  KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::LocalFileBackend> files,
                         filestore::LocalFileBackend::Open(def->base_directory));
  auto opened = std::make_shared<OpenStorage>();
  opened->def = std::move(*def);
  opened->files = std::move(files);
  std::lock_guard lock(mu_);
  // An invalidation since the definition was read may have replaced it: use what was read
  // for this call only, and let the next call read the definition again.
  if (generation != generation_) return std::shared_ptr<const OpenStorage>(std::move(opened));
  // Another caller may have opened it meanwhile; keep one backend per storage.
  return storages_.emplace(id, std::move(opened)).first->second;
}

void ColdStorages::Invalidate(const StorageId& id) {
  std::lock_guard lock(mu_);
  storages_.erase(id);
  ++generation_;
}

}  // namespace kalam::tables
