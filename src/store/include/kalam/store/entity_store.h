#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/store/storage_backend.h"

namespace kalam::store {

// Typed key/value records under one key prefix of a partition. `Codec` provides
//   static std::string Encode(const V&);
//   static Result<V> Decode(std::string_view bytes);
// `backend` must outlive the store. Thread-safe as the backend is.
template <typename V, typename Codec>
class EntityStore {
 public:
  EntityStore(StorageBackend& backend, Partition partition, std::string prefix)
      : backend_(backend), partition_(partition), prefix_(std::move(prefix)) {}

  Result<std::optional<V>> Get(std::string_view key) const {
    auto raw = backend_.Get(partition_, FullKey(key));
    if (!raw.ok()) return raw.status();
    if (!raw->has_value()) return std::optional<V>();
    auto decoded = Codec::Decode(**raw);
    if (!decoded.ok()) return decoded.status();
    return std::optional<V>(std::move(decoded).value());
  }

  // Adds the write to `batch` when given (for atomic multi-record changes), else writes now.
  Status Put(std::string_view key, const V& value, WriteBatch* batch = nullptr) {
    const std::string bytes = Codec::Encode(value);
    if (batch != nullptr) {
      batch->Put(partition_, FullKey(key), bytes);
      return Status::Ok();
    }
    return backend_.Put(partition_, FullKey(key), bytes);
  }

  Status Delete(std::string_view key, WriteBatch* batch = nullptr) {
    if (batch != nullptr) {
      batch->Delete(partition_, FullKey(key));
      return Status::Ok();
    }
    return backend_.Delete(partition_, FullKey(key));
  }

  // Adds the deletion of every record of this store (its whole prefix) to `batch`.
  void DeleteAll(WriteBatch& batch) const { batch.DeleteRange(partition_, prefix_, PrefixSuccessor(prefix_)); }

  // Every record, ordered by key.
  Result<std::vector<V>> List() const {
    std::vector<V> out;
    auto it = backend_.ScanPrefix(partition_, prefix_);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto decoded = Codec::Decode(it->value());
      if (!decoded.ok()) return decoded.status();
      out.push_back(std::move(decoded).value());
    }
    KALAM_RETURN_IF_ERROR(it->status());
    return out;
  }

 private:
  std::string FullKey(std::string_view key) const { return prefix_ + std::string(key); }

  StorageBackend& backend_;
  Partition partition_;
  std::string prefix_;
};

}  // namespace kalam::store
