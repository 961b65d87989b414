// The auth routes of the real kalamdb-server (docs/http-api.md): login, refresh,
// logout, me, status and setup with every documented error; JWT checks on the SQL endpoint;
// cookies; CORS; X-Request-ID; and what the access log may and may not contain.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>

#include <chrono>
#include <ctime>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "kalam/auth/base64.h"
#include "kalam/auth/jwt.h"
#include "support/failpoint_file.h"
#include "support/http_client.h"
#include "support/json_fields.h"
#include "support/server_process.h"

namespace kalam::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kSecret = "e2e-test-secret-0123456789abcdef0123456789";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

// Environment of a server whose tokens the tests can forge, and whose per-IP auth rate does
// not get in the way of tests that log in many times.
std::map<std::string, std::string> BaseEnv(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env = {{"KALAMDB_JWT_SECRET", kSecret},
                                            {"KALAMDB_RATE_LIMIT_MAX_AUTH_REQUESTS_PER_IP_PER_SEC", "10000"}};
  for (auto& [k, v] : extra) env[k] = v;
  return env;
}

std::string Basic(const std::string& user, const std::string& password) {
  return "Basic " + auth::Base64Encode(user + ":" + password);
}

HttpResult Login(HttpClient& client, const std::string& user, const std::string& password) {
  return client.Request("POST", "/v1/api/auth/login", R"({"user":")" + user + R"(","password":")" + password + R"("})",
                        kJson);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "2026-05-01T10:00:00+00:00" → seconds since the epoch (-1 if malformed).
int64_t ParseRfc3339(const std::string& text) {
  static const std::regex kFormat(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00)");
  if (!std::regex_match(text, kFormat)) return -1;
  struct tm tm = {};
  strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return static_cast<int64_t>(timegm(&tm));
}

std::string AuthErrorBody(const std::string& kind, const std::string& message) {
  return R"({"error":")" + kind + R"(","message":")" + message + R"("})";
}

const std::string& FindCookie(const HttpResult& result, const std::string& name) {
  static const std::string kNone;
  std::string ignored;
  for (const std::string& cookie : result.set_cookies) {
    if (CookieValue(cookie, name, &ignored)) return cookie;
  }
  return kNone;
}

std::string CookieOf(const HttpResult& result, const std::string& name) {
  std::string value;
  CookieValue(FindCookie(result, name), name, &value);
  return value;
}

// A non-loopback IPv4 address of this machine, if it has one that is up.
std::optional<std::string> NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* it = list; it != nullptr && !found; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_UP) == 0 || (it->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(it->ifa_addr)->sin_addr, text, sizeof text);
    found = text;
  }
  freeifaddrs(list);
  return found;
}

// One server shared by the tests that do not change global state.
// Starts `server` with BaseEnv() plus `env` and creates the user alice.
void StartWithAlice(ServerProcess& server, const TempDir& dir, std::map<std::string, std::string> env = {}) {
  ASSERT_TRUE(server.Start(dir.path(), BaseEnv(std::move(env)))) << server.output();
  HttpClient client(server.port());
  auto created =
      client.Sql(R"({"sql":"CREATE USER 'alice' WITH PASSWORD 'Secret123!' ROLE 'user' EMAIL 'alice@example.com'"})");
  if (created.status != 200) {
    created = client.Sql(R"({"sql":"CREATE USER 'alice' WITH PASSWORD 'Secret123!' ROLE 'user'"})");
  }
  ASSERT_EQ(created.status, 200) << created.body;
}

class AuthRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess();
    StartWithAlice(*server_, *dir_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  HttpClient Client() { return HttpClient(server_->port()); }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* AuthRoutesTest::dir_ = nullptr;
ServerProcess* AuthRoutesTest::server_ = nullptr;

// A server of the failpoint build, whose clock a test moves on (src/server/failpoint_control.h):
// tokens carry whole-second times, and a second passes in the time it takes to say so.
class AuthRoutesClockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.UseBinary(KALAMDB_FAILPOINTS_SERVER_BINARY);
    StartWithAlice(server_, dir_, {{"KALAMDB_FAILPOINTS_FILE", control_.path()}});
  }
  HttpClient Client() { return HttpClient(server_.port()); }

  TempDir dir_;
  TempDir control_dir_;
  FailpointFile control_{control_dir_.path() + "/control"};
  ServerProcess server_;
};

