#include "kalam/registry/storage_registry.h"

#include <algorithm>
#include <utility>

#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/clock.h"
#include "kalam/store/entity_store.h"

namespace kalam::registry {
namespace {

using store::Partition;

constexpr std::string_view kStoragePrefix = "sto/";
constexpr uint8_t kStorageFormat = 1;

// Storages by id: a view over the backend, built per call (the registry is its codec).
store::EntityStore<StorageDefinition, StorageRegistry> Storages(store::StorageBackend& backend) {
  return {backend, Partition::kMeta, std::string(kStoragePrefix)};
}

Status NotFound(const StorageId& id) { return Status::NotFound("Storage '" + id.str() + "' does not exist"); }

}  // namespace

std::string StorageRegistry::Encode(const StorageDefinition& def) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kStorageFormat);
  w.Bytes(def.id.str());
  w.Bytes(def.name);
  w.Bytes(def.description);
  w.U8(static_cast<uint8_t>(def.type));
  w.Bytes(def.base_directory);
  w.Bytes(def.credentials_json);
  w.Bytes(def.config_json);
  w.Bytes(def.shared_tables_template);
  w.Bytes(def.user_tables_template);
  w.Raw(def.created_at_us);
  w.Raw(def.updated_at_us);
  return out;
}

Result<StorageDefinition> StorageRegistry::Decode(std::string_view bytes) {
  ByteReader r(bytes);
  StorageDefinition def;
  uint8_t format = 0, type = 0;
  std::string id;
  if (!r.U8(&format) || format != kStorageFormat) return Status::Corruption("unknown storage record format");
  if (!r.String(&id) || !r.String(&def.name) || !r.String(&def.description) || !r.U8(&type) ||
      !r.String(&def.base_directory) || !r.String(&def.credentials_json) || !r.String(&def.config_json) ||
      !r.String(&def.shared_tables_template) || !r.String(&def.user_tables_template) ||
      !r.Raw(&def.created_at_us) || !r.Raw(&def.updated_at_us)) {
    return Status::Corruption("truncated storage record");
  }
  if (type > static_cast<uint8_t>(StorageType::kAzure)) return Status::Corruption("unknown storage type in record");
  def.id = StorageId(std::move(id));
  def.type = static_cast<StorageType>(type);
  return def;
}

Result<std::unique_ptr<StorageRegistry>> StorageRegistry::Open(store::StorageBackend& backend) {
  std::unique_ptr<StorageRegistry> registry(new StorageRegistry(backend));
  KALAM_RETURN_IF_ERROR(registry->Load());
  return registry;
}

Status StorageRegistry::Load() {
  KALAM_ASSIGN_OR_RETURN(std::vector<StorageDefinition> storages, Storages(backend_).List());
  for (StorageDefinition& def : storages) {
    StorageId id = def.id;
    storages_[std::move(id)] = std::move(def);
  }
  return Status::Ok();
}

Status StorageRegistry::Persist(const StorageDefinition& def) {
  return Storages(backend_).Put(def.id.str(), def);
}

Status StorageRegistry::EnsureBuiltIn(const StorageDefinition& def) {
  std::unique_lock lock(mu_);
  auto it = storages_.find(def.id);
  if (it == storages_.end()) {
    StorageDefinition created = def;
    created.created_at_us = created.updated_at_us = NowMicros();
    KALAM_RETURN_IF_ERROR(Persist(created));
    storages_[created.id] = std::move(created);
    return Status::Ok();
  }
  StorageDefinition& current = it->second;
  if (current.type == def.type && current.base_directory == def.base_directory &&
      current.shared_tables_template == def.shared_tables_template &&
      current.user_tables_template == def.user_tables_template) {
    return Status::Ok();
  }
  StorageDefinition updated = current;
  updated.type = def.type;
  updated.base_directory = def.base_directory;
  updated.shared_tables_template = def.shared_tables_template;
  updated.user_tables_template = def.user_tables_template;
  updated.updated_at_us = NowMicros();
  KALAM_RETURN_IF_ERROR(Persist(updated));
  current = std::move(updated);
  return Status::Ok();
}

Status StorageRegistry::Create(StorageDefinition def) {
  std::unique_lock lock(mu_);
  if (storages_.count(def.id)) return Status::AlreadyExists("Storage '" + def.id.str() + "' already exists");
  def.created_at_us = def.updated_at_us = NowMicros();
  KALAM_RETURN_IF_ERROR(Persist(def));
  StorageId id = def.id;
  storages_[std::move(id)] = std::move(def);
  return Status::Ok();
}

Status StorageRegistry::Update(StorageDefinition def) {
  std::unique_lock lock(mu_);
  auto it = storages_.find(def.id);
  if (it == storages_.end()) return NotFound(def.id);
  def.created_at_us = it->second.created_at_us;
  // Strictly after the previous value, so that an update is visible even within one clock tick.
  def.updated_at_us = std::max(NowMicros(), it->second.updated_at_us + 1);
  KALAM_RETURN_IF_ERROR(Persist(def));
  it->second = std::move(def);
  return Status::Ok();
}

Status StorageRegistry::Drop(const StorageId& id) {
  std::unique_lock lock(mu_);
  auto it = storages_.find(id);
  if (it == storages_.end()) return NotFound(id);
  KALAM_RETURN_IF_ERROR(Storages(backend_).Delete(id.str()));
  storages_.erase(it);
  return Status::Ok();
}

std::optional<StorageDefinition> StorageRegistry::Find(const StorageId& id) const {
  std::shared_lock lock(mu_);
  auto it = storages_.find(id);
  if (it == storages_.end()) return std::nullopt;
  return it->second;
}

bool StorageRegistry::Exists(const StorageId& id) const {
  std::shared_lock lock(mu_);
  return storages_.count(id) > 0;
}

std::vector<StorageDefinition> StorageRegistry::List() const {
  std::shared_lock lock(mu_);
  std::vector<StorageDefinition> out;
  out.reserve(storages_.size());
  for (const auto& [id, def] : storages_) out.push_back(def);
  return out;
}

}  // namespace kalam::registry
