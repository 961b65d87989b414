#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "kalam/commons/namespace_definition.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/store/storage_backend.h"

namespace kalam::registry {

// The catalog: namespaces and table definitions (every schema version kept), persisted in
// the store's meta partition and cached in memory as immutable snapshots, so readers never
// decode a schema on a hot path. The built-in `default` namespace always exists.
// Thread-safe: lookups take a shared lock; DDL takes an exclusive one.
class SchemaRegistry {
 public:
  // Loads the catalog from `backend`, which must outlive the registry.
  static Result<std::unique_ptr<SchemaRegistry>> Open(store::StorageBackend& backend);

  // Namespaces.
  bool NamespaceExists(const NamespaceId& id) const;
  Status CreateNamespace(const NamespaceDefinition& def);
  // Replaces the namespace's options (ALTER NAMESPACE). NotFound when it does not exist.
  Status SetNamespaceOptions(const NamespaceId& id, std::string options_json);
  // Removes the namespace record; its tables must have been dropped first.
  Status DropNamespace(const NamespaceId& id);
  std::vector<NamespaceDefinition> ListNamespaces() const;

  // Tables. `def.number` and column ids are assigned here; the stored copy is returned.
  Result<std::shared_ptr<const TableDefinition>> CreateTable(TableDefinition def);
  Status DropTable(const TableId& id);
  // Stores `def` as the table's next schema version (ALTER TABLE) in one atomic write, so a
  // crash leaves the old version or the new one. `def` must be derived from the current
  // definition, whose version it must carry (InvalidOperation when another ALTER won);
  // the version is bumped and updated_at set here. Returns the stored copy.
  Result<std::shared_ptr<const TableDefinition>> AlterTable(TableDefinition def);
  std::shared_ptr<const TableDefinition> FindTable(const TableId& id) const;
  std::vector<std::shared_ptr<const TableDefinition>> ListTables() const;
  std::vector<std::shared_ptr<const TableDefinition>> ListTables(const NamespaceId& ns) const;
  // RESTORE of a namespace (docs/backup.md). ReserveTableNumbers sets aside `count` table
  // numbers (persisted: never handed out again) and returns the first. ImportNamespace then
  // creates the namespace and its tables, each given as its schema versions oldest first (the
  // last is current) carrying one of those numbers, together with `batch` (the rows' index
  // entries) in one atomic write, so a crash leaves the namespace whole or absent. Ids,
  // versions and column ids are kept. AlreadyExists when the namespace or a table exists.
  Result<TableNumber> ReserveTableNumbers(uint32_t count);
  Result<std::vector<std::shared_ptr<const TableDefinition>>> ImportNamespace(
      const NamespaceDefinition& ns, std::vector<std::vector<TableDefinition>> tables, store::WriteBatch batch);
  // Every stored schema version of a table, oldest first.
  Result<std::vector<TableDefinition>> SchemaHistory(const TableId& id) const;

 private:
  explicit SchemaRegistry(store::StorageBackend& backend) : backend_(backend) {}
  Status Load();

  store::StorageBackend& backend_;
  mutable std::shared_mutex mu_;  // guards the maps and next_table_number_
  std::unordered_map<NamespaceId, NamespaceDefinition> namespaces_;
  std::unordered_map<TableId, std::shared_ptr<const TableDefinition>> tables_;
  TableNumber next_table_number_ = 1;
};

}  // namespace kalam::registry
