#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kalam/commons/result.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/file_backend.h"
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
  explicit ColdStorages(const registry::StorageRegistry& storages) : registry_(storages) {}

  // The opened storage of `id`, opening it on first use. NotFound when no such storage
  // exists; Unsupported for storage types that are not built yet.
  Result<std::shared_ptr<const OpenStorage>> For(const StorageId& id);
  Result<std::shared_ptr<const OpenStorage>> For(const TableDefinition& def) { return For(def.options.storage_id); }

  // Forgets the opened backend of a storage, so that the next use reads its definition again.
  // Operations already holding it finish with the old one.
  void Invalidate(const StorageId& id);

 private:
  const registry::StorageRegistry& registry_;
  std::mutex mu_;  // guards storages_ and generation_
  std::unordered_map<StorageId, std::shared_ptr<const OpenStorage>> storages_;
  uint64_t generation_ = 0;  // bumped by every Invalidate
};

}  // namespace kalam::tables
