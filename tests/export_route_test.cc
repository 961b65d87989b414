// POST /v1/api/export against the real server: a user downloads their own rows (hot and
// cold, USER and STREAM tables), authenticated like the SQL endpoint, bounded by
// limits.max_export_bytes, recorded in system.audit_log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "support/json_doc.h"
#include "support/live_server.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<LiveServer> StartServer(std::map<std::string, std::string> env = {}) {
  env["KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC"] = "0";
  auto server = std::make_unique<LiveServer>(env);
  EXPECT_TRUE(server->started()) << server->process().output();
  if (!server->started()) return server;
  server->CreateUser("alice");
  server->CreateUser("bob");
  server->Sql("CREATE NAMESPACE app");
  server->Sql("CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT)");
  server->Sql("CREATE STREAM TABLE app.typing (v TEXT) TTL 600");
  server->Sql("INSERT INTO app.messages VALUES (1, 'one'), (2, 'two')", "alice");
  server->Sql("INSERT INTO app.messages VALUES (1, 'bob only')", "bob");
  server->Sql("FLUSH TABLE app.messages");
  server->Sql("DELETE FROM app.messages WHERE id = 2", "alice");
  server->Sql("INSERT INTO app.messages VALUES (3, 'three')", "alice");
  server->Sql("INSERT INTO app.typing VALUES ('typing...')", "alice");
  return server;
}

HttpResult Export(LiveServer& server, const std::string& authorization, const std::string& method = "POST") {
  HttpClient client(server.port());
  return client.Request(method, "/v1/api/export", "", {{"Authorization", authorization}});
}

TEST(UserExportRouteTest, AUserDownloadsTheirOwnRows) {
  auto server = StartServer();
  ASSERT_TRUE(server->started());
  HttpResult r = Export(*server, BasicHeader("alice", kPassword));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.headers["content-disposition"], "attachment; filename=\"kalamdb-export-alice.json\"");
  JsonDoc doc(r.body);
  ASSERT_TRUE(doc.ok()) << r.body;
  EXPECT_EQ(doc.Int("/format"), 1);
  EXPECT_EQ(doc.Str("/user_id"), "alice");
  ASSERT_EQ(doc.Size("/tables"), 2u) << r.body;
  EXPECT_EQ(doc.Str("/tables/0/table"), "app.messages");
  EXPECT_EQ(doc.Str("/tables/0/table_type"), "user");
  EXPECT_EQ(doc.Str("/tables/0/result/schema/1/name"), "body");
  // Current rows only (not the deleted one), nothing of bob's; the core test covers cold rows.
  EXPECT_EQ(doc.Raw("/tables/0/result/rows"), R"([["1","one"],["3","three"]])");
  EXPECT_EQ(doc.Str("/tables/1/table"), "app.typing");
  EXPECT_EQ(doc.Raw("/tables/1/result/rows"), R"([["typing..."]])");

  const std::string audit = server->Sql(
      "SELECT actor_user_id, subject_user_id, target FROM system.audit_log WHERE action = 'EXPORT_USER_DATA'");
  EXPECT_THAT(audit, HasSubstr(R"([["alice","alice","alice"]])"));
}

TEST(UserExportRouteTest, AuthenticatesLikeTheSqlEndpoint) {
  auto server = StartServer();
  ASSERT_TRUE(server->started());
  HttpResult missing = Export(*server, "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(JsonDoc(missing.body).Str("/error/code"), "MISSING_AUTHORIZATION") << missing.body;
  HttpResult wrong = Export(*server, BasicHeader("alice", "wrong"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(JsonDoc(wrong.body).Str("/error/code"), "INVALID_CREDENTIALS") << wrong.body;
  EXPECT_EQ(Export(*server, BasicHeader("alice", kPassword), "GET").status, 405);
  // bob gets his own rows only.
  HttpResult bob = Export(*server, BasicHeader("bob", kPassword));
  ASSERT_EQ(bob.status, 200) << bob.body;
  EXPECT_EQ(JsonDoc(bob.body).Raw("/tables/0/result/rows"), R"([["1","bob only"]])");
  EXPECT_EQ(JsonDoc(bob.body).Size("/tables"), 1u);
}

TEST(UserExportRouteTest, MaxExportBytesRefusesALargeExport) {
  auto server = StartServer({{"KALAMDB_LIMITS_MAX_EXPORT_BYTES", "8"}});
  ASSERT_TRUE(server->started());
  HttpResult r = Export(*server, BasicHeader("alice", kPassword));
  EXPECT_EQ(r.status, 413);
  JsonDoc doc(r.body);
  EXPECT_EQ(doc.Str("/error"), "EXPORT_TOO_LARGE") << r.body;
  EXPECT_THAT(doc.Str("/message"), HasSubstr("limits.max_export_bytes (8 bytes)"));
}

}  // namespace
}  // namespace kalam::testing
