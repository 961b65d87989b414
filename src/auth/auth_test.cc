#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/commons/temp_dir.h"
#include "kalam/auth/permissions.h"
#include "kalam/auth/user_repository.h"
#include "kalam/commons/clock.h"
#include "kalam/store/storage_backend.h"

namespace kalam::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr Role kAllRoles[] = {Role::kUser, Role::kService, Role::kDba, Role::kSystem};
constexpr AccessLevel kAllLevels[] = {AccessLevel::kPublic, AccessLevel::kPrivate, AccessLevel::kRestricted,
                                      AccessLevel::kDba};


// ---------------------------------------------------------------------------------------
// UserRepository

class UserRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    repo_.reset();
    backend_.reset();
    auto backend = store::StorageBackend::Open(dir_.path(), store::StoreOptions{});
    ASSERT_TRUE(backend.ok()) << backend.status().ToString();
    backend_ = std::move(backend).value();
    repo_ = std::make_unique<UserRepository>(*backend_);
  }

  std::optional<UserRecord> GetUser(std::string_view id) {
    auto got = repo_->Get(UserId(std::string(id)));
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got.value() : std::nullopt;
  }

  std::vector<std::string> ListIds() {
    auto list = repo_->List();
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> out;
    if (list.ok()) {
      for (const auto& u : list.value()) out.push_back(u.id.str());
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<store::StorageBackend> backend_;
  std::unique_ptr<UserRepository> repo_;
};

UserRecord FullUser() {
  UserRecord u;
  u.id = UserId("alice@example.com");
  u.password_hash = "$2b$12$abcdefghijklmnopqrstuu5Z1l3uZCNDmX6aR1xYqJm3yBq0i3tV2";
  u.role = Role::kService;
  u.email = "alice@example.com";
  u.auth_type = AuthType::kPassword;
  u.auth_data = R"({"provider":"none"})";
  u.storage_id = "s3_main";
  u.failed_login_attempts = 4;
  u.locked_until_us = 1761645600000001;
  u.last_login_at_us = 1761645600000002;
  u.created_at_us = 1761645600000003;
  u.updated_at_us = 1761645600000004;
  u.last_seen_us = 1761645600000005;
  u.deleted_at_us = 1761645600000006;
  return u;
}

void ExpectSameUser(const UserRecord& a, const UserRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.password_hash, b.password_hash);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.auth_type, b.auth_type);
  EXPECT_EQ(a.auth_data, b.auth_data);
  EXPECT_EQ(a.storage_id, b.storage_id);
  EXPECT_EQ(a.failed_login_attempts, b.failed_login_attempts);
  EXPECT_EQ(a.locked_until_us, b.locked_until_us);
  EXPECT_EQ(a.last_login_at_us, b.last_login_at_us);
  EXPECT_EQ(a.created_at_us, b.created_at_us);
  EXPECT_EQ(a.updated_at_us, b.updated_at_us);
  EXPECT_EQ(a.last_seen_us, b.last_seen_us);
  EXPECT_EQ(a.deleted_at_us, b.deleted_at_us);
  EXPECT_EQ(a.deleted(), b.deleted());
}

TEST_F(UserRepositoryTest, EmptyRepository) {
  EXPECT_EQ(GetUser("root"), std::nullopt);
  EXPECT_THAT(ListIds(), IsEmpty());
}

TEST_F(UserRepositoryTest, EnsureRootCreatesRoot) {
  const int64_t before = NowMicros();
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  auto root = GetUser("root");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->id.str(), "root");
  EXPECT_EQ(root->role, Role::kSystem);
  EXPECT_EQ(root->auth_type, AuthType::kInternal);
  EXPECT_EQ(root->email, "root@localhost");
  EXPECT_EQ(root->password_hash, "");  // the server sets the password afterwards
  EXPECT_EQ(root->storage_id, "local");
  EXPECT_FALSE(root->deleted());
  EXPECT_GE(root->created_at_us, before);
  EXPECT_EQ(root->created_at_us, root->updated_at_us);
  EXPECT_THAT(ListIds(), ElementsAre("root"));
}

TEST_F(UserRepositoryTest, EnsureRootIsIdempotent) {
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  auto root = GetUser("root");
  ASSERT_TRUE(root.has_value());
  // The server changes root (password applied at start); EnsureRoot must not undo it.
  root->password_hash = "$2b$12$hash";
  root->updated_at_us += 10;
  ASSERT_TRUE(repo_->Put(*root).ok());

  ASSERT_TRUE(repo_->EnsureRoot().ok());
  Reopen();
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  auto again = GetUser("root");
  ASSERT_TRUE(again.has_value());
  ExpectSameUser(*again, *root);
  EXPECT_THAT(ListIds(), ElementsAre("root"));
}

