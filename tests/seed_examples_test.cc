// The product README's curl examples (seeds/003, "Using the REST API"), run with the real curl
// binary against the real server, as written except for the port, with an existing user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "support/http_client.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  pclose(pipe);
  return out;
}

TEST(SeedExamplesTest, ReadmeCurlExamplesRunAsWritten) {
  // The examples are curl commands: without curl nothing here would be checked.
  ASSERT_FALSE(RunCommand("command -v curl").empty()) << "curl is not installed (scripts/setup.sh installs it)";
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path())) << server.output();
  HttpClient admin(server.port());
  // "with an existing user": user1 may create namespaces, so it is a dba.
  ASSERT_EQ(admin.Sql(R"j({"sql":"CREATE USER user1 WITH PASSWORD 'password' ROLE dba"})j").status, 200);

  const std::string url = "http://localhost:" + std::to_string(server.port()) + "/api/sql";
  const std::string prefix = "curl -s -X POST " + url + " \\\n  -u user1:password \\\n  -H \"Content-Type: application/json\" \\\n  -d ";
  const std::string create_ns = RunCommand(prefix + R"j('{
    "sql": "CREATE NAMESPACE IF NOT EXISTS app"
  }')j");
  EXPECT_THAT(create_ns, HasSubstr(R"j("status":"success")j")) << create_ns;
  const std::string create_table = RunCommand(prefix + R"j('{
    "sql": "CREATE USER TABLE app.messages (id BIGINT, content TEXT, timestamp TIMESTAMP) FLUSH POLICY ROW_LIMIT 1000"
  }')j");
  EXPECT_THAT(create_table, HasSubstr("Table app.messages created successfully")) << create_table;
  const std::string insert = RunCommand(prefix + R"j('{
    "sql": "INSERT INTO app.messages (id, content, timestamp) VALUES (1, '\''Hello World'\'', NOW())"
  }')j");
  EXPECT_THAT(insert, HasSubstr("Inserted 1 row(s)")) << insert;
  const std::string select = RunCommand(prefix + R"j('{
    "sql": "SELECT * FROM app.messages ORDER BY timestamp DESC LIMIT 10"
  }')j");
  EXPECT_THAT(select, HasSubstr(R"j("rows":[["1","Hello World",)j")) << select;
  EXPECT_THAT(select, HasSubstr(R"j("as_user":"user1")j")) << select;
}

}  // namespace
}  // namespace kalam::testing