TEST_F(AuthRoutesTest, LoginReturnsTheDocumentedBodyAndCookies) {
  HttpClient client = Client();
  const int64_t before = NowSeconds();
  auto login = Login(client, "alice", "Secret123!");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_THAT(login.body, StartsWith(R"({"user":{"id":"alice","role":"user","email":)"));
  EXPECT_THAT(login.body, HasSubstr(R"("admin_ui_access":false,"expires_at":")"));
  const std::string access = JsonString(login.body, "access_token");
  const std::string refresh = JsonString(login.body, "refresh_token");
  ASSERT_FALSE(access.empty());
  ASSERT_FALSE(refresh.empty());
  EXPECT_NE(access, refresh);
  // Access tokens last jwt_expiry_hours (24 h), refresh tokens 7 times that.
  const int64_t expires = ParseRfc3339(JsonString(login.body, "expires_at"));
  const int64_t refresh_expires = ParseRfc3339(JsonString(login.body, "refresh_expires_at"));
  EXPECT_NEAR(static_cast<double>(expires - before), 24 * 3600, 5);
  EXPECT_NEAR(static_cast<double>(refresh_expires - before), 7 * 24 * 3600, 5);
  EXPECT_GT(ParseRfc3339(JsonString(login.body, "created_at")), 0);
  EXPECT_GT(ParseRfc3339(JsonString(login.body, "updated_at")), 0);
  EXPECT_EQ(login.headers["content-type"], "application/json");

  // Cookies: access and refresh, HttpOnly, SameSite=Strict, Path=/, Max-Age; no Secure on plain HTTP.
  ASSERT_EQ(login.set_cookies.size(), 2u);
  const std::string& auth_cookie = FindCookie(login, "kalamdb_auth");
  const std::string& refresh_cookie = FindCookie(login, "kalamdb_refresh");
  EXPECT_EQ(CookieOf(login, "kalamdb_auth"), access);
  EXPECT_EQ(CookieOf(login, "kalamdb_refresh"), refresh);
  for (const std::string* cookie : {&auth_cookie, &refresh_cookie}) {
    EXPECT_THAT(*cookie, AllOf(HasSubstr("; HttpOnly"), HasSubstr("; SameSite=Strict"), HasSubstr("; Path=/")));
    EXPECT_THAT(*cookie, Not(HasSubstr("Secure")));
  }
  EXPECT_THAT(auth_cookie, HasSubstr("; Max-Age=86400"));
  EXPECT_THAT(refresh_cookie, HasSubstr("; Max-Age=604800"));

  // The access token works on the SQL endpoint; login recorded last_login_at.
  auto sql = client.Sql(R"j({"sql":"SELECT CURRENT_USER()"})j", "Bearer " + access);
  EXPECT_EQ(sql.status, 200) << sql.body;
  auto root = client.Sql(R"({"sql":"SELECT last_login_at IS NOT NULL FROM system.users WHERE user_id = 'alice'"})");
  EXPECT_THAT(root.body, HasSubstr(R"("rows":[[true]])")) << root.body;

  // `username` is an alias of `user`.
  auto alias = client.Request("POST", "/v1/api/auth/login", R"({"username":"alice","password":"Secret123!"})", kJson);
  EXPECT_EQ(alias.status, 200) << alias.body;

  // Root is an admin.
  auto as_root = Login(client, "root", "kalamdb123");
  ASSERT_EQ(as_root.status, 200) << as_root.body;
  EXPECT_THAT(as_root.body, HasSubstr(R"("id":"root","role":"system","email":"root@localhost")"));
  EXPECT_THAT(as_root.body, HasSubstr(R"("admin_ui_access":true)"));
}

TEST_F(AuthRoutesTest, LoginErrors) {
  HttpClient client = Client();
  const std::string invalid = AuthErrorBody("unauthorized", "Invalid credentials");
  auto wrong = Login(client, "alice", "wrong-password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, invalid);
  auto unknown = Login(client, "nobody", "Secret123!");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, invalid);
  // The two failures cannot be told apart; neither sets a cookie.
  EXPECT_TRUE(wrong.set_cookies.empty());

  auto bad = [&](const std::string& body) {
    auto r = client.Request("POST", "/v1/api/auth/login", body, kJson);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(JsonString(r.body, "error"), "bad_request") << r.body;
  };
  bad(R"({"user":"alice","password":"Secret123!","remember":true})");
  bad(R"({"user":"alice"})");
  bad(R"({"password":"Secret123!"})");
  bad(R"({"user":"alice","password":42})");
  bad("not json");
  bad("[]");
  bad(R"({"user":")" + std::string(129, 'a') + R"(","password":"x"})");
  bad(R"({"user":"alice","password":")" + std::string(257, 'p') + R"("})");
  // At the limits it is an ordinary failed login.
  auto at_limit = Login(client, std::string(128, 'a'), std::string(256, 'p'));
  EXPECT_EQ(at_limit.status, 401);

  auto get = client.Request("GET", "/v1/api/auth/login");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(JsonString(get.body, "error"), "METHOD_NOT_ALLOWED");
}

TEST_F(AuthRoutesClockTest, RefreshRotatesAndChecksTheTokenType) {
  HttpClient client = Client();
  auto login = Login(client, "alice", "Secret123!");
  ASSERT_EQ(login.status, 200);
  const std::string access = JsonString(login.body, "access_token");
  const std::string refresh = JsonString(login.body, "refresh_token");
  // Tokens carry whole-second timestamps: a second on, the new pair differs from the old one.
  ASSERT_TRUE(control_.AdvanceClock(std::chrono::seconds(1)));

  auto by_cookie = client.Request("POST", "/v1/api/auth/refresh", "", {{"Cookie", "kalamdb_refresh=" + refresh}});
  ASSERT_EQ(by_cookie.status, 200) << by_cookie.body;
  EXPECT_THAT(by_cookie.body, StartsWith(R"({"user":{"id":"alice","role":"user")"));
  const std::string new_access = JsonString(by_cookie.body, "access_token");
  const std::string new_refresh = JsonString(by_cookie.body, "refresh_token");
  EXPECT_NE(new_access, access);
  EXPECT_NE(new_refresh, refresh);
  EXPECT_EQ(CookieOf(by_cookie, "kalamdb_auth"), new_access);
  EXPECT_EQ(CookieOf(by_cookie, "kalamdb_refresh"), new_refresh);
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + new_access).status, 200);

  auto by_bearer = client.Request("POST", "/v1/api/auth/refresh", "", {{"Authorization", "Bearer " + new_refresh}});
  EXPECT_EQ(by_bearer.status, 200) << by_bearer.body;
  // Clients without cookies send the token in a JSON body.
  auto by_body = client.Request("POST", "/v1/api/auth/refresh", R"({"refresh_token":")" + new_refresh + R"("})");
  EXPECT_EQ(by_body.status, 200) << by_body.body;
  EXPECT_THAT(by_body.body, StartsWith(R"({"user":{"id":"alice","role":"user")"));
  auto body_not_json = client.Request("POST", "/v1/api/auth/refresh", "not json");
  EXPECT_EQ(body_not_json.status, 400);
  EXPECT_EQ(JsonString(body_not_json.body, "error"), "bad_request");
  auto body_with_access = client.Request("POST", "/v1/api/auth/refresh", R"({"refresh_token":")" + access + R"("})");
  EXPECT_EQ(body_with_access.status, 401);
  // The cookie wins over the header.
  auto both = client.Request("POST", "/v1/api/auth/refresh", "",
                             {{"Cookie", "theme=dark; kalamdb_refresh=" + refresh}, {"Authorization", "Bearer junk"}});
  EXPECT_EQ(both.status, 200) << both.body;

  const std::string needs_refresh = AuthErrorBody("unauthorized", "Refresh endpoint requires a refresh token");
  auto none = client.Request("POST", "/v1/api/auth/refresh");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body, needs_refresh);
  auto with_access = client.Request("POST", "/v1/api/auth/refresh", "", {{"Authorization", "Bearer " + access}});
  EXPECT_EQ(with_access.status, 401);
  EXPECT_EQ(with_access.body, needs_refresh);
  auto basic = client.Request("POST", "/v1/api/auth/refresh", "", {{"Authorization", Basic("alice", "Secret123!")}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(basic.body, needs_refresh);
  auto garbage = client.Request("POST", "/v1/api/auth/refresh", "", {{"Cookie", "kalamdb_refresh=abc.def.ghi"}});
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(JsonString(garbage.body, "error"), "unauthorized");

  // A refresh token is not an access token.
  auto refresh_as_access = client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + refresh);
  EXPECT_EQ(refresh_as_access.status, 401);
  EXPECT_THAT(refresh_as_access.body,
              HasSubstr(R"("error":{"code":"INVALID_CREDENTIALS","message":"Invalid credentials"})"));
  auto me_with_refresh = client.Request("GET", "/v1/api/auth/me", "", {{"Authorization", "Bearer " + refresh}});
  EXPECT_EQ(me_with_refresh.status, 401);
}

