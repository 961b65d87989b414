#include "kalam/registry/schema_registry.h"

#include <algorithm>

#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/failpoint.h"
#include "kalam/commons/names.h"
#include "kalam/registry/catalog_codec.h"
#include "kalam/store/entity_store.h"

namespace kalam::registry {
namespace {

using store::Partition;

constexpr std::string_view kNamespacePrefix = "ns/";
constexpr std::string_view kTablePrefix = "tbl/";
constexpr std::string_view kSchemaPrefix = "sch/";
constexpr std::string_view kTableCounterKey = "ctr/table_number";

// The registry's records, as views over the backend built per call: namespaces by id, tables by
// "ns.table", and each table's schema versions by big-endian version number (ascending).
using NamespaceStore = store::EntityStore<NamespaceDefinition, NamespaceDefinitionCodec>;
using TableStore = store::EntityStore<TableDefinition, TableDefinitionCodec>;

NamespaceStore Namespaces(store::StorageBackend& backend) {
  return {backend, Partition::kMeta, std::string(kNamespacePrefix)};
}
TableStore Tables(store::StorageBackend& backend) { return {backend, Partition::kMeta, std::string(kTablePrefix)}; }
TableStore Schemas(store::StorageBackend& backend, const TableId& id) {
  return {backend, Partition::kMeta, std::string(kSchemaPrefix) + id.ToString() + "/"};
}
std::string SchemaVersionKey(uint32_t version) {
  std::string key;
  ByteWriter(&key).U32BE(version);
  return key;
}

}  // namespace

Result<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Open(store::StorageBackend& backend) {
  std::unique_ptr<SchemaRegistry> registry(new SchemaRegistry(backend));
  KALAM_RETURN_IF_ERROR(registry->Load());
  return registry;
}

Status SchemaRegistry::Load() {
  KALAM_ASSIGN_OR_RETURN(std::vector<NamespaceDefinition> namespaces, Namespaces(backend_).List());
  for (NamespaceDefinition& def : namespaces) namespaces_[def.id] = std::move(def);
  const NamespaceId default_ns{std::string(kDefaultNamespace)};
  if (!namespaces_.count(default_ns)) {
    NamespaceDefinition def{default_ns, NowMicros(), "{}"};
    KALAM_RETURN_IF_ERROR(Namespaces(backend_).Put(default_ns.str(), def));
    namespaces_[default_ns] = def;
  }

  KALAM_ASSIGN_OR_RETURN(std::vector<TableDefinition> tables, Tables(backend_).List());
  for (TableDefinition& def : tables) {
    def.lineage = std::make_shared<SchemaLineage>();
    KALAM_ASSIGN_OR_RETURN(std::vector<TableDefinition> history, Schemas(backend_, def.id).List());
    for (const TableDefinition& version : history) def.lineage->Add(version);
    def.lineage->Add(def);
    auto shared = std::make_shared<const TableDefinition>(std::move(def));
    tables_[shared->id] = shared;
  }

  KALAM_ASSIGN_OR_RETURN(auto counter, backend_.Get(Partition::kMeta, kTableCounterKey));
  if (counter.has_value()) {
    ByteReader r(*counter);
    uint32_t n = 0;
    if (!r.U32BE(&n)) return Status::Corruption("bad table counter");
    next_table_number_ = n;
  }
  return Status::Ok();
}

bool SchemaRegistry::NamespaceExists(const NamespaceId& id) const {
  std::shared_lock lock(mu_);
  return namespaces_.count(id) > 0;
}

Status SchemaRegistry::CreateNamespace(const NamespaceDefinition& def) {
  std::unique_lock lock(mu_);
  if (namespaces_.count(def.id)) return Status::AlreadyExists("Namespace '" + def.id.str() + "' already exists");
  KALAM_RETURN_IF_ERROR(Namespaces(backend_).Put(def.id.str(), def));
  namespaces_[def.id] = def;
  return Status::Ok();
}

Status SchemaRegistry::SetNamespaceOptions(const NamespaceId& id, std::string options_json) {
  std::unique_lock lock(mu_);
  auto it = namespaces_.find(id);
  if (it == namespaces_.end()) return NamespaceNotFound(id.str());
  NamespaceDefinition def = it->second;
  def.options_json = std::move(options_json);
  KALAM_RETURN_IF_ERROR(Namespaces(backend_).Put(id.str(), def));
  it->second = std::move(def);
  return Status::Ok();
}

Status SchemaRegistry::DropNamespace(const NamespaceId& id) {
  std::unique_lock lock(mu_);
  if (!namespaces_.count(id)) return NamespaceNotFound(id.str());
  KALAM_RETURN_IF_ERROR(Namespaces(backend_).Delete(id.str()));
  namespaces_.erase(id);
  return Status::Ok();
}

std::vector<NamespaceDefinition> SchemaRegistry::ListNamespaces() const {
  std::shared_lock lock(mu_);
  std::vector<NamespaceDefinition> out;
  for (const auto& [id, def] : namespaces_) out.push_back(def);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::shared_ptr<const TableDefinition>> SchemaRegistry::CreateTable(TableDefinition def) {
  std::unique_lock lock(mu_);
  if (!namespaces_.count(def.id.namespace_id)) {
    return NamespaceNotFound(def.id.namespace_id.str(),
                             ". Create it first with CREATE NAMESPACE " + def.id.namespace_id.str());
  }
  if (tables_.count(def.id)) return Status::AlreadyExists("Table " + def.id.ToString() + " already exists");
  def.number = next_table_number_;
  def.schema_version = 1;
  def.next_column_id = 1;
  for (ColumnDefinition& c : def.columns) c.column_id = def.next_column_id++;
  const int64_t now = NowMicros();
  def.created_at_us = now;
  def.updated_at_us = now;

  store::WriteBatch batch;
  KALAM_RETURN_IF_ERROR(Tables(backend_).Put(def.id.ToString(), def, &batch));
  KALAM_RETURN_IF_ERROR(Schemas(backend_, def.id).Put(SchemaVersionKey(def.schema_version), def, &batch));
  std::string counter;
  ByteWriter(&counter).U32BE(next_table_number_ + 1);
  batch.Put(Partition::kMeta, kTableCounterKey, counter);
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  ++next_table_number_;
  def.lineage = std::make_shared<SchemaLineage>();
  def.lineage->Add(def);
  auto shared = std::make_shared<const TableDefinition>(std::move(def));
  tables_[shared->id] = shared;
  return shared;
}

Status SchemaRegistry::DropTable(const TableId& id) {
  std::unique_lock lock(mu_);
  if (!tables_.count(id)) return Status::NotFound("Table " + id.ToString() + " does not exist");
  store::WriteBatch batch;
  KALAM_RETURN_IF_ERROR(Tables(backend_).Delete(id.ToString(), &batch));
  Schemas(backend_, id).DeleteAll(batch);
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  tables_.erase(id);
  return Status::Ok();
}

Result<std::shared_ptr<const TableDefinition>> SchemaRegistry::AlterTable(TableDefinition def) {
  std::unique_lock lock(mu_);
  auto it = tables_.find(def.id);
  if (it == tables_.end()) return Status::NotFound("Table " + def.id.ToString() + " does not exist");
  const TableDefinition& current = *it->second;
  if (current.schema_version != def.schema_version) {
    return Status::InvalidOperation("Table " + def.id.ToString() + " was altered concurrently; retry");
  }
  def.number = current.number;
  def.created_at_us = current.created_at_us;
  def.schema_version = current.schema_version + 1;
  def.updated_at_us = NowMicros();
  def.lineage = current.lineage;
  store::WriteBatch batch;
  KALAM_RETURN_IF_ERROR(Tables(backend_).Put(def.id.ToString(), def, &batch));
  KALAM_RETURN_IF_ERROR(Schemas(backend_, def.id).Put(SchemaVersionKey(def.schema_version), def, &batch));
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  // A stop here is a crash right after the commit: the restart finds the new version.
  KALAM_RETURN_IF_ERROR(CheckStepFailpoint(Failpoint::kAlterStored, def.id.ToString()));
  // Before the definition is published: nobody can write rows of this version yet.
  if (def.lineage) def.lineage->Add(def);
  auto shared = std::make_shared<const TableDefinition>(std::move(def));
  it->second = shared;
  return shared;
}

std::shared_ptr<const TableDefinition> SchemaRegistry::FindTable(const TableId& id) const {
  std::shared_lock lock(mu_);
  auto it = tables_.find(id);
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const TableDefinition>> SchemaRegistry::ListTables() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const TableDefinition>> out;
  for (const auto& [id, def] : tables_) out.push_back(def);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

std::vector<std::shared_ptr<const TableDefinition>> SchemaRegistry::ListTables(const NamespaceId& ns) const {
  std::vector<std::shared_ptr<const TableDefinition>> out;
  for (auto& def : ListTables()) {
    if (def->id.namespace_id == ns) out.push_back(std::move(def));
  }
  return out;
}

Result<TableNumber> SchemaRegistry::ReserveTableNumbers(uint32_t count) {
  std::unique_lock lock(mu_);
  const TableNumber first = next_table_number_;
  std::string counter;
  ByteWriter(&counter).U32BE(first + count);
  KALAM_RETURN_IF_ERROR(backend_.Put(Partition::kMeta, kTableCounterKey, counter));
  next_table_number_ = first + count;
  return first;
}

Result<std::vector<std::shared_ptr<const TableDefinition>>> SchemaRegistry::ImportNamespace(
    const NamespaceDefinition& ns, std::vector<std::vector<TableDefinition>> tables, store::WriteBatch batch) {
  std::unique_lock lock(mu_);
  if (namespaces_.count(ns.id)) return Status::AlreadyExists("Namespace '" + ns.id.str() + "' already exists");
  KALAM_RETURN_IF_ERROR(Namespaces(backend_).Put(ns.id.str(), ns, &batch));
  for (const std::vector<TableDefinition>& versions : tables) {
    if (versions.empty()) return Status::InvalidArgument("a restored table has no schema version");
    const TableDefinition& current = versions.back();
    if (current.id.namespace_id != ns.id) {
      return Status::InvalidArgument("Table " + current.id.ToString() + " is not in namespace '" + ns.id.str() + "'");
    }
    if (tables_.count(current.id)) return Status::AlreadyExists("Table " + current.id.ToString() + " already exists");
    if (current.number == 0 || current.number >= next_table_number_) {
      return Status::InvalidArgument("Table " + current.id.ToString() + " has no reserved table number");
    }
    for (const TableDefinition& version : versions) {
      KALAM_RETURN_IF_ERROR(
          Schemas(backend_, current.id).Put(SchemaVersionKey(version.schema_version), version, &batch));
    }
    KALAM_RETURN_IF_ERROR(Tables(backend_).Put(current.id.ToString(), current, &batch));
  }
  KALAM_RETURN_IF_ERROR(backend_.Write(batch));
  namespaces_[ns.id] = ns;
  std::vector<std::shared_ptr<const TableDefinition>> out;
  for (std::vector<TableDefinition>& versions : tables) {
    TableDefinition current = versions.back();
    current.lineage = std::make_shared<SchemaLineage>();
    for (const TableDefinition& version : versions) current.lineage->Add(version);
    auto shared = std::make_shared<const TableDefinition>(std::move(current));
    tables_[shared->id] = shared;
    out.push_back(std::move(shared));
  }
  return out;
}

Result<std::vector<TableDefinition>> SchemaRegistry::SchemaHistory(const TableId& id) const {
  return Schemas(backend_, id).List();
}

}  // namespace kalam::registry
