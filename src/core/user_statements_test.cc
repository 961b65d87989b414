#include "engine_test_util.h"
#include "kalam/auth/password_hasher.h"

namespace kalam::core::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class UserStatementsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    // Cheap bcrypt for tests.
    auth::AuthSettings auth;
    auth.bcrypt_cost = 4;
    ReopenWith(EngineConfig{}, auth);
  }

  bool CanLogin(const std::string& user, const std::string& password) {
    auto outcome = engine_->auth().AuthenticatePassword(user, password, "127.0.0.1", NowMicros());
    return std::holds_alternative<auth::Identity>(outcome);
  }
};

TEST_F(UserStatementsTest, CreateAlterDropLifecycle) {
  EXPECT_EQ(Run(Root(), "CREATE USER 'alice' WITH PASSWORD 'Secret123!' ROLE 'user'").message, "User 'alice' created");
  EXPECT_TRUE(CanLogin("alice", "Secret123!"));
  EXPECT_FALSE(CanLogin("alice", "wrong"));
  EXPECT_THAT(Query(Root(), "SELECT user_id, role, auth_type, password_hash, email FROM system.users WHERE user_id = 'alice'"),
              ElementsAre("alice|user|password|***|NULL"));
  EXPECT_THAT(Fail(Root(), "CREATE USER 'alice' WITH PASSWORD 'x'").message(), HasSubstr("User 'alice' already exists"));
  EXPECT_EQ(Run(Root(), "CREATE USER IF NOT EXISTS 'alice' WITH PASSWORD 'x'").message, "User 'alice' already exists");

  EXPECT_EQ(Run(Root(), "ALTER USER 'alice' SET PASSWORD 'NewPassword456!'").message, "User 'alice' updated");
  EXPECT_FALSE(CanLogin("alice", "Secret123!"));  // the cached old verification is gone
  EXPECT_TRUE(CanLogin("alice", "NewPassword456!"));
  Run(Root(), "ALTER USER alice SET ROLE dba");
  Run(Root(), "ALTER USER alice SET EMAIL 'a@x.io'");
  EXPECT_THAT(Query(Root(), "SELECT role, email FROM system.users WHERE user_id = 'alice'"), ElementsAre("dba|a@x.io"));

  EXPECT_EQ(Run(Root(), "DROP USER 'alice'").message, "User 'alice' dropped (soft delete)");
  EXPECT_FALSE(CanLogin("alice", "NewPassword456!"));
  EXPECT_THAT(Query(Root(), "SELECT deleted_at IS NOT NULL FROM system.users WHERE user_id = 'alice'"),
              ElementsAre("true"));
  EXPECT_THAT(Fail(Root(), "DROP USER 'alice'").message(), HasSubstr("User 'alice' not found"));
  Run(Root(), "DROP USER IF EXISTS 'alice'");
  EXPECT_THAT(Fail(Root(), "EXECUTE AS USER 'alice' (SELECT 1)").message(), HasSubstr("User 'alice' not found"));
  // Reactivation keeps the user's data.
  Run(Root(), "CREATE NAMESPACE app; CREATE USER TABLE app.notes (v TEXT)");
  EXPECT_EQ(Run(Root(), "CREATE USER 'alice' WITH PASSWORD 'Again123!'").message, "User 'alice' created");
  Run(As("alice"), "INSERT INTO app.notes VALUES ('mine')");
  Run(Root(), "DROP USER alice");
  Run(Root(), "CREATE USER IF NOT EXISTS 'alice' WITH PASSWORD 'Third123!'");
  EXPECT_THAT(Query(As("alice"), "SELECT v FROM app.notes"), ElementsAre("mine"));
  EXPECT_THAT(Query(Root(), "SELECT role, deleted_at FROM system.users WHERE user_id = 'alice'"), ElementsAre("user|NULL"));
}

TEST_F(UserStatementsTest, SeedFormsAndNames) {
  Run(Root(), "CREATE USER 'backup_service' WITH PASSWORD 'Key456!' ROLE 'service'");
  Run(Root(), "CREATE USER 'db_admin' WITH PASSWORD 'Admin789!' ROLE 'dba' EMAIL 'admin@company.com'");
  Run(Root(), "CREATE USER 'google_sync' WITH OAUTH PROVIDER 'google' SUBJECT 'sync@example.com' ROLE 'service'");
  Run(Root(), R"(CREATE USER svc WITH OAUTH '{"provider":"google","subject":"1234"}' ROLE service)");
  Run(Root(), "CREATE USER bot WITH INTERNAL ROLE service");
  Run(Root(), "CREATE USER Bob WITH PASSWORD 'x'");
  Run(Root(), "CREATE USER 'Carol' WITH PASSWORD 'x'");
  EXPECT_THAT(Query(Root(), "SELECT user_id, role, auth_type FROM system.users ORDER BY user_id"),
              ElementsAre("Carol|user|password", "backup_service|service|password", "bob|user|password",
                          "bot|service|internal", "db_admin|dba|password", "google_sync|service|oauth",
                          "root|system|internal", "svc|service|oauth"));
  EXPECT_THAT(Query(Root(), "SELECT auth_data FROM system.users WHERE user_id = 'google_sync'"),
              ElementsAre(R"({"provider":"google","subject":"sync@example.com"})"));
  EXPECT_FALSE(CanLogin("google_sync", ""));
  EXPECT_THAT(Fail(Root(), "CREATE USER x WITH OAUTH '{\"provider\":1}'").message(), HasSubstr("OAUTH must be"));
  EXPECT_THAT(Fail(Root(), "CREATE USER 'a b' WITH PASSWORD 'x'").message(), HasSubstr("Invalid user id"));
}

TEST_F(UserStatementsTest, RoleRules) {
  SeedUsers({{"u1", Role::kUser}, {"s1", Role::kService}, {"d1", Role::kDba}, {"sys1", Role::kSystem}});
  sessions_.clear();
  for (Role role : {Role::kUser, Role::kService}) {
    EXPECT_EQ(Fail(As("x", role), "CREATE USER 'n' WITH PASSWORD 'x'").code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(Fail(As("x", role), "DROP USER 'u1'").code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(Fail(As("x", role), "ALTER USER 'u1' SET PASSWORD 'x'").code(), StatusCode::kPermissionDenied);
  }
  // Anyone may change their own password, nothing else about themselves.
  Run(As("u1"), "ALTER USER u1 SET PASSWORD 'Mine123!'");
  EXPECT_EQ(Fail(As("u1"), "ALTER USER u1 SET ROLE dba").code(), StatusCode::kPermissionDenied);
  // dba manages users but cannot grant or touch `system`.
  Session& dba = As("d1", Role::kDba);
  Run(dba, "CREATE USER 'n1' WITH PASSWORD 'x' ROLE service");
  EXPECT_EQ(Fail(dba, "CREATE USER 'n2' WITH PASSWORD 'x' ROLE system").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Fail(dba, "ALTER USER n1 SET ROLE system").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Fail(dba, "ALTER USER sys1 SET EMAIL 'x@y.z'").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Fail(dba, "DROP USER sys1").code(), StatusCode::kPermissionDenied);
  Run(Root(), "ALTER USER n1 SET ROLE system");
  EXPECT_THAT(Fail(Root(), "DROP USER root").message(), HasSubstr("Cannot drop user 'root'"));
  EXPECT_THAT(Fail(Root(), "ALTER USER root SET ROLE user").message(), HasSubstr("Cannot change the role"));
}

}  // namespace
}  // namespace kalam::core::testing