TEST_F(UserRepositoryTest, PutGetRoundTripsEveryField) {
  const UserRecord u = FullUser();
  ASSERT_TRUE(repo_->Put(u).ok());
  auto got = GetUser(u.id.str());
  ASSERT_TRUE(got.has_value());
  ExpectSameUser(*got, u);
  EXPECT_TRUE(got->deleted());

  Reopen();
  auto after_reopen = GetUser(u.id.str());
  ASSERT_TRUE(after_reopen.has_value());
  ExpectSameUser(*after_reopen, u);
}

TEST_F(UserRepositoryTest, OptionalEmailAndEmptyFields) {
  UserRecord none;
  none.id = UserId("bob");
  ASSERT_TRUE(repo_->Put(none).ok());
  auto got = GetUser("bob");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->email.has_value());
  ExpectSameUser(*got, none);

  // An empty email is a value, distinct from no email.
  UserRecord empty_email = none;
  empty_email.id = UserId("carol");
  empty_email.email = "";
  ASSERT_TRUE(repo_->Put(empty_email).ok());
  auto carol = GetUser("carol");
  ASSERT_TRUE(carol.has_value());
  ASSERT_TRUE(carol->email.has_value());
  EXPECT_EQ(*carol->email, "");
}

TEST_F(UserRepositoryTest, PutOverwritesAndSoftDelete) {
  UserRecord u;
  u.id = UserId("dave");
  u.role = Role::kUser;
  u.email = "dave@x.io";
  ASSERT_TRUE(repo_->Put(u).ok());

  u.role = Role::kDba;
  u.email.reset();
  u.deleted_at_us = NowMicros();
  ASSERT_TRUE(repo_->Put(u).ok());
  auto got = GetUser("dave");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->role, Role::kDba);
  EXPECT_FALSE(got->email.has_value());
  EXPECT_TRUE(got->deleted());
  EXPECT_EQ(got->deleted_at_us, u.deleted_at_us);
  // Soft-deleted users stay listed.
  EXPECT_THAT(ListIds(), ElementsAre("dave"));

  // Reactivation clears deleted_at.
  u.deleted_at_us = 0;
  ASSERT_TRUE(repo_->Put(u).ok());
  EXPECT_FALSE(GetUser("dave")->deleted());
}

TEST_F(UserRepositoryTest, ListIsOrderedByIdAndRoundTripsRoles) {
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  const std::vector<std::pair<std::string, Role>> users = {
      {"zed", Role::kUser}, {"Alice", Role::kService}, {"alice", Role::kDba}, {"a.b", Role::kUser}};
  for (const auto& [id, role] : users) {
    UserRecord u;
    u.id = UserId(id);
    u.role = role;
    u.auth_type = AuthType::kOAuth;
    ASSERT_TRUE(repo_->Put(u).ok());
  }
  // Ids are case-sensitive and ordered bytewise.
  EXPECT_THAT(ListIds(), ElementsAre("Alice", "a.b", "alice", "root", "zed"));
  auto list = repo_->List();
  ASSERT_TRUE(list.ok());
  for (const UserRecord& u : list.value()) {
    if (u.id.str() == "root") continue;
    EXPECT_EQ(u.auth_type, AuthType::kOAuth);
    for (const auto& [id, role] : users) {
      if (id == u.id.str()) {
        EXPECT_EQ(u.role, role) << id;
      }
    }
  }
  EXPECT_EQ(GetUser("ALICE"), std::nullopt);
}

TEST_F(UserRepositoryTest, UsersDoNotMixWithOtherMetaRecords) {
  // Other catalog records live in the same partition under other prefixes.
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "ns/app", "x").ok());
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "usq", "x").ok());
  ASSERT_TRUE(backend_->Put(store::Partition::kRows, "usr/ghost", "x").ok());
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  EXPECT_THAT(ListIds(), ElementsAre("root"));
}

TEST_F(UserRepositoryTest, CorruptRecordIsReported) {
  ASSERT_TRUE(repo_->EnsureRoot().ok());
  ASSERT_TRUE(backend_->Put(store::Partition::kMeta, "usr/broken", "\x01\x05" "ab").ok());
  auto got = repo_->Get(UserId("broken"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kCorruption);
  auto list = repo_->List();
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.status().code(), StatusCode::kCorruption);
}

// ---------------------------------------------------------------------------------------
// Permissions (docs/http-api.md)

void ExpectAllowed(const Status& s, const std::string& what) {
  EXPECT_TRUE(s.ok()) << what << ": " << s.ToString();
}