TEST_F(AuthRoutesTest, RefreshRefusesAChangedRoleOrDeletedUser) {
  HttpClient client = Client();
  ASSERT_EQ(client.Sql(R"({"sql":"CREATE USER 'bob' WITH PASSWORD 'Secret123!' ROLE 'user'"})").status, 200);
  auto login = Login(client, "bob", "Secret123!");
  ASSERT_EQ(login.status, 200);
  const std::string refresh = JsonString(login.body, "refresh_token");
  // No time needs to pass: the token carries the exact time of the last credentials change
  // (kcc), which the role change moves.
  auto altered = client.Sql(R"({"sql":"ALTER USER 'bob' SET ROLE 'service'"})");
  ASSERT_EQ(altered.status, 200) << altered.body;
  auto stale = client.Request("POST", "/v1/api/auth/refresh", "", {{"Authorization", "Bearer " + refresh}});
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(JsonString(stale.body, "error"), "unauthorized");

  auto again = Login(client, "bob", "Secret123!");
  ASSERT_EQ(again.status, 200);
  EXPECT_THAT(again.body, HasSubstr(R"("role":"service")"));
  ASSERT_EQ(client.Sql(R"({"sql":"DROP USER 'bob'"})").status, 200);
  auto deleted = client.Request("POST", "/v1/api/auth/refresh", "",
                                {{"Authorization", "Bearer " + JsonString(again.body, "refresh_token")}});
  EXPECT_EQ(deleted.status, 401);
  EXPECT_EQ(Login(client, "bob", "Secret123!").body, AuthErrorBody("unauthorized", "Invalid credentials"));
}

