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
  // Removes the namespace record; its tables must have been dropped first.
  Status DropNamespace(const NamespaceId& id);
  std::vector<NamespaceDefinition> ListNamespaces() const;

  // Tables. `def.number` and column ids are assigned here; the stored copy is returned.
  Result<std::shared_ptr<const TableDefinition>> CreateTable(TableDefinition def);
  Status DropTable(const TableId& id);
  std::shared_ptr<const TableDefinition> FindTable(const TableId& id) const;
  std::vector<std::shared_ptr<const TableDefinition>> ListTables() const;
  std::vector<std::shared_ptr<const TableDefinition>> ListTables(const NamespaceId& ns) const;
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