void ExpectDenied(const Status& s, const std::string& what) {
  EXPECT_FALSE(s.ok()) << what;
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << what;
  EXPECT_THAT(s.message(), HasSubstr("Access denied")) << what;
}

std::string Describe(Role role) { return std::string(RoleName(role)); }
std::string Describe(Role role, AccessLevel level) {
  return std::string(RoleName(role)) + " on " + std::string(AccessLevelName(level));
}

TEST(PermissionsTest, SystemTablesAreAdminOnly) {
  for (Role role : kAllRoles) {
    for (auto table : {"users", "namespaces", "tables", "jobs", "stats"}) {
      const Status s = CheckSystemTableRead(role, table);
      if (IsAdmin(role)) {
        ExpectAllowed(s, Describe(role));
      } else {
        ExpectDenied(s, Describe(role));
      }
    }
  }
}

TEST(PermissionsTest, SystemTableMessageText) {
  Status s = CheckSystemTableRead(Role::kUser, "users");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "Access denied: Role 'user' cannot access table 'system.users'. System tables require 'dba' or 'system' "
            "role.");
  Status service = CheckSystemTableRead(Role::kService, "jobs");
  EXPECT_EQ(service.message(),
            "Access denied: Role 'service' cannot access table 'system.jobs'. System tables require 'dba' or "
            "'system' role.");
}

TEST(PermissionsTest, AdminStatements) {
  for (Role role : kAllRoles) {
    const Status s = CheckAdminStatement(role, "create namespaces");
    if (IsAdmin(role)) {
      ExpectAllowed(s, Describe(role));
    } else {
      ExpectDenied(s, Describe(role));
      EXPECT_THAT(s.message(), HasSubstr("Role '" + Describe(role) + "'"));
      EXPECT_THAT(s.message(), HasSubstr("create namespaces"));
      EXPECT_THAT(s.message(), HasSubstr("Requires 'dba' or 'system' role."));
    }
  }
  EXPECT_EQ(CheckAdminStatement(Role::kUser, "create users").message(),
            "Access denied: Role 'user' cannot create users. Requires 'dba' or 'system' role.");
}

TEST(PermissionsTest, CreateTable) {
  // CREATE USER/STREAM tables: every role. CREATE SHARED: service and above.
  for (Role role : kAllRoles) {
    ExpectAllowed(CheckCreateTable(role, TableType::kUser), Describe(role) + " USER");
    ExpectAllowed(CheckCreateTable(role, TableType::kStream), Describe(role) + " STREAM");
  }
  ExpectDenied(CheckCreateTable(Role::kUser, TableType::kShared), "user SHARED");
  for (Role role : {Role::kService, Role::kDba, Role::kSystem}) {
    ExpectAllowed(CheckCreateTable(role, TableType::kShared), Describe(role) + " SHARED");
  }
  EXPECT_THAT(CheckCreateTable(Role::kUser, TableType::kShared).message(), HasSubstr("Role 'user'"));
}

TEST(PermissionsTest, DropTableIsAdminOnly) {
  ExpectDenied(CheckDropTable(Role::kUser), "user");
  ExpectDenied(CheckDropTable(Role::kService), "service");
  ExpectAllowed(CheckDropTable(Role::kDba), "dba");
  ExpectAllowed(CheckDropTable(Role::kSystem), "system");
  EXPECT_THAT(CheckDropTable(Role::kService).message(), HasSubstr("Role 'service'"));
}

// The access-level matrix (docs/http-api.md): PUBLIC — everyone reads, service+ writes; PRIVATE — service+ read and
// write; RESTRICTED — service+ read, admins write; DBA — admins only.
bool ExpectedRead(Role role, AccessLevel level) {
  switch (level) {
    case AccessLevel::kPublic: return true;
    case AccessLevel::kPrivate: return role != Role::kUser;
    case AccessLevel::kRestricted: return role != Role::kUser;
    case AccessLevel::kDba: return role == Role::kDba || role == Role::kSystem;
  }
  return false;
}

bool ExpectedWrite(Role role, AccessLevel level) {
  switch (level) {
    case AccessLevel::kPublic: return role != Role::kUser;
    case AccessLevel::kPrivate: return role != Role::kUser;
    case AccessLevel::kRestricted: return role == Role::kDba || role == Role::kSystem;
    case AccessLevel::kDba: return role == Role::kDba || role == Role::kSystem;
  }
  return false;
}