TEST_F(AuthRoutesTest, SqlEndpointChecksTokensAndBasicCredentials) {
  HttpClient client = Client();
  const int64_t now = NowSeconds();
  auth::JwtClaims claims;
  claims.sub = "alice";
  claims.role = "user";
  claims.iat = now - 7200;
  claims.exp = now - 3600;
  auto expired = client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + auth::SignJwt(claims, kSecret));
  EXPECT_EQ(expired.status, 401);
  EXPECT_THAT(expired.body, HasSubstr(R"("error":{"code":"TOKEN_EXPIRED","message":"Token expired"})"));
  EXPECT_EQ(expired.headers["www-authenticate"], "Bearer realm=\"kalamdb\"");

  // Valid claims under a foreign key, and the same claims unsigned with alg "none".
  claims.iat = now;
  claims.exp = now + 3600;
  const std::string good = auth::SignJwt(claims, kSecret);
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + good).status, 200);
  const std::string invalid = R"("error":{"code":"INVALID_CREDENTIALS","message":"Invalid credentials"})";
  auto wrong_key =
      client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + auth::SignJwt(claims, "another-secret-0123456789abcdef012345"));
  EXPECT_EQ(wrong_key.status, 401);
  EXPECT_THAT(wrong_key.body, HasSubstr(invalid));
  const std::string payload = good.substr(good.find('.') + 1, good.rfind('.') - good.find('.') - 1);
  const std::string none = auth::Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + payload + ".";
  auto alg_none = client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + none);
  EXPECT_EQ(alg_none.status, 401);
  EXPECT_THAT(alg_none.body, HasSubstr(invalid));
  // A role claim that is not the stored role.
  claims.role = "dba";
  auto wrong_role = client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + auth::SignJwt(claims, kSecret));
  EXPECT_EQ(wrong_role.status, 401);
  EXPECT_THAT(wrong_role.body, HasSubstr(invalid));

  auto basic = client.Sql(R"j({"sql":"SELECT CURRENT_USER()"})j", Basic("alice", "Secret123!"));
  EXPECT_EQ(basic.status, 200) << basic.body;
  EXPECT_THAT(basic.body, HasSubstr(R"("as_user":"alice")"));
  auto bad_basic = client.Sql(R"({"sql":"SELECT 1"})", Basic("alice", "nope"));
  EXPECT_EQ(bad_basic.status, 401);
  EXPECT_THAT(bad_basic.body, HasSubstr(invalid));
  auto other_scheme = client.Sql(R"({"sql":"SELECT 1"})", "Digest abc");
  EXPECT_EQ(other_scheme.status, 401);
  EXPECT_THAT(other_scheme.body, HasSubstr(invalid));
}

// Within the same second too: a token names the credential change it was issued after.
TEST_F(AuthRoutesTest, TokenIssuedBeforeAPasswordChangeIsRefused) {
  HttpClient client = Client();
  ASSERT_EQ(client.Sql(R"({"sql":"CREATE USER 'carol' WITH PASSWORD 'Secret123!' ROLE 'user'"})").status, 200);
  auto before = Login(client, "carol", "Secret123!");
  ASSERT_EQ(before.status, 200) << before.body;
  const std::string access = "Bearer " + JsonString(before.body, "access_token");
  const std::string refresh = "Bearer " + JsonString(before.body, "refresh_token");
  ASSERT_EQ(client.Sql(R"({"sql":"SELECT 1"})", access).status, 200);
  ASSERT_EQ(client.Sql(R"({"sql":"ALTER USER 'carol' SET PASSWORD 'Changed456!'"})").status, 200);
  auto stale = client.Sql(R"({"sql":"SELECT 1"})", access);
  EXPECT_EQ(stale.status, 401);
  EXPECT_THAT(stale.body, HasSubstr(R"("error":{"code":"INVALID_CREDENTIALS","message":"Invalid credentials"})"));
  EXPECT_EQ(client.Request("POST", "/v1/api/auth/refresh", "", {{"Authorization", refresh}}).status, 401);
  // A login with the new password works at once.
  auto after = Login(client, "carol", "Changed456!");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + JsonString(after.body, "access_token")).status, 200);
}

