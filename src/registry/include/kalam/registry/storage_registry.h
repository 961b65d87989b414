#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/status.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/store/storage_backend.h"

namespace kalam::registry {

// Id of the built-in storage every table uses unless it names another (docs/sql-reference.md).
inline constexpr std::string_view kLocalStorageId = "local";

// The storage definitions (`system.storages`, docs/sql-reference.md), persisted in the store's
// meta partition under `sto/<storage_id>` and cached in memory. It stores what it is given:
// paths, templates and JSON are checked by the caller (core's storage executor), and so is
// whether tables still use a storage, since tables live in the SchemaRegistry.
//
// Record (value of `sto/<id>`, little-endian raw integers as in catalog_codec):
//   format:u8 = 1 | id:bytes | name:bytes | description:bytes | type:u8 (StorageType)
//   | base_directory:bytes | credentials_json:bytes | config_json:bytes
//   | shared_tables_template:bytes | user_tables_template:bytes
//   | created_at_us:raw<int64> | updated_at_us:raw<int64>
//
// Thread-safe: lookups take a shared lock, changes an exclusive one.
class StorageRegistry {
 public:
  // Loads every stored definition from `backend`, which must outlive the registry.
  static Result<std::unique_ptr<StorageRegistry>> Open(store::StorageBackend& backend);

  // Makes the built-in storage match `def` (id `local`): created on first open, otherwise its
  // base directory and templates follow `def` (they come from the server configuration, and
  // the data directory may have moved) while its name, description, config and creation time
  // are kept. Written only when something changed.
  Status EnsureBuiltIn(const StorageDefinition& def);

  // AlreadyExists "Storage 'x' already exists". Times are set here.
  Status Create(StorageDefinition def);
  // Replaces a stored definition (same id, creation time kept, updated_at set here).
  // NotFound "Storage 'x' does not exist".
  Status Update(StorageDefinition def);
  // NotFound "Storage 'x' does not exist".
  Status Drop(const StorageId& id);

  std::optional<StorageDefinition> Find(const StorageId& id) const;
  bool Exists(const StorageId& id) const;
  // Every storage, ordered by id.
  std::vector<StorageDefinition> List() const;

  static std::string Encode(const StorageDefinition& def);
  static Result<StorageDefinition> Decode(std::string_view bytes);

 private:
  explicit StorageRegistry(store::StorageBackend& backend) : backend_(backend) {}
  Status Load();
  Status Persist(const StorageDefinition& def);

  store::StorageBackend& backend_;
  mutable std::shared_mutex mu_;  // guards storages_
  std::map<StorageId, StorageDefinition> storages_;
};

}  // namespace kalam::registry
