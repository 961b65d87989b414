#include "request_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "cors.h"

namespace kalam::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RequestLogTest, RequestIds) {
  EXPECT_EQ(AcceptOrGenerateRequestId("abc-123_x.y:z"), "abc-123_x.y:z");
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (const std::string& bad :
       std::vector<std::string>{"", "with space", "quote\"", std::string(129, 'a'), "new\nline"}) {
    const std::string id = AcceptOrGenerateRequestId(bad);
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
  }
  EXPECT_EQ(AcceptOrGenerateRequestId(std::string(128, 'a')), std::string(128, 'a'));
  EXPECT_NE(AcceptOrGenerateRequestId(""), AcceptOrGenerateRequestId(""));
}

TEST(RequestLogTest, StatementKindsNameOnlyKeywords) {
  EXPECT_EQ(StatementKinds("SELECT 1"), "SELECT");
  EXPECT_EQ(StatementKinds("  -- note\n/* c */ select * from t; insert into t values (1)"), "SELECT,INSERT");
  EXPECT_EQ(
      StatementKinds("CREATE NAMESPACE app; CREATE SHARED TABLE app.t (id INT); CREATE USER TABLE app.u (v TEXT)"),
      "CREATE NAMESPACE,CREATE SHARED TABLE,CREATE USER TABLE");
  EXPECT_EQ(StatementKinds("CREATE USER 'alice' WITH PASSWORD 'hunter2'; ALTER USER bob SET PASSWORD 'x'"),
            "CREATE USER,ALTER USER");
  EXPECT_EQ(StatementKinds("DROP TABLE app.t; SHOW TABLES; FLUSH ALL TABLES"), "DROP TABLE,SHOW TABLES,FLUSH ALL");
  // Semicolons inside quotes, comments and parentheses do not split.
  EXPECT_EQ(StatementKinds("SELECT ';' , \"a;b\" FROM t WHERE x = 'it''s; here' -- ;\n; UPDATE t SET v = 1"),
            "SELECT,UPDATE");
  // Unknown leading words never reach the log.
  EXPECT_EQ(StatementKinds("hunter2 is my password; SELECT 1"), "OTHER,SELECT");
  EXPECT_EQ(StatementKinds("CREATE alice_secret"), "CREATE");
  EXPECT_EQ(StatementKinds(""), "");
  EXPECT_EQ(StatementKinds(" ; ;"), "OTHER,OTHER");
  std::string many;
  for (int i = 0; i < 20; ++i) many += "SELECT 1;";
  EXPECT_THAT(StatementKinds(many), testing::EndsWith("SELECT,+4"));
}

TEST(RequestLogTest, DebugSqlMasksLiteralsNearCredentials) {
  EXPECT_EQ(SqlForDebugLog("SELECT 'a' FROM t"), "SELECT 'a' FROM t");
  EXPECT_EQ(SqlForDebugLog("CREATE USER x WITH PASSWORD 'it''s secret'; SELECT 'b'"),
            "CREATE USER x WITH PASSWORD '***'; SELECT '***'");
  EXPECT_THAT(SqlForDebugLog("CREATE STORAGE s CREDENTIALS '{\"key\":\"k\"}'"), Not(HasSubstr("key")));
  EXPECT_EQ(SqlForDebugLog("ALTER USER x SET PASSWORD 'unterminated"), "ALTER USER x SET PASSWORD '***'");
  EXPECT_EQ(SqlForDebugLog(std::string(5000, 'a')).size(), 4096u);
}

TEST(RequestLogTest, LogSafe) {
  EXPECT_EQ(LogSafe("/v1/api/sql"), "/v1/api/sql");
  EXPECT_EQ(LogSafe("a\"b\\c\nd\x01\xc3\xa9"), "a?b?c?d???");
  EXPECT_EQ(LogSafe("abcdef", 3), "abc");
}

TEST(CorsPolicyTest, AnyOriginIsEchoed) {
  CorsPolicy cors({});
  HttpRequest request;
  request.headers = {{"origin", "https://app.example"}};
  HttpResponse response;
  cors.Decorate(request, response);
  ASSERT_FALSE(response.headers.empty());
  EXPECT_THAT(response.headers, testing::Contains(std::pair<std::string, std::string>("Access-Control-Allow-Origin",
                                                                                      "https://app.example")));
  HttpResponse no_origin;
  cors.Decorate(HttpRequest(), no_origin);
  EXPECT_TRUE(no_origin.headers.empty());
}

TEST(CorsPolicyTest, AllowListIsExact) {
  CorsPolicy cors({"https://good.example/", "http://localhost:5173"});
  EXPECT_TRUE(cors.OriginAllowed("https://good.example"));
  EXPECT_TRUE(cors.OriginAllowed("http://localhost:5173"));
  EXPECT_FALSE(cors.OriginAllowed("https://good.example.evil"));
  EXPECT_FALSE(cors.OriginAllowed("http://localhost:5174"));
  EXPECT_FALSE(cors.OriginAllowed(""));
  EXPECT_TRUE(CorsPolicy({"*"}).OriginAllowed("https://any.example"));
}

}  // namespace
}  // namespace kalam::api
