#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/user_record.h"
#include "kalam/store/storage_backend.h"

namespace kalam::auth {

// Persists users (system.users) in the store's meta partition. Soft-deleted users stay here
// with `deleted_at` set. Thread-safe as the backend is; callers serialise read-modify-write.
class UserRepository {
 public:
  // `backend` must outlive the repository.
  explicit UserRepository(store::StorageBackend& backend) : backend_(backend) {}

  Result<std::optional<UserRecord>> Get(const UserId& id) const;
  Status Put(const UserRecord& user);
  Result<std::vector<UserRecord>> List() const;

  // Creates `root` (role system, auth_type internal, email root@localhost) on first start.
  Status EnsureRoot();

  // The stored record's bytes (docs/key-encoding.md), as server backups carry users.
  static std::string Encode(const UserRecord& user);
  static Result<UserRecord> Decode(std::string_view bytes);

 private:
  store::StorageBackend& backend_;
};

}  // namespace kalam::auth