TEST(PermissionsTest, SharedReadMatrix) {
  int allowed = 0;
  for (Role role : kAllRoles) {
    for (AccessLevel level : kAllLevels) {
      const Status s = CheckSharedRead(role, level, "app.config");
      if (ExpectedRead(role, level)) {
        ExpectAllowed(s, Describe(role, level));
        ++allowed;
      } else {
        ExpectDenied(s, Describe(role, level));
        EXPECT_THAT(s.message(), HasSubstr("app.config"));
        EXPECT_THAT(s.message(), HasSubstr(std::string(AccessLevelName(level))));
      }
    }
  }
  EXPECT_EQ(allowed, 1 + 3 + 4 + 4);
  // Spot checks straight from the table in docs/http-api.md.
  ExpectAllowed(CheckSharedRead(Role::kUser, AccessLevel::kPublic, "t"), "user PUBLIC");
  ExpectDenied(CheckSharedRead(Role::kUser, AccessLevel::kPrivate, "t"), "user PRIVATE");
  ExpectDenied(CheckSharedRead(Role::kUser, AccessLevel::kRestricted, "t"), "user RESTRICTED");
  ExpectAllowed(CheckSharedRead(Role::kService, AccessLevel::kRestricted, "t"), "service RESTRICTED");
  ExpectDenied(CheckSharedRead(Role::kService, AccessLevel::kDba, "t"), "service DBA");
  ExpectAllowed(CheckSharedRead(Role::kDba, AccessLevel::kDba, "t"), "dba DBA");
}

TEST(PermissionsTest, SharedWriteMatrix) {
  int allowed = 0;
  for (Role role : kAllRoles) {
    for (AccessLevel level : kAllLevels) {
      const Status s = CheckSharedWrite(role, level, "app.config");
      if (ExpectedWrite(role, level)) {
        ExpectAllowed(s, Describe(role, level));
        ++allowed;
      } else {
        ExpectDenied(s, Describe(role, level));
        EXPECT_THAT(s.message(), HasSubstr("app.config"));
      }
    }
  }
  EXPECT_EQ(allowed, 0 + 2 + 4 + 4);
  ExpectDenied(CheckSharedWrite(Role::kUser, AccessLevel::kPublic, "t"), "user PUBLIC");
  ExpectAllowed(CheckSharedWrite(Role::kService, AccessLevel::kPublic, "t"), "service PUBLIC");
  ExpectAllowed(CheckSharedWrite(Role::kService, AccessLevel::kPrivate, "t"), "service PRIVATE");
  ExpectDenied(CheckSharedWrite(Role::kService, AccessLevel::kRestricted, "t"), "service RESTRICTED");
  ExpectAllowed(CheckSharedWrite(Role::kDba, AccessLevel::kRestricted, "t"), "dba RESTRICTED");
  ExpectDenied(CheckSharedWrite(Role::kService, AccessLevel::kDba, "t"), "service DBA");
  ExpectAllowed(CheckSharedWrite(Role::kSystem, AccessLevel::kDba, "t"), "system DBA");
}

TEST(PermissionsTest, WriteImpliesRead) {
  for (Role role : kAllRoles) {
    for (AccessLevel level : kAllLevels) {
      if (CheckSharedWrite(role, level, "t").ok()) {
        EXPECT_TRUE(CheckSharedRead(role, level, "t").ok()) << Describe(role, level);
      }
    }
  }
}

TEST(PermissionsTest, ExecuteAsTargets) {
  // user: none; service: user, service; dba: user, service, dba; system: any.
  const std::vector<std::pair<Role, std::vector<Role>>> allowed = {
      {Role::kUser, {}},
      {Role::kService, {Role::kUser, Role::kService}},
      {Role::kDba, {Role::kUser, Role::kService, Role::kDba}},
      {Role::kSystem, {Role::kUser, Role::kService, Role::kDba, Role::kSystem}},
  };
  for (const auto& [actor, targets] : allowed) {
    for (Role target : kAllRoles) {
      const bool expected = std::find(targets.begin(), targets.end(), target) != targets.end();
      const Status s = CheckExecuteAs(actor, target);
      const std::string what = Describe(actor) + " as " + Describe(target);
      if (expected) {
        ExpectAllowed(s, what);
      } else {
        ExpectDenied(s, what);
        EXPECT_THAT(s.message(), HasSubstr("Role '" + Describe(actor) + "'")) << what;
        EXPECT_THAT(s.message(), HasSubstr("'" + Describe(target) + "'")) << what;
      }
    }
  }
  EXPECT_EQ(CheckExecuteAs(Role::kDba, Role::kSystem).message(),
            "Access denied: Role 'dba' cannot EXECUTE AS a user with role 'system'");
}

}  // namespace
}  // namespace kalam::auth
