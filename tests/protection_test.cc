// Connection protection of the real kalamdb-server (docs/http-api.md): the per-IP
// request rate and bans, the per-IP connection limit, the loopback exemption and the switches
// that turn protection off, trusted proxies and forwarded addresses, the per-user query rate on
// the SQL endpoint, and the request body limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

#include "support/failpoint_file.h"
#include "support/http_client.h"
#include "support/json_fields.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kRateLimited =
    R"({"error":"RATE_LIMIT_EXCEEDED","message":"Too many requests from your IP address","retry_after_seconds":1})";

// Loopback is exempt by default; these tests turn that off so that the test client counts.
std::map<std::string, std::string> Unexempt(std::map<std::string, std::string> env) {
  env["KALAMDB_RATE_LIMIT_EXEMPT_LOOPBACK"] = "false";
  return env;
}

// Two connections from the same address, alternating `rounds` requests each: all are served,
// which a limit of 2 requests/s and 1 connection per IP would refuse.
void ExpectTwoConnectionsServed(uint16_t port, int rounds) {
  HttpClient first(port);
  HttpClient second(port);
  for (int i = 0; i < rounds; ++i) {
    ASSERT_EQ(first.Request("GET", "/health").status, 200);
    ASSERT_EQ(second.Request("GET", "/health").status, 200);
  }
}

TEST(ProtectionTest, PerIpRateLimitThenBan) {
  TempDir dir;
  TempDir control_dir;
  // The failpoint build, whose clock the test moves on past the rate window.
  FailpointFile control(control_dir.path() + "/control");
  ServerProcess server;
  server.UseBinary(KALAMDB_FAILPOINTS_SERVER_BINARY);
  ASSERT_TRUE(server.Start(dir.path(), Unexempt({{"KALAMDB_RATE_LIMIT_MAX_REQUESTS_PER_IP_PER_SEC", "5"},
                                                 {"KALAMDB_RATE_LIMIT_BAN_DURATION_SECONDS", "300"},
                                                 {"KALAMDB_FAILPOINTS_FILE", control.path()}})))
      << server.output();
  HttpClient client(server.port());
  int ok = 0, limited = 0;
  HttpResult banned;
  for (int i = 0; i < 500 && banned.status == 0; ++i) {
    auto r = client.Request("GET", "/health", "", {{"X-Request-ID", "req-" + std::to_string(i)}});
    EXPECT_EQ(r.headers["x-request-id"], "req-" + std::to_string(i));
    if (r.status == 200) {
      ++ok;
    } else if (r.status == 429 && JsonString(r.body, "error") == "RATE_LIMIT_EXCEEDED") {
      ++limited;
      EXPECT_EQ(r.body, kRateLimited);
      EXPECT_EQ(r.headers["retry-after"], "1");
    } else {
      banned = r;
    }
  }
  EXPECT_GE(ok, 5);
  // The tenth rejected request starts the ban (they all fall well within 300 s).
  EXPECT_EQ(limited, 10);
  ASSERT_EQ(banned.status, 429) << banned.body;
  EXPECT_EQ(banned.headers["retry-after"], "300");
  EXPECT_THAT(banned.body, StartsWith(R"({"error":"IP_BANNED","message":")"));
  EXPECT_THAT(banned.body, HasSubstr(R"(,"retry_after_seconds":300})"));
  // Banned means banned, even after the one-second window has passed, and on new connections.
  ASSERT_TRUE(control.AdvanceClock(std::chrono::seconds(2)));
  HttpClient other(server.port());
  auto later = other.Request("GET", "/health");
  EXPECT_EQ(later.status, 429);
  EXPECT_EQ(JsonString(later.body, "error"), "IP_BANNED");
}

TEST(ProtectionTest, LoopbackIsExemptByDefault) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_RATE_LIMIT_MAX_REQUESTS_PER_IP_PER_SEC", "2"},
                                        {"KALAMDB_RATE_LIMIT_MAX_CONNECTIONS_PER_IP", "1"}}))
      << server.output();
  ExpectTwoConnectionsServed(server.port(), 30);
}

