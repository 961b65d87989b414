#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kalam/dialect/parser.h"
#include "parse_test_util.h"

namespace kalam::dialect {
namespace {

using ::testing::HasSubstr;

TEST(UserStatementTest, CreateUserForms) {
  auto a = ParseAs<CreateUserStmt>("CREATE USER 'alice' WITH PASSWORD 'Secret123!' ROLE 'user';");
  EXPECT_EQ(a.user.str(), "alice");
  EXPECT_EQ(a.method, CreateUserStmt::Method::kPassword);
  EXPECT_EQ(a.password, "Secret123!");
  EXPECT_EQ(a.role, Role::kUser);
  EXPECT_FALSE(a.email.has_value());

  auto b = ParseAs<CreateUserStmt>("CREATE USER 'db_admin' WITH PASSWORD 'Admin789!' ROLE 'dba' EMAIL 'admin@company.com'");
  EXPECT_EQ(b.role, Role::kDba);
  EXPECT_EQ(b.email.value_or(""), "admin@company.com");

  auto c = ParseAs<CreateUserStmt>(
      "CREATE USER 'google_sync' WITH OAUTH PROVIDER 'google' SUBJECT 'sync@example.com' ROLE 'service'");
  EXPECT_EQ(c.method, CreateUserStmt::Method::kOAuth);
  EXPECT_EQ(c.oauth_json, R"({"provider":"google","subject":"sync@example.com"})");
  EXPECT_EQ(c.role, Role::kService);

  auto d = ParseAs<CreateUserStmt>(R"(CREATE USER svc WITH OAUTH '{"provider":"google","subject":"1234"}' ROLE service)");
  EXPECT_EQ(d.user.str(), "svc");
  EXPECT_EQ(d.oauth_json, R"({"provider":"google","subject":"1234"})");

  auto e = ParseAs<CreateUserStmt>("CREATE USER bot WITH INTERNAL ROLE service");
  EXPECT_EQ(e.method, CreateUserStmt::Method::kInternal);

  auto f = ParseAs<CreateUserStmt>("create user if not exists Bob with password 'x' email 'b@x.io' role admin");
  EXPECT_TRUE(f.if_not_exists);
  EXPECT_EQ(f.user.str(), "bob");  // bare names fold to lowercase
  EXPECT_EQ(f.role, Role::kDba);   // alias
  EXPECT_EQ(ParseAs<CreateUserStmt>("CREATE USER 'Bob' WITH PASSWORD 'x'").user.str(), "Bob");
  EXPECT_EQ(ParseAs<CreateUserStmt>("CREATE USER 'a@b.c' WITH PASSWORD 'x'").role, Role::kUser);
}

TEST(UserStatementTest, AlterAndDrop) {
  auto p = ParseAs<AlterUserStmt>("ALTER USER 'alice' SET PASSWORD 'NewPassword456!'");
  EXPECT_EQ(p.change, AlterUserStmt::Change::kPassword);
  EXPECT_EQ(p.text, "NewPassword456!");
  auto r = ParseAs<AlterUserStmt>("ALTER USER alice SET ROLE dba");
  EXPECT_EQ(r.change, AlterUserStmt::Change::kRole);
  EXPECT_EQ(r.role, Role::kDba);
  auto m = ParseAs<AlterUserStmt>("ALTER USER alice SET EMAIL 'x@y.z'");
  EXPECT_EQ(m.change, AlterUserStmt::Change::kEmail);
  EXPECT_EQ(m.text, "x@y.z");
  auto d = ParseAs<DropUserStmt>("DROP USER IF EXISTS 'alice'");
  EXPECT_TRUE(d.if_exists);
  EXPECT_EQ(d.user.str(), "alice");
  // USER TABLE statements are still tables.
  auto table = ParseKalamStatement("DROP USER TABLE app.t");
  ASSERT_TRUE(table.ok());
  EXPECT_TRUE(std::holds_alternative<DropTableStmt>(table.value()));
}

TEST(UserStatementTest, Errors) {
  EXPECT_THAT(ParseKalamStatement("CREATE USER 'a' WITH PASSWORD 'x' ROLE wizard").status().message(),
              HasSubstr("Invalid role 'wizard'"));
  EXPECT_FALSE(ParseKalamStatement("CREATE USER 'a' PASSWORD 'x'").ok());
  EXPECT_FALSE(ParseKalamStatement("CREATE USER '..' WITH PASSWORD 'x'").ok());
  EXPECT_FALSE(ParseKalamStatement("CREATE USER 'a' WITH PASSWORD x").ok());
  EXPECT_FALSE(ParseKalamStatement("CREATE USER 'a' WITH PASSWORD 'x' ROLE user ROLE dba").ok());
  EXPECT_FALSE(ParseKalamStatement("ALTER USER a SET NAME 'b'").ok());
  EXPECT_FALSE(ParseKalamStatement("DROP USER a b").ok());
}

}  // namespace
}  // namespace kalam::dialect