TEST_F(AuthRoutesTest, MeAndLogout) {
  HttpClient client = Client();
  auto login = Login(client, "alice", "Secret123!");
  ASSERT_EQ(login.status, 200);
  const std::string access = JsonString(login.body, "access_token");

  auto me = client.Request("GET", "/v1/api/auth/me", "", {{"Authorization", "Bearer " + access}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_THAT(me.body, StartsWith(R"({"user":{"id":"alice","role":"user","email":)"));
  EXPECT_THAT(me.body, HasSubstr(R"(},"admin_ui_access":false})"));
  EXPECT_EQ(JsonString(me.body, "created_at"), JsonString(login.body, "created_at"));

  auto by_cookie = client.Request("GET", "/v1/api/auth/me", "", {{"Cookie", "kalamdb_auth=" + access}});
  EXPECT_EQ(by_cookie.status, 200) << by_cookie.body;
  EXPECT_EQ(by_cookie.body, me.body);

  auto anonymous = client.Request("GET", "/v1/api/auth/me");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(JsonString(anonymous.body, "error"), "unauthorized");
  auto basic = client.Request("GET", "/v1/api/auth/me", "", {{"Authorization", Basic("alice", "Secret123!")}});
  EXPECT_EQ(basic.status, 401);
  auto forged = client.Request("GET", "/v1/api/auth/me", "", {{"Cookie", "kalamdb_auth=" + access + "x"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(client.Request("POST", "/v1/api/auth/me").status, 405);

  auto as_root = Login(client, "root", "kalamdb123");
  auto root_me = client.Request("GET", "/v1/api/auth/me", "",
                                {{"Authorization", "Bearer " + JsonString(as_root.body, "access_token")}});
  EXPECT_THAT(root_me.body, HasSubstr(R"("admin_ui_access":true)"));

  auto logout = client.Request("POST", "/v1/api/auth/logout", "", {{"Cookie", "kalamdb_auth=" + access}});
  EXPECT_EQ(logout.status, 200);
  EXPECT_EQ(logout.body, R"({"message":"Logged out successfully"})");
  ASSERT_EQ(logout.set_cookies.size(), 2u);
  for (const std::string name : {"kalamdb_auth", "kalamdb_refresh"}) {
    const std::string& cookie = FindCookie(logout, name);
    EXPECT_THAT(cookie, StartsWith(name + "=;"));
    EXPECT_THAT(cookie, AllOf(HasSubstr("; Max-Age=0"), HasSubstr("; HttpOnly"), HasSubstr("; SameSite=Strict"),
                              HasSubstr("; Path=/")));
  }
  // Logging out needs no credentials.
  EXPECT_EQ(client.Request("POST", "/v1/api/auth/logout").status, 200);
}

TEST_F(AuthRoutesTest, StatusAndSetupOnAConfiguredServer) {
  HttpClient client = Client();
  auto status = client.Request("GET", "/v1/api/auth/status");
  EXPECT_EQ(status.status, 200);
  EXPECT_THAT(status.body, StartsWith(R"({"needs_setup":false,"message":")"));
  auto setup = client.Request("POST", "/v1/api/auth/setup",
                              R"({"user":"admin","password":"Sup3rSecret!","root_password":"R00tSecret!"})", kJson);
  EXPECT_EQ(setup.status, 409);
  EXPECT_EQ(JsonString(setup.body, "error"), "already_configured");
  EXPECT_EQ(client.Request("GET", "/v1/api/auth/setup").status, 405);
}

TEST_F(AuthRoutesTest, CorsPreflightAndHeadersForAnyOrigin) {
  HttpClient client = Client();
  auto preflight = client.Request("OPTIONS", "/v1/api/sql", "",
                                  {{"Origin", "https://app.example"},
                                   {"Access-Control-Request-Method", "POST"},
                                   {"Access-Control-Request-Headers", "authorization, content-type"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.body, "");
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "https://app.example");
  EXPECT_EQ(preflight.headers["access-control-allow-credentials"], "true");
  EXPECT_EQ(preflight.headers["access-control-allow-methods"], "GET, POST, OPTIONS");
  EXPECT_EQ(preflight.headers["access-control-allow-headers"], "Authorization, Content-Type, X-Request-ID");

  auto sql = client.Request("POST", "/v1/api/sql", R"({"sql":"SELECT 1"})",
                            {{"Origin", "http://localhost:5173"}, {"Authorization", Basic("root", "kalamdb123")}});
  EXPECT_EQ(sql.status, 200);
  EXPECT_EQ(sql.headers["access-control-allow-origin"], "http://localhost:5173");
  EXPECT_EQ(sql.headers["access-control-allow-credentials"], "true");
  // No Origin, no CORS headers.
  EXPECT_EQ(client.Request("GET", "/health").headers.count("access-control-allow-origin"), 0u);
}

TEST_F(AuthRoutesTest, RequestIdIsEchoedOrGenerated) {
  HttpClient client = Client();
  auto echoed = client.Request("GET", "/health", "", {{"X-Request-ID", "trace-42.a:b_c"}});
  EXPECT_EQ(echoed.headers["x-request-id"], "trace-42.a:b_c");
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  auto generated = client.Request("GET", "/health");
  EXPECT_TRUE(std::regex_match(generated.headers["x-request-id"], kUuid)) << generated.headers["x-request-id"];
  EXPECT_NE(client.Request("GET", "/health").headers["x-request-id"], generated.headers["x-request-id"]);
  // Every kind of answer carries it, errors included.
  EXPECT_EQ(client.Request("GET", "/nope", "", {{"X-Request-ID", "r1"}}).headers["x-request-id"], "r1");
  EXPECT_EQ(client.Request("POST", "/v1/api/sql", "{}", {{"X-Request-ID", "r2"}}).headers["x-request-id"], "r2");
  EXPECT_EQ(client.Request("OPTIONS", "/v1/api/sql", "", {{"X-Request-ID", "r3"}}).headers["x-request-id"], "r3");
  // A value unfit for logs and headers is replaced.
  auto replaced = client.Request("GET", "/health", "", {{"X-Request-ID", "has spaces and \"quotes\""}});
  EXPECT_TRUE(std::regex_match(replaced.headers["x-request-id"], kUuid));
}

TEST(AuthRoutesServerTest, CorsAllowListAdmitsOnlyListedOrigins) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(
      dir.path(), BaseEnv({{"KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS", "https://good.example,https://also.example"}})))
      << server.output();
  HttpClient client(server.port());
  auto good = client.Request("OPTIONS", "/v1/api/auth/login", "",
                             {{"Origin", "https://also.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(good.status, 204);
  EXPECT_EQ(good.headers["access-control-allow-origin"], "https://also.example");
  EXPECT_EQ(good.headers["access-control-allow-credentials"], "true");
  auto evil = client.Request("OPTIONS", "/v1/api/auth/login", "",
                             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(evil.status, 204);
  EXPECT_EQ(evil.headers.count("access-control-allow-origin"), 0u);
  EXPECT_EQ(evil.headers.count("access-control-allow-credentials"), 0u);
  auto evil_get = client.Request("GET", "/health", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(evil_get.status, 200);
  EXPECT_EQ(evil_get.headers.count("access-control-allow-origin"), 0u);
}

TEST(AuthRoutesServerTest, LockoutAfterRepeatedFailures) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_AUTH_LOCKOUT_MINUTES", "2"}}))) << server.output();
  HttpClient client(server.port());
  ASSERT_EQ(client.Sql(R"({"sql":"CREATE USER 'carol' WITH PASSWORD 'Secret123!'"})").status, 200);
  for (int i = 0; i < 5; ++i) {
    auto failed = Login(client, "carol", "wrong");
    ASSERT_EQ(failed.status, 401);
    EXPECT_EQ(JsonString(failed.body, "error"), "unauthorized");
  }
  auto locked = Login(client, "carol", "Secret123!");
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(locked.body, AuthErrorBody("account_locked", "Account locked. Try again in 2 minute(s)"));
  auto basic = client.Sql(R"({"sql":"SELECT 1"})", Basic("carol", "Secret123!"));
  EXPECT_EQ(basic.status, 401);
  EXPECT_THAT(basic.body,
              HasSubstr(R"j("code":"ACCOUNT_LOCKED","message":"Account locked. Try again in 2 minute(s)")j"));
  auto counters = client.Sql(
      R"({"sql":"SELECT failed_login_attempts, locked_until IS NOT NULL FROM system.users WHERE user_id = 'carol'"})");
  EXPECT_THAT(counters.body, HasSubstr(R"("rows":[[5,true]])")) << counters.body;

  // Without the password a locked account cannot be told from a wrong password or an unknown
  // name: same status, same body (docs/http-api.md); and the failures do not extend the lock.
  const std::string invalid = AuthErrorBody("unauthorized", "Invalid credentials");
  for (const char* user : {"carol", "nobody"}) {
    SCOPED_TRACE(user);
    auto login = Login(client, user, "wrong");
    EXPECT_EQ(login.status, 401);
    EXPECT_EQ(login.body, invalid);
    auto sql = client.Sql(R"({"sql":"SELECT 1"})", Basic(user, "wrong"));
    EXPECT_EQ(sql.status, 401);
    EXPECT_THAT(sql.body, HasSubstr(R"j("code":"INVALID_CREDENTIALS","message":"Invalid credentials")j"));
    EXPECT_EQ(sql.headers["www-authenticate"], "Bearer realm=\"kalamdb\"");
  }
  EXPECT_THAT(client.Sql(R"({"sql":"SELECT failed_login_attempts FROM system.users WHERE user_id = 'carol'"})").body,
              HasSubstr(R"("rows":[[5]])"));
}

// 40 wrong Basic passwords at once from one address: once the account locks, the attempts
// still count toward the per-IP auth rate (they used to be answered early, uncounted, so the
// limit never answered 429), and each one beyond the rate is refused with the documented 429.
TEST(AuthRoutesServerTest, ConcurrentWrongBasicPasswordsHitThePerIpAuthRate) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_RATE_LIMIT_MAX_AUTH_REQUESTS_PER_IP_PER_SEC", "10"},
                                                {"KALAMDB_SERVER_WORKERS", "2"}})))
      << server.output();
  HttpClient admin(server.port());
  ASSERT_EQ(admin.Sql(R"({"sql":"CREATE USER 'erin' WITH PASSWORD 'Secret123!'"})").status, 200);

  constexpr int kAttempts = 40;
  std::vector<HttpResult> answers(kAttempts);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(server.port());
      answers[i] = client.Sql(R"({"sql":"SELECT 1"})", Basic("erin", "wrong"));
    });
  }
  for (auto& t : threads) t.join();

  int limited = 0;
  for (const HttpResult& r : answers) {
    if (r.status == 429) {
      ++limited;
      EXPECT_THAT(r.body, HasSubstr(R"j("code":"RATE_LIMIT_EXCEEDED","message":"Too many authentication attempts")j"));
      EXPECT_EQ(r.headers.at("retry-after"), "1");
    } else {
      EXPECT_EQ(r.status, 401) << r.body;
      EXPECT_THAT(r.body, HasSubstr(R"j("code":"INVALID_CREDENTIALS","message":"Invalid credentials")j"));
    }
  }
  EXPECT_GT(limited, 0);
}

TEST(AuthRoutesServerTest, LoginIsRateLimitedPerIpEvenOnLoopback) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_RATE_LIMIT_MAX_AUTH_REQUESTS_PER_IP_PER_SEC", "2"}})))
      << server.output();
  HttpClient client(server.port());
  bool limited = false;
  for (int i = 0; i < 10 && !limited; ++i) {
    auto r = Login(client, "root", "wrong");
    if (r.status == 429) {
      limited = true;
      EXPECT_EQ(r.body, AuthErrorBody("rate_limited", "Too many authentication attempts"));
    } else {
      EXPECT_EQ(r.status, 401);
    }
  }
  EXPECT_TRUE(limited);
}