TEST(ProtectionTest, ProtectionCanBeSwitchedOff) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), Unexempt({{"KALAMDB_RATE_LIMIT_MAX_REQUESTS_PER_IP_PER_SEC", "2"},
                                                 {"KALAMDB_RATE_LIMIT_MAX_CONNECTIONS_PER_IP", "1"},
                                                 {"KALAMDB_RATE_LIMIT_ENABLE_CONNECTION_PROTECTION", "false"}})))
      << server.output();
  ExpectTwoConnectionsServed(server.port(), 30);
}

TEST(ProtectionTest, ZeroDisablesALimit) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), Unexempt({{"KALAMDB_RATE_LIMIT_MAX_REQUESTS_PER_IP_PER_SEC", "0"},
                                                 {"KALAMDB_RATE_LIMIT_MAX_CONNECTIONS_PER_IP", "0"}})))
      << server.output();
  HttpClient first(server.port());
  HttpClient second(server.port());
  for (int i = 0; i < 300; ++i) ASSERT_EQ(first.Request("GET", "/health").status, 200);
  EXPECT_EQ(second.Request("GET", "/health").status, 200);
}

TEST(ProtectionTest, ConnectionLimitPerIp) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), Unexempt({{"KALAMDB_RATE_LIMIT_MAX_CONNECTIONS_PER_IP", "2"}})))
      << server.output();
  HttpClient first(server.port());
  HttpClient second(server.port());
  // A response proves the server has accepted (and counted) each connection.
  ASSERT_EQ(first.Request("GET", "/health").status, 200);
  ASSERT_EQ(second.Request("GET", "/health").status, 200);

  HttpClient third(server.port());
  auto refused = third.Request("GET", "/health", "", {{"X-Request-ID", "third"}});
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.headers["retry-after"], "5");
  EXPECT_EQ(refused.headers["x-request-id"], "third");
  EXPECT_THAT(refused.body, StartsWith(R"({"error":"TOO_MANY_CONNECTIONS","message":")"));
  EXPECT_THAT(refused.body, HasSubstr(R"(","current":2,"max":2})"));
  EXPECT_FALSE(refused.keep_alive);

  // The open connections keep working; closing one frees its place.
  EXPECT_EQ(first.Request("GET", "/health").status, 200);
  second.Close();
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    HttpClient retry(server.port());
    status = retry.Request("GET", "/health").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

TEST(ProtectionTest, TrustedProxyForwardsTheClientAddress) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_SECURITY_TRUSTED_PROXY_RANGES", "127.0.0.0/8,::1/128"},
                                        {"KALAMDB_RATE_LIMIT_MAX_REQUESTS_PER_IP_PER_SEC", "3"}}))
      << server.output();
  HttpClient client(server.port());
  // Behind a trusted proxy the forwarded client decides loopback-ness and counts for rates.
  auto remote_health = client.Request("GET", "/health", "", {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(remote_health.status, 403);
  EXPECT_EQ(client.Request("GET", "/health", "", {{"X-Real-IP", "203.0.113.10"}}).status, 403);
  // The right-most untrusted entry is the client; what it claimed further left is ignored.
  EXPECT_EQ(client.Request("GET", "/health", "", {{"X-Forwarded-For", "127.0.0.1, 203.0.113.11"}}).status, 403);
  EXPECT_EQ(client.Request("GET", "/health", "", {{"X-Forwarded-For", "203.0.113.12, 127.0.0.1"}}).status, 403);

  bool limited = false;
  for (int i = 0; i < 20 && !limited; ++i) {
    auto r = client.Request("GET", "/health", "", {{"X-Forwarded-For", "198.51.100.7"}});
    if (r.status == 429) {
      limited = true;
      EXPECT_EQ(r.body, kRateLimited);
    }
  }
  EXPECT_TRUE(limited);
  // Another forwarded client has its own budget, and the proxy itself (loopback) is exempt.
  auto other = client.Request("GET", "/health", "", {{"X-Forwarded-For", "198.51.100.8"}});
  EXPECT_EQ(other.status, 403);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client.Request("GET", "/health").status, 200);

  // X-Forwarded-Proto: https from a trusted proxy makes the auth cookies Secure.
  auto login = client.Request("POST", "/v1/api/auth/login", R"({"user":"root","password":"kalamdb123"})",
                              {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(login.status, 200) << login.body;
  ASSERT_EQ(login.set_cookies.size(), 2u);
  for (const std::string& cookie : login.set_cookies) EXPECT_THAT(cookie, HasSubstr("; Secure"));
}

TEST(ProtectionTest, ForwardingHeadersFromUntrustedPeersAreIgnored) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {})) << server.output();
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/health", "", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
  auto login = client.Request("POST", "/v1/api/auth/login", R"({"user":"root","password":"kalamdb123"})",
                              {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(login.status, 200);
  ASSERT_EQ(login.set_cookies.size(), 2u);
  for (const std::string& cookie : login.set_cookies) EXPECT_THAT(cookie, Not(HasSubstr("Secure")));
}

TEST(ProtectionTest, InvalidTrustedProxyRangeStopsStartup) {
  TempDir dir;
  ServerProcess server;
  EXPECT_FALSE(server.Start(dir.path(), {{"KALAMDB_SECURITY_TRUSTED_PROXY_RANGES", "10.0.0.0/33"}}));
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(10)), 1);
  EXPECT_THAT(server.output(),
              HasSubstr("invalid value for security.trusted_proxy_ranges: '10.0.0.0/33' is not an address or CIDR block"));
}

