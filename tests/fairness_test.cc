// One user's heavy statements against everyone else (docs/http-api.md, docs/configuration.md
// `[limits]`): statements run on the worker pool, at most max_concurrent_statements_per_user
// of one user at a time, so the I/O threads keep answering /health, WebSocket pings and other
// users' statements while a user's statements run for seconds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "kalam/auth/base64.h"
#include "support/http_client.h"
#include "support/json_fields.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* kPassword = "Secret123!";
// Runs until the statement timeout interrupts it.
constexpr const char* kEndlessQuery = R"j({"sql":"SELECT count(*) FROM range(1000000000000)"})j";

std::string Basic(const std::string& user, const std::string& password) {
  return "Basic " + auth::Base64Encode(user + ":" + password);
}

bool Ready(const std::future<HttpResult>& f) { return f.wait_for(0s) == std::future_status::ready; }

class FairnessTest : public ::testing::Test {
 protected:
  void StartServer(std::map<std::string, std::string> env) {
    ASSERT_TRUE(server_.Start(dir_.path(), std::move(env))) << server_.output();
    HttpClient root(server_.port());
    const std::string setup =
        R"j({"sql":"CREATE NAMESPACE app; CREATE USER TABLE app.messages (id BIGINT PRIMARY KEY, body TEXT); )j"
        R"j(CREATE USER heavy WITH PASSWORD 'Secret123!'; CREATE USER light WITH PASSWORD 'Secret123!'"})j";
    HttpResult r = root.Sql(setup);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Starts `n` endless statements of user heavy, each on its own connection.
  std::vector<std::future<HttpResult>> StartEndless(int n) {
    std::vector<std::future<HttpResult>> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(std::async(std::launch::async, [port = server_.port()] {
        HttpClient client(port);
        // Refused while the probe below holds one of heavy's slots for an instant: try again.
        HttpResult r;
        do {
          r = client.Sql(kEndlessQuery, Basic("heavy", kPassword));
        } while (r.status == 429);
        return r;
      }));
    }
    return out;
  }

  // Polls with one more statement of user heavy until the server refuses it because heavy's
  // allowance is in use: proof that the endless statements are running now (the probe is
  // refused only while two other statements of heavy run).
  void WaitUntilHeavyIsAtItsCap() {
    HttpClient probe(server_.port());
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    HttpResult r;
    while (std::chrono::steady_clock::now() < deadline) {
      r = probe.Sql(R"j({"sql":"SELECT 1"})j", Basic("heavy", kPassword));
      if (r.status == 429) break;
    }
    ASSERT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(JsonString(r.body, "error"), "RATE_LIMIT_EXCEEDED");
    EXPECT_THAT(JsonString(r.body, "message"), HasSubstr("limits.max_concurrent_statements_per_user"));
    EXPECT_EQ(r.headers["retry-after"], "1");
  }

  TempDir dir_;
  ServerProcess server_;
};

TEST_F(FairnessTest, OneUsersEndlessStatementsHoldNobodyElseBack) {
  // Two I/O threads, as on a two-core machine: before the worker pool, two endless statements
  // held both of them, and /health, pings and every other user waited for the timeout.
  StartServer({{"KALAMDB_SERVER_WORKERS", "2"},
               {"KALAMDB_LIMITS_STATEMENT_TIMEOUT_SECS", "10"},
               {"KALAMDB_LIMITS_MAX_CONCURRENT_STATEMENTS_PER_USER", "2"},
               {"KALAMDB_LIMITS_MAX_QUEUED_STATEMENTS_PER_USER", "0"}});
  // An idle subscriber of the light user, connected before the heavy work starts.
  auto ws = WsClient::Connect(server_.port(), "/v1/ws", {{"Authorization", Basic("light", kPassword)}});
  ASSERT_TRUE(ws);
  auto first = ws->Receive(10s);
  ASSERT_TRUE(first);
  ASSERT_THAT(*first, HasSubstr("auth_success"));

  auto endless = StartEndless(2);
  WaitUntilHeavyIsAtItsCap();

  HttpClient light(server_.port());
  EXPECT_EQ(light.Request("GET", "/health").status, 200);
  HttpResult insert =
      light.Sql(R"j({"sql":"INSERT INTO app.messages (id, body) VALUES (1, 'hi')"})j", Basic("light", kPassword));
  EXPECT_EQ(insert.status, 200) << insert.body;
  HttpResult select = light.Sql(R"j({"sql":"SELECT body FROM app.messages"})j", Basic("light", kPassword));
  EXPECT_EQ(select.status, 200) << select.body;
  EXPECT_THAT(select.body, HasSubstr(R"j("hi")j"));
  // A subscription needs a worker too (its initial data is a query).
  ASSERT_TRUE(ws->SendText(R"j({"type":"subscribe","subscription":{"id":"s1","sql":"SELECT * FROM app.messages"}})j"));
  auto ack = ws->Receive(10s);
  ASSERT_TRUE(ack);
  EXPECT_THAT(*ack, HasSubstr("subscription_ack"));
  ASSERT_TRUE(ws->SendText(R"j({"type":"ping"})j"));
  bool pong = false;
  for (int i = 0; i < 5 && !pong; ++i) {
    auto message = ws->Receive(10s);
    ASSERT_TRUE(message);
    pong = message->find("pong") != std::string::npos;
  }
  EXPECT_TRUE(pong);

  // All of that happened while both endless statements were still running.
  for (auto& f : endless) EXPECT_FALSE(Ready(f));
  for (auto& f : endless) {
    HttpResult r = f.get();
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_THAT(r.body, HasSubstr("timed out"));
  }
}

}  // namespace
}  // namespace kalam::testing
