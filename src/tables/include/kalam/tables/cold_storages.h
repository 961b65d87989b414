#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kalam/commons/result.h"
#include "kalam/commons/server_config.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/file_backend.h"
#include "kalam/filestore/object_cache.h"
#include "kalam/registry/storage_registry.h"

namespace kalam::tables {

// One storage as the cold tier uses it: its definition when opened (base directory and
// templates) and a backend confined to that base. Immutable once built; shared so that an
// invalidation never pulls it from under an operation in flight.
struct OpenStorage {
  StorageDefinition def;
  std::unique_ptr<filestore::FileBackend> files;

  // The directory of one scope of `table` (a user id, or "" for SHARED tables), relative to
  // the base: where its USER or SHARED template resolves to (docs/sql-reference.md).
  Result<std::string> ScopeDirectory(const TableDefinition& table, const std::string& scope) const;
  // The table's root directory: the SHARED table's directory, or the parent of a USER
  // table's per-user directories.
  Result<std::string> TableRoot(const TableDefinition& table) const;
};

// The storages cold files live in, each opened on first use (a FileBackend per storage) and
// kept until ALTER or DROP STORAGE invalidates it. Thread-safe. `storages` must outlive it.
class ColdStorages {
 public:
  // `object_store` configures s3 storages; its cache_dir must be set before one is opened.
  explicit ColdStorages(const registry::StorageRegistry& storages, ServerConfig::ObjectStore object_store = {})
      : registry_(storages), object_store_(std::move(object_store)) {}

  // The opened storage of `id`, opening it on first use. NotFound when no such storage
  // exists; Unsupported for storage types that are not built yet.
  Result<std::shared_ptr<const OpenStorage>> For(const StorageId& id);
  Result<std::shared_ptr<const OpenStorage>> For(const TableDefinition& def) { return For(def.options.storage_id); }

  // Forgets the opened backend of a storage, so that the next use reads its definition again.
  // Operations already holding it finish with the old one.
  void Invalidate(const StorageId& id);

 private:
  Result<std::unique_ptr<filestore::FileBackend>> OpenBackend(const StorageDefinition& def);

  const registry::StorageRegistry& registry_;
  const ServerConfig::ObjectStore object_store_;
  std::mutex mu_;  // guards storages_, generation_ and object_cache_
  // The local copies of every s3 storage's segments; created with the first s3 storage.
  std::shared_ptr<filestore::ObjectCache> object_cache_;
  std::unordered_map<StorageId, std::shared_ptr<const OpenStorage>> storages_;
  uint64_t generation_ = 0;  // bumped by every Invalidate
};

}  // namespace kalam::tables