// A server bound to all interfaces without a root password: root needs setup.
class SetupTest : public ::testing::Test {
 protected:
  bool StartUnconfigured(std::map<std::string, std::string> extra = {}) {
    extra["KALAMDB_ROOT_PASSWORD"] = "";
    return server_.Start(dir_.path(), BaseEnv(extra), {"--host", "0.0.0.0"});
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(SetupTest, SetupFlowFromLoopback) {
  ASSERT_TRUE(StartUnconfigured()) << server_.output();
  EXPECT_THAT(server_.output(), Not(HasSubstr("Generated root password")));
  HttpClient client(server_.port());
  auto status = client.Request("GET", "/v1/api/auth/status");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_THAT(status.body, StartsWith(R"({"needs_setup":true,"message":")"));

  auto root_login = Login(client, "root", "anything");
  EXPECT_EQ(root_login.status, 428);
  EXPECT_EQ(JsonString(root_login.body, "error"), "setup_required");

  auto setup = [&](const std::string& body) { return client.Request("POST", "/v1/api/auth/setup", body, kJson); };
  auto expect_error = [&](const std::string& body, int status, const std::string& kind) {
    auto r = setup(body);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    EXPECT_EQ(JsonString(r.body, "error"), kind) << r.body;
  };
  expect_error(R"({"user":"root","password":"Sup3rSecret!","root_password":"R00tSecret!"})", 400, "invalid_user");
  expect_error(R"({"user":"bad..id","password":"Sup3rSecret!","root_password":"R00tSecret!"})", 400, "invalid_user");
  expect_error(R"({"user":".admin","password":"Sup3rSecret!","root_password":"R00tSecret!"})", 400, "invalid_user");
  // The policy applies to setup even though complexity is not enforced.
  expect_error(R"({"user":"admin","password":"password","root_password":"R00tSecret!"})", 400, "weak_password");
  expect_error(R"({"user":"admin","password":"short","root_password":"R00tSecret!"})", 400, "weak_password");
  expect_error(R"({"user":"admin","password":"Sup3rSecret!","root_password":"12345678"})", 400, "weak_password");
  expect_error(R"({"user":"admin","password":"Sup3rSecret!"})", 400, "bad_request");
  expect_error("nope", 400, "bad_request");
  // Still unconfigured after the failures.
  EXPECT_THAT(client.Request("GET", "/v1/api/auth/status").body, HasSubstr(R"("needs_setup":true)"));

  auto done =
      setup(R"({"user":"admin","password":"Sup3rSecret!","root_password":"R00tSecret!","email":"admin@example.com"})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_THAT(done.body,
              StartsWith(R"({"user":{"id":"admin","role":"dba","email":"admin@example.com","created_at":")"));
  EXPECT_THAT(done.body, HasSubstr(R"(},"message":"Server setup complete"})"));
  EXPECT_TRUE(done.set_cookies.empty());  // setup does not log in
  EXPECT_THAT(done.body, Not(HasSubstr("token")));

  EXPECT_THAT(client.Request("GET", "/v1/api/auth/status").body, StartsWith(R"({"needs_setup":false,)"));
  auto again = setup(R"({"user":"other","password":"Sup3rSecret!","root_password":"R00tSecret!"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(JsonString(again.body, "error"), "already_configured");

  auto admin = Login(client, "admin", "Sup3rSecret!");
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_THAT(admin.body, HasSubstr(R"("role":"dba")"));
  EXPECT_THAT(admin.body, HasSubstr(R"("admin_ui_access":true)"));
  EXPECT_EQ(Login(client, "root", "R00tSecret!").status, 200);
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", Basic("root", "R00tSecret!")).status, 200);
}

// A remote client is simulated through a trusted proxy on loopback that forwards for a
// documentation address, so the test runs on any machine (no second interface needed).
const std::map<std::string, std::string> kRemoteViaProxy = {{"X-Forwarded-For", "203.0.113.9"}};
const std::map<std::string, std::string> kTrustLoopbackProxy = {
    {"KALAMDB_SECURITY_TRUSTED_PROXY_RANGES", "127.0.0.1/32"}};

TEST_F(SetupTest, StatusAndSetupAreLoopbackOnly) {
  ASSERT_TRUE(StartUnconfigured(kTrustLoopbackProxy)) << server_.output();
  HttpClient client(server_.port());
  auto status = client.Request("GET", "/v1/api/auth/status", "", kRemoteViaProxy);
  EXPECT_EQ(status.status, 403);
  EXPECT_EQ(JsonString(status.body, "error"), "forbidden");
  auto headers = kRemoteViaProxy;
  headers.insert(kJson.begin(), kJson.end());
  auto setup = client.Request("POST", "/v1/api/auth/setup",
                              R"({"user":"admin","password":"Sup3rSecret!","root_password":"R00tSecret!"})", headers);
  EXPECT_EQ(setup.status, 403);
  EXPECT_EQ(JsonString(setup.body, "error"), "forbidden");
  auto health = client.Request("GET", "/health", "", kRemoteViaProxy);
  EXPECT_EQ(health.status, 403);
  EXPECT_EQ(health.body, R"({"error":"Access denied. Health endpoint is localhost-only."})");
  // Loopback itself still may.
  EXPECT_EQ(client.Request("GET", "/v1/api/auth/status").status, 200);
}

// Forwarding headers count only from a trusted proxy: a real remote peer cannot claim loopback.
TEST_F(SetupTest, SpoofedForwardingHeadersFromARemotePeerChangeNothing) {
  const auto address = NonLoopbackAddress();
  if (!address) GTEST_SKIP() << "this machine has no non-loopback IPv4 address to connect from";
  ASSERT_TRUE(StartUnconfigured()) << server_.output();
  HttpClient remote(server_.port(), *address);
  EXPECT_EQ(remote.Request("GET", "/v1/api/auth/status").status, 403);
  auto spoofed = remote.Request("GET", "/v1/api/auth/status", "", {{"X-Forwarded-For", "127.0.0.1"}});
  EXPECT_EQ(spoofed.status, 403);
  auto health = remote.Request("GET", "/health", "", {{"X-Real-IP", "127.0.0.1"}});
  EXPECT_EQ(health.status, 403);
}

TEST_F(SetupTest, RemoteSetupWhenAllowed) {
  auto env = kTrustLoopbackProxy;
  env["KALAMDB_AUTH_ALLOW_REMOTE_SETUP"] = "true";
  ASSERT_TRUE(StartUnconfigured(env)) << server_.output();
  HttpClient client(server_.port());
  auto status = client.Request("GET", "/v1/api/auth/status", "", kRemoteViaProxy);
  EXPECT_EQ(status.status, 200);
  EXPECT_THAT(status.body, HasSubstr(R"("needs_setup":true)"));
}

TEST(AuthRoutesServerTest, RootPasswordRotatedAtRestartInvalidatesOldTokens) {
  TempDir dir;
  std::string token;
  {
    ServerProcess server;
    ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_ROOT_PASSWORD", "FirstRoot123!"}}))) << server.output();
    HttpClient client(server.port());
    // Issued a minute ago, so the rotation below is certainly later (tokens carry whole seconds).
    auth::JwtClaims claims;
    claims.sub = "root";
    claims.role = "system";
    claims.iat = NowSeconds() - 60;
    claims.exp = NowSeconds() + 3600;
    token = "Bearer " + auth::SignJwt(claims, kSecret);
    ASSERT_EQ(client.Sql(R"({"sql":"SELECT 1"})", token).status, 200);
    ASSERT_EQ(server.Stop(), 0);
  }
  {
    // Same password at restart: nothing rotates, the token stays valid.
    ServerProcess server;
    ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_ROOT_PASSWORD", "FirstRoot123!"}}))) << server.output();
    HttpClient client(server.port());
    EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", token).status, 200);
    ASSERT_EQ(server.Stop(), 0);
  }
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), BaseEnv({{"KALAMDB_ROOT_PASSWORD", "SecondRoot456!"}}))) << server.output();
  HttpClient client(server.port());
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", token).status, 401);
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", Basic("root", "FirstRoot123!")).status, 401);
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", Basic("root", "SecondRoot456!")).status, 200);
}

TEST(AuthRoutesServerTest, GeneratedJwtSecretPersistsAcrossRestarts) {
  TempDir dir;
  std::string token;
  {
    ServerProcess server;
    // No jwt.secret configured: the server generates one and keeps it in the data directory.
    ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_JWT_SECRET", ""}})) << server.output();
    HttpClient client(server.port());
    auto login = Login(client, "root", "kalamdb123");
    ASSERT_EQ(login.status, 200) << login.body;
    token = "Bearer " + JsonString(login.body, "access_token");
    ASSERT_EQ(client.Sql(R"({"sql":"SELECT 1"})", token).status, 200);
    ASSERT_EQ(server.Stop(), 0);
  }
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(), {{"KALAMDB_JWT_SECRET", ""}})) << server.output();
  HttpClient client(server.port());
  auto after = client.Sql(R"({"sql":"SELECT 1"})", token);
  EXPECT_EQ(after.status, 200) << after.body;
  // And it is not a well-known value: a token signed with the test suite's secret is refused.
  auth::JwtClaims claims;
  claims.sub = "root";
  claims.role = "system";
  claims.iat = NowSeconds();
  claims.exp = NowSeconds() + 3600;
  EXPECT_EQ(client.Sql(R"({"sql":"SELECT 1"})", "Bearer " + auth::SignJwt(claims, kSecret)).status, 401);
}

