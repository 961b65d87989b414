// The real kalamdb-server on a loopback port: startup, health, SQL over HTTP, restart,
// data-directory lock and shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/http_client.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ServerTest, StartsServesSqlAndStopsCleanly) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path())) << server.output();
  HttpClient client(server.port());

  auto health = client.Request("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_THAT(health.body, HasSubstr("\"status\":\"healthy\""));
  EXPECT_THAT(health.body, HasSubstr("\"api_version\":\"v1\""));
  EXPECT_EQ(client.Request("GET", "/v1/api/healthcheck").status, 200);

  auto created = client.Sql(
      R"j({"sql":"CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id BIGINT PRIMARY KEY, v TEXT); INSERT INTO app.t VALUES (1, 'a'), (2, 'b'); SELECT id, v FROM app.t WHERE id = 1"})j");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_THAT(created.body, HasSubstr(R"j({"row_count":0,"message":"Namespace 'app' created successfully","as_user":"root"})j"));
  EXPECT_THAT(created.body, HasSubstr(R"j({"row_count":2,"message":"Inserted 2 row(s)","as_user":"root"})j"));
  EXPECT_THAT(created.body,
              HasSubstr(R"j({"schema":[{"name":"id","data_type":"BigInt","index":0,"flags":["pk","nn","uq"]},{"name":"v","data_type":"Text","index":1}],"rows":[["1","a"]],"row_count":1,"as_user":"root"})j"));

  auto alias = client.Request("POST", "/api/sql", R"j({"sql":"SELECT v FROM t ORDER BY id","namespace_id":"app"})j",
                              {{"Authorization", "Basic cm9vdDprYWxhbWRiMTIz"}});
  EXPECT_EQ(alias.status, 200);
  EXPECT_THAT(alias.body, HasSubstr(R"j("rows":[["a"],["b"]])j"));

  auto params = client.Sql(R"j({"sql":"SELECT v FROM app.t WHERE id = $1","params":["2"]})j");
  EXPECT_THAT(params.body, HasSubstr(R"j("rows":[["b"]])j"));

  EXPECT_EQ(client.Sql(R"j({"sql":"SELECT 1"})j", "Basic cm9vdDp3cm9uZw==").status, 401);
  auto missing = client.Request("POST", "/v1/api/sql", R"j({"sql":"SELECT 1"})j");
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.body, HasSubstr("MISSING_AUTHORIZATION"));
  EXPECT_EQ(missing.headers["www-authenticate"], "Bearer realm=\"kalamdb\"");
  EXPECT_EQ(client.Request("GET", "/v1/api/sql").status, 405);
  EXPECT_EQ(client.Request("GET", "/no/such/route").status, 404);

  EXPECT_EQ(server.Stop(), 0);
}

TEST(ServerTest, DataSurvivesRestart) {
  TempDir dir;
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(dir.path())) << server.output();
    HttpClient client(server.port());
    auto r = client.Sql(R"j({"sql":"CREATE NAMESPACE app; CREATE USER TABLE app.m (id BIGINT PRIMARY KEY, body TEXT); INSERT INTO app.m VALUES (1, 'kept')"})j");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(server.Stop(), 0);
  }
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path())) << server.output();
  HttpClient client(server.port());
  auto r = client.Sql(R"j({"sql":"SELECT id, body FROM app.m"})j");
  EXPECT_THAT(r.body, HasSubstr(R"j("rows":[["1","kept"]])j"));
}

TEST(ServerTest, SecondServerOnTheSameDataDirIsRefused) {
  TempDir dir;
  ServerProcess first;
  ASSERT_TRUE(first.Start(dir.path())) << first.output();
  ServerProcess second;
  EXPECT_FALSE(second.Start(dir.path()));
  EXPECT_EQ(second.WaitExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(second.output(), HasSubstr("data directory is locked"));
}

TEST(ServerTest, GeneratedRootPasswordIsPrintedOnceOnLoopback) {
  TempDir dir;
  std::string password;
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_ROOT_PASSWORD", ""}})) << server.output();
    const std::string marker = "Generated root password: ";
    const auto at = server.output().find(marker);
    ASSERT_NE(at, std::string::npos) << server.output();
    password = server.output().substr(at + marker.size(), 24);
    HttpClient client(server.port());
    const std::string token = "root:" + password;
    // Basic credentials for root with the generated password.
    static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    int val = 0, bits = -6;
    for (unsigned char c : token) {
      val = (val << 8) + c;
      bits += 8;
      while (bits >= 0) {
        encoded.push_back(kAlphabet[(val >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6) encoded.push_back(kAlphabet[((val << 8) >> (bits + 8)) & 0x3F]);
    while (encoded.size() % 4) encoded.push_back('=');
    EXPECT_EQ(client.Sql(R"j({"sql":"SELECT 1"})j", "Basic " + encoded).status, 200);
  }
  ServerProcess again;
  ASSERT_TRUE(again.Start(dir.path(), {{"KALAMDB_ROOT_PASSWORD", ""}})) << again.output();
  EXPECT_THAT(again.output(), Not(HasSubstr("Generated root password")));
}

TEST(ServerTest, InvalidConfigStopsStartupNamingTheKey) {
  TempDir dir;
  ServerProcess server;
  EXPECT_FALSE(server.Start(dir.path(), {{"KALAMDB_SERVER_WORKERS", "many"}}));
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(server.output(), HasSubstr("invalid value for server.workers: 'many' is not an integer"));
}

TEST(ServerTest, ShortJwtSecretIsRefusedOffLoopback) {
  TempDir dir;
  ServerProcess server;
  // Binding to all interfaces with a short secret must fail before listening.
  EXPECT_FALSE(server.Start(dir.path(), {{"KALAMDB_JWT_SECRET", "short"}}, {"--host", "0.0.0.0"}));
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(server.output(), HasSubstr("auth.jwt_secret must be at least 32 characters"));
}

}  // namespace
}  // namespace kalam::testing
