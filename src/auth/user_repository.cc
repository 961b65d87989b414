#include "kalam/auth/user_repository.h"

#include "kalam/commons/byte_buffer.h"
#include "kalam/commons/clock.h"
#include "kalam/commons/names.h"
#include "kalam/store/entity_store.h"

namespace kalam::auth {
namespace {

using store::Partition;

constexpr std::string_view kUserPrefix = "usr/";
constexpr uint8_t kUserFormat = 1;

std::string EncodeUser(const UserRecord& u) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kUserFormat);
  w.Bytes(u.id.str());
  w.Bytes(u.password_hash);
  w.U8(static_cast<uint8_t>(u.role));
  w.U8(u.email.has_value());
  w.Bytes(u.email.value_or(""));
  w.U8(static_cast<uint8_t>(u.auth_type));
  w.Bytes(u.auth_data);
  w.Bytes(u.storage_id);
  w.Varint(u.failed_login_attempts);
  for (int64_t t : {u.locked_until_us, u.last_login_at_us, u.created_at_us, u.updated_at_us, u.last_seen_us,
                    u.deleted_at_us, u.credentials_changed_at_us}) {
    w.Raw(t);
  }
  return out;
}

Result<UserRecord> DecodeUser(std::string_view bytes) {
  ByteReader r(bytes);
  UserRecord u;
  uint8_t format = 0, role = 0, has_email = 0, auth_type = 0;
  std::string id, email;
  uint64_t failed = 0;
  if (!r.U8(&format) || format != kUserFormat) return Status::Corruption("unknown user record format");
  if (!r.String(&id) || !r.String(&u.password_hash) || !r.U8(&role) || !r.U8(&has_email) || !r.String(&email) ||
      !r.U8(&auth_type) || !r.String(&u.auth_data) || !r.String(&u.storage_id) || !r.Varint(&failed)) {
    return Status::Corruption("truncated user record");
  }
  for (int64_t* t : {&u.locked_until_us, &u.last_login_at_us, &u.created_at_us, &u.updated_at_us, &u.last_seen_us,
                     &u.deleted_at_us, &u.credentials_changed_at_us}) {
    if (!r.Raw(t)) return Status::Corruption("truncated user record");
  }
  u.id = UserId(id);
  u.role = static_cast<Role>(role);
  if (has_email) u.email = email;
  u.auth_type = static_cast<AuthType>(auth_type);
  u.failed_login_attempts = static_cast<uint32_t>(failed);
  return u;
}

struct UserCodec {
  static std::string Encode(const UserRecord& user) { return EncodeUser(user); }
  static Result<UserRecord> Decode(std::string_view bytes) { return DecodeUser(bytes); }
};

// Users keyed by id under "usr/". A view over the backend, built per call so that the codec
// stays in this file.
store::EntityStore<UserRecord, UserCodec> Users(store::StorageBackend& backend) {
  return {backend, Partition::kMeta, std::string(kUserPrefix)};
}

}  // namespace

std::string UserRepository::Encode(const UserRecord& user) { return EncodeUser(user); }

Result<UserRecord> UserRepository::Decode(std::string_view bytes) { return DecodeUser(bytes); }

Result<std::optional<UserRecord>> UserRepository::Get(const UserId& id) const { return Users(backend_).Get(id.str()); }

Status UserRepository::Put(const UserRecord& user) { return Users(backend_).Put(user.id.str(), user); }

Result<std::vector<UserRecord>> UserRepository::List() const { return Users(backend_).List(); }

Status UserRepository::EnsureRoot() {
  const UserId root{std::string(kRootUser)};
  KALAM_ASSIGN_OR_RETURN(auto existing, Get(root));
  if (existing) return Status::Ok();
  UserRecord u;
  u.id = root;
  u.role = Role::kSystem;
  u.auth_type = AuthType::kInternal;
  u.email = "root@localhost";
  u.created_at_us = u.updated_at_us = NowMicros();
  return Put(u);
}

}  // namespace kalam::auth