TEST(AuthRoutesServerTest, AccessLogHasOneLinePerRequestAndNoSecrets) {
  TempDir dir;
  ServerProcess server;
  ASSERT_TRUE(server.Start(dir.path(),
                           BaseEnv({{"KALAMDB_LOG_LEVEL", "info"}, {"KALAMDB_LOGGING_SLOW_QUERY_THRESHOLD_MS", "1"}})))
      << server.output();
  HttpClient client(server.port());
  auto login = client.Request("POST", "/v1/api/auth/login", R"({"user":"root","password":"kalamdb123"})",
                              {{"X-Request-ID", "login-1"}});
  ASSERT_EQ(login.status, 200);
  const std::string token = JsonString(login.body, "access_token");
  auto sql = client.Request(
      "POST", "/v1/api/sql",
      R"({"sql":"CREATE NAMESPACE logs_ns; CREATE USER 'dave' WITH PASSWORD 'DaveSecret9!'; SELECT 'literal-in-sql'"})",
      {{"Authorization", "Bearer " + token}, {"X-Request-ID", "sql-1"}});
  ASSERT_EQ(sql.status, 200) << sql.body;

  std::string log;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    log = server.AllOutput();
    // The slow-request warning is the last line the request writes.
    if (log.find("slow request id=sql-1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_THAT(
      log, HasSubstr("request id=login-1 client=127.0.0.1 method=POST path=/v1/api/auth/login status=200 user=root"));
  EXPECT_THAT(log, HasSubstr("request id=sql-1 client=127.0.0.1 method=POST path=/v1/api/sql status=200 user=root "
                             "statements=CREATE NAMESPACE,CREATE USER,SELECT duration_ms="));
  EXPECT_THAT(log, HasSubstr("slow request id=sql-1"));
  for (const std::string& secret : {std::string("kalamdb123"), std::string("DaveSecret9!"), token,
                                    std::string("literal-in-sql"), std::string(kSecret)}) {
    EXPECT_THAT(log, Not(HasSubstr(secret)));
  }
}

}  // namespace
}  // namespace kalam::testing
