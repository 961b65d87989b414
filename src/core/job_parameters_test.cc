// The codecs of the engine's job parameters: what a scheduler writes, the executor reads.
#include "kalam/core/job_parameters.h"

#include <gtest/gtest.h>

namespace kalam::core {
namespace {

TEST(JobParametersTest, FlushRoundTripsWithAndWithoutUser) {
  const FlushJobParams table{TableId{NamespaceId("app"), TableName("t")}, std::nullopt};
  EXPECT_EQ(table.ToJson(), "{\"table_id\":\"app.t\"}");
  auto back = FlushJobParams::FromJson(table.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->table, table.table);
  EXPECT_FALSE(back->user.has_value());

  const FlushJobParams scope{TableId{NamespaceId("app"), TableName("t")}, UserId("alice")};
  EXPECT_EQ(scope.ToJson(), "{\"table_id\":\"app.t\",\"user_id\":\"alice\"}");
  auto scoped = FlushJobParams::FromJson(scope.ToJson());
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->user, std::optional<UserId>(UserId("alice")));
}

TEST(JobParametersTest, RetentionAndUserCleanupRoundTrip) {
  const RetentionJobParams retention{TableId{NamespaceId("ns"), TableName("events")}};
  EXPECT_EQ(RetentionJobParams::FromJson(retention.ToJson())->table, retention.table);
  const UserCleanupJobParams user{UserId("bob@example.com")};
  EXPECT_EQ(user.ToJson(), "{\"user_id\":\"bob@example.com\"}");
  EXPECT_EQ(UserCleanupJobParams::FromJson(user.ToJson())->user, user.user);
}

TEST(JobParametersTest, BackupRoundTripsWithAndWithoutNamespace) {
  const BackupJobParams ns{NamespaceId("app"), "/backups/app"};
  EXPECT_EQ(ns.ToJson(), "{\"namespace_id\":\"app\",\"directory\":\"/backups/app\"}");
  auto parsed = BackupJobParams::FromJson(ns.ToJson());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->namespace_id, ns.namespace_id);
  EXPECT_EQ(parsed->directory, ns.directory);
  auto server = BackupJobParams::FromJson(BackupJobParams{std::nullopt, "/b"}.ToJson());
  ASSERT_TRUE(server.ok());
  EXPECT_FALSE(server->namespace_id.has_value());
  EXPECT_EQ(BackupJobParams::FromJson("{}").status().code(), StatusCode::kInvalidArgument);
}

TEST(JobParametersTest, MalformedParametersAreInvalidArguments) {
  for (const char* json : {"", "[]", "{}", "{\"table_id\":7}", "{\"table_id\":\"nodot\"}", "{\"table_id\":\"a.b.c\"}",
                           "{\"table_id\":\".t\"}", "{\"table_id\":\"ns.\"}"}) {
    auto parsed = RetentionJobParams::FromJson(json);
    ASSERT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << json;
  }
  EXPECT_EQ(UserCleanupJobParams::FromJson("{\"table_id\":\"a.b\"}").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kalam::core