TEST(ProtectionTest, PerUserQueryRate) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC", "3"}})) << server.output();
  HttpClient client(server.port());
  int ok = 0, limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = client.Sql(R"({"sql":"SELECT 1"})");
    if (r.status == 200) {
      ++ok;
    } else {
      ++limited;
      EXPECT_EQ(r.status, 429);
      EXPECT_THAT(r.body, StartsWith(R"({"status":"error","results":[],"took":)"));
      EXPECT_THAT(r.body, HasSubstr(R"("error":{"code":"RATE_LIMIT_EXCEEDED","message":")"));
      EXPECT_EQ(r.headers["retry-after"], "1");
    }
  }
  EXPECT_GE(ok, 3);
  EXPECT_GT(limited, 0);
  // Auth comes first: a bad password is 401, not 429, however busy the user is.
  auto bad = client.Sql(R"({"sql":"SELECT 1"})", "Basic cm9vdDp3cm9uZw==");
  EXPECT_EQ(bad.status, 401);
  // Health and auth routes are not SQL queries.
  EXPECT_EQ(client.Request("GET", "/health").status, 200);
}

TEST(ProtectionTest, BodyTooLarge) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_LIMITS_REQUEST_BODY_LIMIT_BYTES", "1000"}})) << server.output();
  HttpClient client(server.port());
  const std::string body = R"({"sql":"SELECT ')" + std::string(2000 - 19, 'x') + R"('"})";
  ASSERT_EQ(body.size(), 2000u);
  auto r = client.Sql(body);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body,
            R"({"error":"BODY_TOO_LARGE","message":"Request body exceeds the limit of 1000 bytes",)"
            R"("size_bytes":2000,"max_bytes":1000})");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_FALSE(r.headers["x-request-id"].empty());
  // A body at the limit is fine.
  const std::string fits = R"({"sql":"SELECT ')" + std::string(1000 - 19, 'x') + R"('"})";
  EXPECT_EQ(client.Sql(fits).status, 200);
}

}  // namespace
}  // namespace kalam::testing
