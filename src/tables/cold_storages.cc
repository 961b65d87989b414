#include "kalam/tables/cold_storages.h"

#include <optional>

#include "kalam/filestore/local_file_backend.h"
#include "kalam/filestore/path_template.h"
#include "kalam/filestore/s3_file_backend.h"

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
  // Opened outside the lock: it touches the filesystem. A failure is not cached, so a
  // directory that becomes usable later is picked up by the next call.
  KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::FileBackend> files, OpenBackend(*def));
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

Result<std::unique_ptr<filestore::FileBackend>> ColdStorages::OpenBackend(const StorageDefinition& def) {
  if (def.type == StorageType::kFilesystem) {
    KALAM_ASSIGN_OR_RETURN(std::unique_ptr<filestore::LocalFileBackend> local,
                           filestore::LocalFileBackend::Open(def.base_directory));
    return std::unique_ptr<filestore::FileBackend>(std::move(local));
  }
  if (def.type != StorageType::kS3) {
    return Status::Unsupported("Not supported yet: " + std::string(StorageTypeName(def.type)) + " storages");
  }
  KALAM_ASSIGN_OR_RETURN(filestore::S3Settings settings,
                         filestore::ParseS3Settings(def.base_directory, def.config_json, def.credentials_json));
  std::shared_ptr<filestore::ObjectCache> cache;
  {
    std::lock_guard lock(mu_);
    if (!object_cache_) {
      if (object_store_.cache_dir.empty()) return Status::Internal("no object cache directory is configured");
      object_cache_ = std::make_shared<filestore::ObjectCache>(object_store_.cache_dir,
                                                               static_cast<uint64_t>(object_store_.cache_max_bytes));
    }
    cache = object_cache_;
  }
  return std::unique_ptr<filestore::FileBackend>(std::make_unique<filestore::S3FileBackend>(
      std::make_unique<filestore::S3Client>(std::move(settings), object_store_), std::move(cache), def.id.str()));
}

void ColdStorages::Invalidate(const StorageId& id) {
  std::lock_guard lock(mu_);
  storages_.erase(id);
  ++generation_;
}

}  // namespace kalam::tables
