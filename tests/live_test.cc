// Live queries over the WebSocket of the real kalamdb-server (docs/live-queries.md): handshake and
// authentication, every client message and error code, filters, projections, enter/leave
// events, isolation, SHARED fan-out, initial data in every mode across hot and cold tiers,
// resume, the gap-free handoff under concurrent writers, limits and churn.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kalam/auth/base64.h"
#include "support/failpoint_file.h"
#include "support/http_client.h"
#include "support/json_doc.h"
#include "support/live_server.h"
#include "support/poll.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace kalam::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class LiveTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Message rate off here: the churn test sends thousands of messages on one connection.
    // Query rate off too: four writers run as one user in the handoff test.
    server_ = new LiveServer({{"KALAMDB_RATE_LIMIT_MAX_MESSAGES_PER_SEC", "0"},
                              {"KALAMDB_RATE_LIMIT_MAX_QUERIES_PER_SEC", "0"},
                              {"KALAMDB_RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_USER", "1000"}});
    ASSERT_TRUE(server_->started()) << server_->process().output();
    server_->CreateUser("alice");
    server_->CreateUser("bob");
    server_->CreateUser("svc", "service");
    server_->Sql("CREATE NAMESPACE app");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  LiveServer& S() { return *server_; }

  static LiveServer* server_;
};

LiveServer* LiveTest::server_ = nullptr;

// ---- docs/live-queries.md handshake and authentication ---------------------------------------------------------

TEST_F(LiveTest, AuthByHeaderSendsAuthSuccessFirst) {
  std::string error;
  auto ws =
      WsClient::Connect(S().port(), "/v1/ws", {{"Authorization", BasicHeader("alice", kPassword)}}, false, &error);
  ASSERT_TRUE(ws) << error;
  JsonDoc first = Next(*ws);
  EXPECT_EQ(first.Str("/type"), "auth_success");
  EXPECT_EQ(first.Str("/user"), "alice");
  EXPECT_EQ(first.Str("/role"), "user");
  // The /ws alias serves the same protocol.
  auto alias =
      WsClient::Connect(S().port(), "/ws", {{"Authorization", BasicHeader("alice", kPassword)}}, false, &error);
  ASSERT_TRUE(alias) << error;
  EXPECT_EQ(Next(*alias).Str("/type"), "auth_success");
}

TEST_F(LiveTest, BadHeaderIsRefusedBeforeUpgrade) {
  std::string error;
  auto ws =
      WsClient::Connect(S().port(), "/v1/ws", {{"Authorization", BasicHeader("alice", "wrong")}}, false, &error, 1s);
  EXPECT_FALSE(ws);
  EXPECT_THAT(error, HasSubstr("401"));
  EXPECT_THAT(error, HasSubstr("INVALID_CREDENTIALS"));
}

TEST_F(LiveTest, BearerTokenAtTheUpgrade) {
  HttpClient client(S().port());
  auto login = client.Request("POST", "/v1/api/auth/login",
                              R"({"user":"alice","password":")" + std::string(kPassword) + R"("})",
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = JsonDoc(login.body).Str("/access_token");
  ASSERT_FALSE(token.empty()) << login.body;
  std::string error;
  auto ws = WsClient::Connect(S().port(), "/v1/ws", {{"Authorization", "Bearer " + token}}, false, &error);
  ASSERT_TRUE(ws) << error;
  JsonDoc first = Next(*ws);
  EXPECT_EQ(first.Str("/type"), "auth_success");
  EXPECT_EQ(first.Str("/user"), "alice");
  // A token with a broken signature is refused before the upgrade, like bad Basic credentials.
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto refused = WsClient::Connect(S().port(), "/v1/ws", {{"Authorization", "Bearer " + forged}}, false, &error, 1s);
  EXPECT_FALSE(refused);
  EXPECT_THAT(error, HasSubstr("401"));
}

TEST_F(LiveTest, AuthByMessageBasicAndJwt) {
  auto ws = WsClient::Connect(S().port());
  ASSERT_TRUE(ws);
  // Before authentication: subscribe is refused, next_batch and unsubscribe are ignored.
  ws->SendText(SubscribeMessage("s1", "SELECT * FROM app.nothing"));
  JsonDoc refused = Next(*ws);
  EXPECT_EQ(refused.Str("/code"), "AUTH_REQUIRED");
  EXPECT_EQ(refused.Str("/subscription_id"), "subscribe");
  ws->SendText(R"({"type":"unsubscribe","subscription_id":"s1"})");
  Quiet(*ws);
  ws->SendText(R"({"type":"authenticate","method":"basic","user":"alice","password":"Secret123!","protocol":"x"})");
  JsonDoc ok = Next(*ws);
  EXPECT_EQ(ok.Str("/type"), "auth_success");
  EXPECT_EQ(ok.Str("/user"), "alice");
  // Again for the same user: success again.
  ws->SendText(R"({"type":"authenticate","method":"basic","user":"alice","password":"Secret123!"})");
  EXPECT_EQ(Next(*ws).Str("/type"), "auth_success");

  // JWT from the login route.
  HttpClient http(S().port());
  HttpResult login = http.Request("POST", "/v1/api/auth/login", R"({"username":"bob","password":"Secret123!"})",
                                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = JsonDoc(login.body).Str("/access_token");
  ASSERT_FALSE(token.empty()) << login.body;
  auto jwt = WsClient::Connect(S().port());
  ASSERT_TRUE(jwt);
  jwt->SendText(R"({"type":"authenticate","method":"jwt","token":")" + token + "\"}");
  JsonDoc bob = Next(*jwt);
  EXPECT_EQ(bob.Str("/type"), "auth_success");
  EXPECT_EQ(bob.Str("/user"), "bob");
  // Another user on the same connection: auth_error and close 1008.
  jwt->SendText(R"({"type":"authenticate","method":"basic","user":"alice","password":"Secret123!"})");
  EXPECT_EQ(Next(*jwt).Str("/type"), "auth_error");
  EXPECT_FALSE(jwt->Receive(3s).has_value());
  EXPECT_TRUE(jwt->closed());
  EXPECT_EQ(jwt->close_code(), 1008);
}

TEST_F(LiveTest, WrongPasswordMessageClosesWith1008) {
  auto ws = WsClient::Connect(S().port());
  ASSERT_TRUE(ws);
  ws->SendText(R"({"type":"authenticate","method":"basic","user":"alice","password":"nope"})");
  JsonDoc error = Next(*ws);
  EXPECT_EQ(error.Str("/type"), "auth_error");
  EXPECT_EQ(error.Str("/message"), "Invalid credentials");
  EXPECT_FALSE(ws->Receive(3s).has_value());
  EXPECT_EQ(ws->close_code(), 1008);
}

TEST_F(LiveTest, DeflateIsNegotiatedWhenOffered) {
  std::string error;
  auto ws = WsClient::Connect(S().port(), "/v1/ws", {{"Authorization", BasicHeader("alice", kPassword)}},
                              /*deflate=*/true, &error);
  ASSERT_TRUE(ws) << error;
  EXPECT_TRUE(ws->deflate_negotiated());
  EXPECT_EQ(Next(*ws).Str("/type"), "auth_success");
  ws->SendText(R"({"type":"ping"})");
  EXPECT_EQ(Next(*ws).Str("/type"), "pong");
  // Compressed change messages larger than the deflate window arrive intact.
  S().Sql("CREATE USER TABLE app.deflated (id BIGINT PRIMARY KEY, body TEXT)");
  SubscribeAndLoad(*ws, "d", "SELECT * FROM app.deflated");
  std::string body;
  for (int i = 0; body.size() < 20000; ++i) body += "line " + std::to_string(i) + " of a long message; ";
  for (int id = 1; id <= 3; ++id) {
    S().Sql("INSERT INTO app.deflated (id, body) VALUES (" + std::to_string(id) + ", '" + body + "')", "alice");
    JsonDoc change = Next(*ws);
    EXPECT_EQ(change.Str("/rows/0/body"), body);
  }
}

// ---- docs/live-queries.md framing ------------------------------------------------------------------------------

TEST_F(LiveTest, ProtocolErrorsKeepTheConnectionOpen) {
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  ws->SendText("not json");
  JsonDoc bad = Next(*ws);
  EXPECT_EQ(bad.Str("/code"), "PROTOCOL");
  EXPECT_EQ(bad.Str("/subscription_id"), "protocol");
  ws->SendText(R"({"type":"dance"})");
  EXPECT_EQ(Next(*ws).Str("/code"), "PROTOCOL");
  ws->SendBinary("\x01\x02");
  EXPECT_EQ(Next(*ws).Str("/code"), "UNSUPPORTED_DATA");
  ws->SendText(R"({"type":"ping"})");
  EXPECT_EQ(Next(*ws).Str("/type"), "pong");
  EXPECT_TRUE(ws->SendPing());
  ws->SendText(R"({"type":"ping"})");
  EXPECT_EQ(Next(*ws).Str("/type"), "pong");
}

// ---- docs/live-queries.md subscribe errors --------------------------------------------------------------

TEST_F(LiveTest, SubscribeErrors) {
  S().Sql("CREATE USER TABLE app.err_t (id BIGINT PRIMARY KEY, v TEXT)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  struct Case {
    std::string id, sql, options, code, echoed;
  };
  const std::vector<Case> cases = {
      {"", "SELECT * FROM app.err_t", "", "INVALID_SUBSCRIPTION_ID", "invalid_subscription"},
      {"bad id!", "SELECT * FROM app.err_t", "", "INVALID_SUBSCRIPTION_ID", "bad id!"},
      {std::string(129, 'a'), "SELECT * FROM app.err_t", "", "INVALID_SUBSCRIPTION_ID", std::string(129, 'a')},
      {"e1", "SELECT * FROM app.missing", "", "NOT_FOUND", "e1"},
      {"e2", "SELECT * FROM nons.t", "", "NOT_FOUND", "e2"},
      {"e3", "SELECT * FROM err_t", "", "INVALID_SQL", "e3"},
      {"e4", "SELEC * FROM app.err_t", "", "INVALID_SQL", "e4"},
      {"e5", "SELECT * FROM app.err_t ORDER BY id", "", "UNSUPPORTED", "e5"},
      {"e6", "SELECT count(*) FROM app.err_t", "", "UNSUPPORTED", "e6"},
      {"e7", "SELECT * FROM app.err_t a JOIN app.err_t b ON a.id = b.id", "", "UNSUPPORTED", "e7"},
      {"e8", "SELECT * FROM app.err_t LIMIT 5", "", "UNSUPPORTED", "e8"},
      {"e9", "SELECT * FROM app.err_t UNION ALL SELECT * FROM app.err_t", "", "UNSUPPORTED", "e9"},
      {"e10", "SELECT nope FROM app.err_t", "", "INVALID_SQL", "e10"},
      {"e11", "SELECT * FROM app.err_t WHERE nope = 1", "", "INVALID_SQL", "e11"},
      {"e12", "SELECT * FROM app.err_t WHERE random() > 0.5", "", "UNSUPPORTED", "e12"},
      {"e13", "SELECT * FROM app.err_t", R"({"batch_size":0})", "INVALID_OPTIONS", "e13"},
      {"e14", "SELECT * FROM app.err_t", R"({"batch_size":10001})", "INVALID_OPTIONS", "e14"},
      {"e15", "SELECT * FROM app.err_t", R"({"last_rows":-1})", "INVALID_OPTIONS", "e15"},
      {"e16", "SELECT * FROM app.err_t", R"({"from":"abc"})", "INVALID_OPTIONS", "e16"},
      {"e17", "SELECT * FROM system.users", "", "UNAUTHORIZED", "e17"},
      {"e18", "SUBSCRIBE TO app.err_t OPTIONS (bogus=1)", "", "INVALID_OPTIONS", "e18"},
      {"e19", "SUBSCRIBE TO app.err_t WHERE id = 1 ORDER BY id", "", "UNSUPPORTED", "e19"},
      {"e20", "SUBSCRIBE TO app.err_t WHERE id = 1 UNION SELECT 1", "", "UNSUPPORTED", "e20"},
      {"e21", "SELECT * FROM app.err_t", R"({"batch_size":1e300})", "INVALID_OPTIONS", "e21"},
  };
  for (const Case& c : cases) {
    ws->SendText(SubscribeMessage(c.id, c.sql, c.options));
    JsonDoc error = Next(*ws);
    EXPECT_EQ(error.Str("/type"), "error") << c.sql << " " << error.Raw();
    EXPECT_EQ(error.Str("/code"), c.code) << c.sql << " " << error.Raw();
    EXPECT_EQ(error.Str("/subscription_id"), c.echoed) << c.sql;
  }
  // A duplicate id on one connection.
  ws->SendText(SubscribeMessage("dup", "SELECT * FROM app.err_t"));
  EXPECT_EQ(Next(*ws).Str("/type"), "subscription_ack");
  ws->SendText(SubscribeMessage("dup", "SELECT * FROM app.err_t"));
  EXPECT_EQ(Next(*ws).Str("/code"), "INVALID_SUBSCRIPTION_ID");
  // next_batch for an unknown subscription or after ready.
  ws->SendText(R"({"type":"next_batch","subscription_id":"nope"})");
  EXPECT_EQ(Next(*ws).Str("/code"), "BATCH_FETCH_FAILED");
  ws->SendText(R"({"type":"next_batch","subscription_id":"dup","last_seq_id":"1"})");
  EXPECT_EQ(Next(*ws).Str("/code"), "BATCH_FETCH_FAILED");
  // unsubscribe is acknowledged, also for unknown ids; the id can be reused afterwards.
  ws->SendText(R"({"type":"unsubscribe","subscription_id":"dup"})");
  JsonDoc gone = Next(*ws);
  EXPECT_EQ(gone.Str("/type"), "unsubscribed");
  EXPECT_EQ(gone.Str("/subscription_id"), "dup");
  ws->SendText(R"({"type":"unsubscribe","subscription_id":"never"})");
  EXPECT_EQ(Next(*ws).Str("/type"), "unsubscribed");
  ws->SendText(SubscribeMessage("dup", "SELECT * FROM app.err_t"));
  EXPECT_EQ(Next(*ws).Str("/type"), "subscription_ack");
}

TEST_F(LiveTest, SharedTableAccessLevelsAndSystemTables) {
  S().Sql("CREATE SHARED TABLE app.private_t (id BIGINT PRIMARY KEY, v TEXT) WITH (ACCESS_LEVEL = 'PRIVATE')");
  S().Sql("INSERT INTO app.private_t (id, v) VALUES (1, 'x')");
  auto alice = S().Connect("alice");
  ASSERT_TRUE(alice);
  alice->SendText(SubscribeMessage("p", "SELECT * FROM app.private_t"));
  EXPECT_EQ(Next(*alice).Str("/code"), "UNAUTHORIZED");
  auto svc = S().Connect("svc");
  ASSERT_TRUE(svc);
  auto rows = SubscribeAndLoad(*svc, "p", "SELECT * FROM app.private_t", "{}");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Unquote(rows[0]["v"]), "x");
  // System tables: admins get initial data ordered by key; `from` is refused.
  auto root = S().Connect("root");
  ASSERT_TRUE(root);
  auto users = SubscribeAndLoad(*root, "u", "SELECT user_id, role FROM system.users WHERE role = 'user'", "{}");
  std::vector<std::string> names;
  for (auto& row : users) names.push_back(Unquote(row["user_id"]));
  EXPECT_THAT(names, ::testing::IsSupersetOf({"alice", "bob"}));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  root->SendText(SubscribeMessage("u2", "SELECT * FROM system.users", R"({"from":"1"})"));
  EXPECT_EQ(Next(*root).Str("/code"), "INVALID_OPTIONS");
}

// ---- docs/sql-reference.md SUBSCRIBE TO over HTTP ---------------------------------------------------------------

TEST_F(LiveTest, SubscribeToOverHttpValidatesAndSubscribesNothing) {
  S().Sql("CREATE USER TABLE app.http_sub (id BIGINT PRIMARY KEY, status TEXT)");
  HttpClient client(S().port());
  HttpResult r = client.Sql(
      R"j({"sql":"SUBSCRIBE TO http_sub WHERE status = 'open' OPTIONS (last_rows=10, from=42)","namespace_id":"app"})j",
      BasicHeader("alice", kPassword));
  ASSERT_EQ(r.status, 200) << r.body;
  JsonDoc body(r.body);
  EXPECT_EQ(body.Raw("/results/0/schema/0/name"), "\"subscription_id\"");
  const auto rows = body.ArrayRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(Unquote(rows[0][0]), ::testing::StartsWith("sub-app-http_sub-"));
  EXPECT_EQ(Unquote(rows[0][1]), "SELECT * FROM app.http_sub WHERE status = 'open'");
  EXPECT_THAT(rows[0][2], HasSubstr("last_rows"));
  // ws://<the request's Host>/v1/ws (this test client sends the host without a port).
  EXPECT_EQ(Unquote(rows[0][3]), "ws://127.0.0.1/v1/ws");
  EXPECT_THAT(S().Sql("SELECT count(*) FROM system.live WHERE table_name = 'http_sub'"), HasSubstr("[\"0\"]"));
  // Validated as on the WebSocket.
  const auto refused = [&](const std::string& sql, const std::string& code, const std::string& message) {
    const HttpResult r = S().SqlResult(sql, "alice");
    EXPECT_EQ(r.status, 400) << r.body;
    JsonDoc body(r.body);
    EXPECT_EQ(body.Str("/error/code"), code) << r.body;
    EXPECT_EQ(body.Str("/error/message"), "Statement 1 failed: " + message) << r.body;
  };
  // A plain user is not told which tables exist.
  refused("SUBSCRIBE TO app.missing", "SQL_EXECUTION_ERROR", "SQL statement failed");
  refused("SUBSCRIBE TO app.http_sub WHERE nope = 1", "INVALID_SQL", "Column 'nope' does not exist");
  refused("SUBSCRIBE TO app.http_sub OPTIONS (batch_size=0)", "INVALID_SQL", "batch_size must be an integer in 1..10000");
}

// ---- docs/live-queries.md ack, schema, batches -----------------------------------------------------------------

TEST_F(LiveTest, AckCarriesProjectedSchemaAndSnapshot) {
  S().Sql("CREATE USER TABLE app.ack_t (id BIGINT PRIMARY KEY, status TEXT NOT NULL, note TEXT)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  ws->SendText(SubscribeMessage("a1", "SELECT id, status FROM app.ack_t WHERE status = 'open'"));
  JsonDoc ack = Next(*ws);
  EXPECT_EQ(ack.Str("/type"), "subscription_ack");
  EXPECT_EQ(ack.Str("/subscription_id"), "a1");
  EXPECT_EQ(ack.Int("/total_rows"), 0);
  EXPECT_EQ(ack.Int("/batch_control/batch_num"), 0);
  EXPECT_EQ(ack.Bool("/batch_control/has_more"), false);
  EXPECT_EQ(ack.Str("/batch_control/status"), "ready");
  EXPECT_FALSE(ack.Str("/batch_control/last_seq_id").empty());  // a string (BIGINT rule)
  EXPECT_EQ(ack.Raw("/schema"), R"([{"name":"id","data_type":"BigInt","index":0,"flags":["pk","nn","uq"]},)"
                                R"({"name":"status","data_type":"Text","index":1,"flags":["nn"]},)"
                                R"({"name":"_seq","data_type":"BigInt","index":2,"flags":["nn"]}])");
  Quiet(*ws);  // no options: no initial data
  // With options: loading ack, then batch 0 (empty and ready here).
  ws->SendText(SubscribeMessage("a2", "SUBSCRIBE TO app.ack_t"));
  EXPECT_EQ(Next(*ws).Str("/batch_control/status"), "ready");
  ws->SendText(SubscribeMessage("a3", "SELECT * FROM app.ack_t", "{}"));
  JsonDoc loading = Next(*ws);
  EXPECT_EQ(loading.Str("/batch_control/status"), "loading");
  EXPECT_EQ(loading.Bool("/batch_control/has_more"), true);
  JsonDoc batch = Next(*ws);
  EXPECT_EQ(batch.Str("/type"), "initial_data_batch");
  EXPECT_EQ(batch.Size("/rows"), 0u);
  EXPECT_EQ(batch.Str("/batch_control/status"), "ready");
  EXPECT_EQ(batch.Str("/batch_control/last_seq_id"), loading.Str("/batch_control/last_seq_id"));
}

TEST_F(LiveTest, InitialDataModesAndPaging) {
  S().Sql("CREATE USER TABLE app.init_t (id BIGINT PRIMARY KEY, n INT)");
  std::string values;
  for (int i = 1; i <= 25; ++i)
    values += (i > 1 ? "," : "") + std::string("(") + std::to_string(i) + "," + std::to_string(i % 5) + ")";
  S().Sql("INSERT INTO app.init_t (id, n) VALUES " + values, "alice");
  S().Sql("DELETE FROM app.init_t WHERE id = 3", "alice");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  // All matching rows, paged by 8 with next_batch.
  ws->SendText(SubscribeMessage("all", "SELECT id FROM app.init_t WHERE n <> 0", R"({"batch_size":8})"));
  JsonDoc ack = Next(*ws);
  ASSERT_EQ(ack.Str("/batch_control/status"), "loading");
  JsonDoc b0 = Next(*ws);
  EXPECT_EQ(b0.Str("/batch_control/status"), "loading");
  EXPECT_EQ(b0.Int("/batch_control/batch_num"), 0);
  EXPECT_EQ(b0.Size("/rows"), 8u);
  EXPECT_EQ(b0.Str("/batch_control/last_seq_id"), Unquote(b0.Rows()[7]["_seq"]));
  Quiet(*ws);  // the next page waits for next_batch
  ws->SendText(R"({"type":"next_batch","subscription_id":"all","last_seq_id":")" +
               b0.Str("/batch_control/last_seq_id") + "\"}");
  JsonDoc b1 = Next(*ws);
  EXPECT_EQ(b1.Str("/batch_control/status"), "loading_batch");
  EXPECT_EQ(b1.Int("/batch_control/batch_num"), 1);
  ws->SendText(R"({"type":"next_batch","subscription_id":"all"})");
  JsonDoc b2 = Next(*ws);
  EXPECT_EQ(b2.Str("/batch_control/status"), "ready");
  // 25 rows, minus id 3 (deleted), minus n = 0 (ids 5,10,15,20,25): 19.
  EXPECT_EQ(b0.Size("/rows") + b1.Size("/rows") + b2.Size("/rows"), 19u);
  EXPECT_EQ(b2.Str("/batch_control/last_seq_id"), ack.Str("/batch_control/last_seq_id"));
  // last_rows: the N newest matching rows, ascending.
  auto last = SubscribeAndLoad(*ws, "last", "SELECT id FROM app.init_t", R"({"last_rows":3})");
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(Unquote(last[0]["id"]), "23");
  EXPECT_EQ(Unquote(last[2]["id"]), "25");
  auto none = SubscribeAndLoad(*ws, "zero", "SELECT id FROM app.init_t", R"({"last_rows":0})");
  EXPECT_TRUE(none.empty());
  // SQL OPTIONS merge with JSON options (JSON wins).
  auto merged = SubscribeAndLoad(*ws, "merged", "SUBSCRIBE TO app.init_t WHERE n = 1 OPTIONS (last_rows=1)",
                                 R"({"last_rows":"2"})");
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(Unquote(merged[1]["id"]), "21");
  // from: rows changed after F, with _deleted markers for deleted or non-matching ones.
  std::string checkpoint;
  SubscribeAndLoad(*ws, "cp", "SELECT id FROM app.init_t", "", &checkpoint);
  S().Sql("UPDATE app.init_t SET n = 0 WHERE id = 1", "alice");       // leaves n <> 0
  S().Sql("DELETE FROM app.init_t WHERE id = 2", "alice");            // deleted
  S().Sql("INSERT INTO app.init_t (id, n) VALUES (30, 4)", "alice");  // new
  auto ws2 = S().Connect("alice");
  auto resumed =
      SubscribeAndLoad(*ws2, "r", "SELECT id, n FROM app.init_t WHERE n <> 0", R"({"from":")" + checkpoint + "\"}");
  ASSERT_EQ(resumed.size(), 3u);
  EXPECT_EQ(Unquote(resumed[0]["id"]), "1");
  EXPECT_EQ(resumed[0]["_deleted"], "true");
  EXPECT_EQ(Unquote(resumed[1]["id"]), "2");
  EXPECT_EQ(resumed[1]["_deleted"], "true");
  EXPECT_EQ(Unquote(resumed[2]["id"]), "30");
  EXPECT_EQ(resumed[2]["_deleted"], "false");
}

// ---- docs/live-queries.md change semantics ---------------------------------------------------------------------

TEST_F(LiveTest, InsertUpdateDeleteWithEnterAndLeave) {
  S().Sql("CREATE USER TABLE app.orders (id BIGINT PRIMARY KEY, status TEXT, amount DOUBLE)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "open", "SELECT id, status FROM app.orders WHERE status = 'open'");
  S().Sql("INSERT INTO app.orders (id, status, amount) VALUES (1, 'open', 10), (2, 'paid', 5)", "alice");
  JsonDoc insert = Next(*ws);
  EXPECT_EQ(insert.Str("/type"), "change");
  EXPECT_EQ(insert.Str("/change_type"), "insert");
  ASSERT_EQ(insert.Size("/rows"), 1u);
  EXPECT_EQ(insert.Keys("/rows/0"), (std::vector<std::string>{"id", "status", "_seq"}));
  EXPECT_EQ(insert.Str("/rows/0/id"), "1");
  EXPECT_EQ(insert.Str("/seq"), insert.Str("/rows/0/_seq"));
  Quiet(*ws);  // row 2 does not match
  // Matching row still matching: update with old_values.
  S().Sql("UPDATE app.orders SET amount = 11 WHERE id = 1", "alice");
  JsonDoc update = Next(*ws);
  EXPECT_EQ(update.Str("/change_type"), "update");
  EXPECT_EQ(update.Str("/rows/0/status"), "open");
  EXPECT_EQ(update.Str("/old_values/0/_seq"), insert.Str("/seq"));
  EXPECT_GT(*update.Int("/seq"), *insert.Int("/seq"));
  // Enter: paid -> open arrives as insert.
  S().Sql("UPDATE app.orders SET status = 'open' WHERE id = 2", "alice");
  JsonDoc enter = Next(*ws);
  EXPECT_EQ(enter.Str("/change_type"), "insert");
  EXPECT_EQ(enter.Str("/rows/0/id"), "2");
  // Leave: open -> paid arrives as delete with the last matching version.
  S().Sql("UPDATE app.orders SET status = 'paid' WHERE id = 1", "alice");
  JsonDoc leave = Next(*ws);
  EXPECT_EQ(leave.Str("/change_type"), "delete");
  EXPECT_EQ(leave.Str("/old_values/0/status"), "open");
  EXPECT_EQ(leave.Str("/old_values/0/_seq"), update.Str("/seq"));
  EXPECT_FALSE(leave.Has("/rows"));
  // Neither: nothing.
  S().Sql("UPDATE app.orders SET amount = 1 WHERE id = 1", "alice");
  Quiet(*ws);
  // Delete of a matching row.
  S().Sql("DELETE FROM app.orders WHERE id = 2", "alice");
  JsonDoc del = Next(*ws);
  EXPECT_EQ(del.Str("/change_type"), "delete");
  EXPECT_EQ(del.Str("/old_values/0/id"), "2");
  // A multi-row statement: every row, in increasing seq.
  S().Sql("INSERT INTO app.orders (id, status) VALUES (10, 'open'), (11, 'open'), (12, 'open')", "alice");
  int64_t last = 0;
  for (int i = 10; i <= 12; ++i) {
    JsonDoc m = Next(*ws);
    EXPECT_EQ(m.Str("/rows/0/id"), std::to_string(i));
    EXPECT_GT(*m.Int("/seq"), last);
    last = *m.Int("/seq");
  }
  // INSERT ... SELECT and UPDATE/DELETE touching many rows notify too.
  S().Sql("INSERT INTO app.orders (id, status) SELECT id + 100, status FROM app.orders WHERE id >= 10", "alice");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Next(*ws).Str("/change_type"), "insert");
  S().Sql("DELETE FROM app.orders WHERE id >= 100", "alice");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Next(*ws).Str("/change_type"), "delete");
  Quiet(*ws);
}

// A transaction's writes reach subscribers only at COMMIT, one change per row in `_seq`
// order; a request that ends without COMMIT sends nothing and writes nothing.
TEST_F(LiveTest, TransactionChangesArriveAtCommitInSeqOrder) {
  S().Sql("CREATE USER TABLE app.chat (id BIGINT PRIMARY KEY, role TEXT, body TEXT)");
  S().Sql("INSERT INTO app.chat VALUES (1, 'user', 'old')", "alice");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "chat", "SELECT id, role, body FROM app.chat");

  HttpResult uncommitted = S().SqlResult("BEGIN; INSERT INTO app.chat VALUES (2, 'user', 'lost')", "alice");
  EXPECT_EQ(uncommitted.status, 400);
  EXPECT_THAT(uncommitted.body, HasSubstr("Statement 1 failed: Transaction not committed"));
  Quiet(*ws);
  EXPECT_THAT(S().Sql("SELECT count(*) FROM app.chat WHERE id = 2", "alice"), HasSubstr(R"("rows":[["0"]])"));

  S().Sql("BEGIN; INSERT INTO app.chat VALUES (2, 'user', 'hi'); INSERT INTO app.chat VALUES (3, 'assistant', 'x'); "
          "UPDATE app.chat SET body = 'hello' WHERE id = 3; UPDATE app.chat SET body = 'new' WHERE id = 1; COMMIT",
          "alice");
  // Net changes in commit order: 2 inserted, 3 inserted (with its last values), 1 updated.
  std::vector<std::pair<std::string, std::string>> seen;  // change_type, id
  int64_t last_seq = 0;
  while (seen.size() < 3) {
    JsonDoc m = Next(*ws);
    ASSERT_EQ(m.Str("/type"), "change");
    for (size_t r = 0; r < m.Size("/rows"); ++r) {
      const std::string row = "/rows/" + std::to_string(r);
      seen.emplace_back(m.Str("/change_type"), m.Str(row + "/id"));
      const int64_t seq = std::stoll(m.Str(row + "/_seq"));
      EXPECT_GT(seq, last_seq);
      last_seq = seq;
      if (m.Str(row + "/id") == "3") {
        EXPECT_EQ(m.Str(row + "/body"), "hello");
      }
      if (m.Str("/change_type") == "update") {
        EXPECT_EQ(m.Str("/old_values/" + std::to_string(r) + "/body"), "old");
      }
    }
  }
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"insert", "2"}, {"insert", "3"}, {"update", "1"}}));
  Quiet(*ws);

  // Upsert: insert for the new row, update with old_values for the updated one, nothing for
  // a skipped one.
  S().Sql("INSERT INTO app.chat VALUES (1, 'user', 'upserted'), (4, 'user', 'four') "
          "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body", "alice");
  std::vector<std::string> kinds;
  while (kinds.size() < 2) {
    JsonDoc m = Next(*ws);
    for (size_t r = 0; r < m.Size("/rows"); ++r) {
      kinds.push_back(m.Str("/change_type") + ":" + m.Str("/rows/" + std::to_string(r) + "/id"));
      if (m.Str("/change_type") == "update") {
        EXPECT_EQ(m.Str("/old_values/" + std::to_string(r) + "/body"), "new");
      }
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"update:1", "insert:4"}));
  S().Sql("INSERT INTO app.chat VALUES (4, 'user', 'again') ON CONFLICT (id) DO NOTHING", "alice");
  Quiet(*ws);
}

TEST_F(LiveTest, FiltersOfEveryForm) {
  S().Sql("CREATE USER TABLE app.f (id BIGINT PRIMARY KEY, owner TEXT, n INT, d DOUBLE, note TEXT, ts TIMESTAMP)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  const std::vector<std::pair<std::string, std::string>> filters = {
      {"and_or", "(n > 1 AND n < 4) OR note = 'x'"},
      {"not_in", "NOT n IN (1, 2)"},
      {"between", "n BETWEEN 2 AND 3"},
      {"like", "note LIKE 'he%o_'"},
      {"is_null", "note IS NULL"},
      {"arith", "n * 2 + 1 = 7 AND d / 2 > 1 AND n % 2 = 1"},
      {"me", "owner = CURRENT_USER()"},
      {"recent", "ts > NOW() - INTERVAL '1 hour'"},
      {"ne", "n != 3 AND n <> 4"},
  };
  for (const auto& [id, where] : filters) SubscribeAndLoad(*ws, id, "SELECT id FROM app.f WHERE " + where);
  S().Sql("INSERT INTO app.f (id, owner, n, d, note, ts) VALUES (1, 'alice', 3, 4.5, 'hello!', NOW())", "alice");
  std::set<std::string> got;
  while (auto text = ws->Receive(700ms)) got.insert(JsonDoc(*text).Str("/subscription_id"));
  EXPECT_EQ(got, (std::set<std::string>{"and_or", "not_in", "between", "like", "arith", "me", "recent"}));
  S().Sql("INSERT INTO app.f (id, owner, n, d, ts) VALUES (2, 'bob', 1, 0, 0)", "alice");
  got.clear();
  while (auto text = ws->Receive(700ms)) got.insert(JsonDoc(*text).Str("/subscription_id"));
  EXPECT_EQ(got, (std::set<std::string>{"is_null", "ne"}));
}

// One value encoding for both paths: every type of a table, edge values and NULLs included,
// reads the same in an HTTP result, in a live change and in live initial data; so do the
// secret columns (shown as "***") of a user table and of system.users.
TEST_F(LiveTest, LiveRowsEncodeEveryValueAsHttpResultsDo) {
  S().Sql(
      "CREATE USER TABLE app.every_type (id INT PRIMARY KEY, b BOOLEAN, si SMALLINT, i INT, bi BIGINT, f FLOAT, "
      "d DOUBLE, dec DECIMAL(10,2), wide DECIMAL(38,5), t TEXT, bytes BYTES, j JSON, ts TIMESTAMP, dt DATETIME, "
      "dd DATE, tm TIME, u UUID, credentials TEXT)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "changes", "SELECT * FROM app.every_type");
  S().Sql(
      "INSERT INTO app.every_type VALUES "
      "(1, TRUE, -32768, -2147483648, -9223372036854775808, 1.1, -0.5, -0.05, "
      "-123456789012345678901234567890123.45678, 'é \"q\" \\ x', X'00ff7f', '{\"a\":[1,2]}', "
      "'1969-12-31 23:59:59.999999', '2025-10-28T10:00:00Z', '1969-12-31', '23:59:59.999999', "
      "'018f3e4c-7a00-7000-8000-0123456789ab', 's3cret'), "
      "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
      "(3, FALSE, 32767, 2147483647, 9223372036854775807, 3.4e38, 1e300, 99999999.99, 7, '', X'', 'null', "
      "0, 1761645600000000, 0, 0, '00000000-0000-0000-0000-000000000000', '')",
      "alice");
  std::vector<JsonDoc::Row> changed;
  for (int i = 0; i < 3; ++i) {
    JsonDoc change = Next(*ws);
    ASSERT_EQ(change.Str("/change_type"), "insert") << change.Raw();
    for (auto& row : change.Rows()) changed.push_back(std::move(row));
  }
  const std::vector<JsonDoc::Row> initial = SubscribeAndLoad(*ws, "initial", "SELECT * FROM app.every_type", "{}");

  JsonDoc http(S().Sql("SELECT * FROM app.every_type ORDER BY id", "alice"));
  std::vector<std::string> names;
  for (size_t c = 0, n = http.Size("/results/0/schema"); c < n; ++c) {
    names.push_back(http.Str("/results/0/schema/" + std::to_string(c) + "/name"));
  }
  const auto rows = http.ArrayRows();
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(changed.size(), 3u);
  ASSERT_EQ(initial.size(), 3u);
  for (size_t r = 0; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), names.size());
    for (size_t c = 0; c < names.size(); ++c) {
      ASSERT_TRUE(changed[r].count(names[c]) && initial[r].count(names[c])) << names[c] << "\n" << http.Raw();
      EXPECT_EQ(changed[r].at(names[c]), rows[r][c]) << "change, row " << r << ", column " << names[c];
      EXPECT_EQ(initial[r].at(names[c]), rows[r][c]) << "initial data, row " << r << ", column " << names[c];
    }
  }
  const size_t secret = names.size() - 3;  // credentials, then _seq and _deleted
  ASSERT_EQ(names[secret], "credentials");
  EXPECT_EQ(rows[0][secret], "\"***\"");
  EXPECT_EQ(rows[1][secret], "null");

  const std::string users = "SELECT user_id, password_hash FROM system.users WHERE user_id = 'alice'";
  JsonDoc http_users(S().Sql(users));
  auto root = S().Connect("root");
  ASSERT_TRUE(root);
  const auto live_users = SubscribeAndLoad(*root, "users", users, "{}");
  ASSERT_EQ(live_users.size(), 1u);
  ASSERT_TRUE(live_users[0].count("password_hash"));
  ASSERT_EQ(http_users.ArrayRows().size(), 1u);
  EXPECT_EQ(live_users[0].at("password_hash"), http_users.ArrayRows()[0][1]);
  EXPECT_EQ(live_users[0].at("password_hash"), "\"***\"");
}

TEST_F(LiveTest, UsersNeverSeeEachOthersChanges) {
  S().Sql("CREATE USER TABLE app.iso (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), body TEXT)");
  auto alice = S().Connect("alice");
  auto bob = S().Connect("bob");
  ASSERT_TRUE(alice && bob);
  SubscribeAndLoad(*alice, "s", "SELECT * FROM app.iso");
  SubscribeAndLoad(*bob, "s", "SELECT * FROM app.iso");
  S().Sql("INSERT INTO app.iso (body) VALUES ('from alice')", "alice");
  S().Sql("EXECUTE AS USER 'alice' (INSERT INTO app.iso (body) VALUES ('for alice'))");
  EXPECT_EQ(Next(*alice).Str("/rows/0/body"), "from alice");
  EXPECT_EQ(Next(*alice).Str("/rows/0/body"), "for alice");
  Quiet(*bob);
  S().Sql("INSERT INTO app.iso (body) VALUES ('from bob')", "bob");
  EXPECT_EQ(Next(*bob).Str("/rows/0/body"), "from bob");
  Quiet(*alice);
}

TEST_F(LiveTest, SharedTableFansOutToEveryReader) {
  S().Sql("CREATE SHARED TABLE app.news (id BIGINT PRIMARY KEY, title TEXT) WITH (ACCESS_LEVEL = 'PUBLIC')");
  std::vector<std::unique_ptr<WsClient>> clients;
  for (const char* user : {"alice", "bob", "svc"}) {
    clients.push_back(S().Connect(user));
    ASSERT_TRUE(clients.back());
    SubscribeAndLoad(*clients.back(), "news", "SELECT * FROM app.news");
  }
  S().Sql("INSERT INTO app.news (id, title) VALUES (1, 'hello')", "svc");
  for (auto& c : clients) EXPECT_EQ(Next(*c).Str("/rows/0/title"), "hello");
}

TEST_F(LiveTest, InitialDataAcrossHotAndColdAndResumeAfterFlush) {
  S().Sql("CREATE USER TABLE app.tiers (id BIGINT PRIMARY KEY, v TEXT)");
  S().Sql("INSERT INTO app.tiers (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')", "alice");
  S().Sql("STORAGE FLUSH TABLE app.tiers");
  const auto completed_flushes = [&](const char* count) {
    return PollUntil([&] {
      return S().Sql("SELECT count(*) FROM system.jobs WHERE job_type = 'flush' AND status = 'completed'")
                 .find(std::string("[\"") + count + "\"]") != std::string::npos;
    });
  };
  ASSERT_TRUE(completed_flushes("1")) << S().Sql("SELECT * FROM system.jobs");
  S().Sql("UPDATE app.tiers SET v = 'b2' WHERE id = 2", "alice");
  S().Sql("INSERT INTO app.tiers (id, v) VALUES (4, 'd')", "alice");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  std::string checkpoint;
  auto rows = SubscribeAndLoad(*ws, "t", "SELECT * FROM app.tiers", "{}", &checkpoint);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Unquote(rows[0]["v"]), "a");
  EXPECT_EQ(Unquote(rows[2]["v"]), "b2");  // ascending _seq: the update moved it after 'c'
  ws->Close();
  // Away: writes, and a flush moving them to Parquet.
  S().Sql("INSERT INTO app.tiers (id, v) VALUES (5, 'e')", "alice");
  S().Sql("DELETE FROM app.tiers WHERE id = 1", "alice");
  S().Sql("UPDATE app.tiers SET v = 'c2' WHERE id = 3", "alice");
  S().Sql("STORAGE FLUSH TABLE app.tiers");
  ASSERT_TRUE(completed_flushes("2")) << S().Sql("SELECT * FROM system.jobs");
  auto again = S().Connect("alice");
  auto missed = SubscribeAndLoad(*again, "t", "SELECT * FROM app.tiers", R"({"from":")" + checkpoint + "\"}");
  ASSERT_EQ(missed.size(), 3u);
  EXPECT_EQ(Unquote(missed[0]["id"]), "5");
  EXPECT_EQ(missed[0]["_deleted"], "false");
  EXPECT_EQ(Unquote(missed[1]["id"]), "1");
  EXPECT_EQ(missed[1]["_deleted"], "true");
  EXPECT_EQ(Unquote(missed[2]["v"]), "c2");
}

// The handoff is gap-free and duplicate-free while four writers insert during the snapshot.
TEST_F(LiveTest, NoGapNoDuplicateUnderConcurrentWriters) {
  S().Sql("CREATE USER TABLE app.race (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), w INT)");
  std::string values;
  for (int i = 0; i < 500; ++i) values += (i ? "," : "") + std::string("(0)");
  S().Sql("INSERT INTO app.race (w) VALUES " + values, "alice");
  std::atomic<bool> stop{false};
  std::atomic<int> inserted{0};
  std::vector<std::thread> writers;
  for (int w = 1; w <= 4; ++w) {
    writers.emplace_back([&, w] {
      HttpClient client(S().port());
      while (!stop.load()) {
        client.Sql(LiveServer::Body("INSERT INTO app.race (w) VALUES (" + std::to_string(w) + ")"),
                   BasicHeader("alice", kPassword));
        inserted.fetch_add(1);
      }
    });
  }
  // The writers are going before the subscription starts...
  EXPECT_TRUE(PollUntil([&] { return inserted.load() >= 20; }));
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  std::multiset<std::string> seen;
  auto initial = SubscribeAndLoad(*ws, "race", "SELECT id FROM app.race", R"({"batch_size":100})");
  for (auto& row : initial) seen.insert(Unquote(row["_seq"]));
  int64_t last_seq = 0;
  for (auto& row : initial) last_seq = std::max<int64_t>(last_seq, std::stoll(Unquote(row["_seq"])));
  // ...and go on after its snapshot.
  const int at_snapshot = inserted.load();
  EXPECT_TRUE(PollUntil([&] { return inserted.load() >= at_snapshot + 40; }));
  stop.store(true);
  for (auto& t : writers) t.join();
  while (auto text = ws->Receive(700ms)) {
    JsonDoc m(*text);
    ASSERT_EQ(m.Str("/change_type"), "insert");
    const int64_t seq = *m.Int("/seq");
    EXPECT_GT(seq, last_seq);  // strictly increasing, all after the snapshot
    last_seq = seq;
    seen.insert(m.Str("/rows/0/_seq"));
  }
  // Every committed row exactly once.
  std::string body = S().Sql("SELECT _seq FROM app.race ORDER BY _seq", "alice");
  JsonDoc result(body);
  std::multiset<std::string> expected;
  for (auto& row : result.ArrayRows()) expected.insert(Unquote(row[0]));
  EXPECT_GT(expected.size(), 500u);
  EXPECT_EQ(seen, expected);
}

// ---- system.live, KILL LIVE QUERY, DROP TABLE, DROP USER, churn ----------------------------------

TEST_F(LiveTest, SystemLiveListsAndKillEndsSubscriptions) {
  S().Sql("CREATE USER TABLE app.kill_t (id BIGINT PRIMARY KEY)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "k1", "SELECT * FROM app.kill_t WHERE id > 0");
  std::string body = S().Sql(
      "SELECT live_id, subscription_id, namespace_id, table_name, user_id, query, status "
      "FROM system.live_queries WHERE subscription_id = 'k1'");
  JsonDoc live(body);
  ASSERT_EQ(live.ArrayRows().size(), 1u) << body;
  const std::string live_id = Unquote(live.ArrayRows()[0][0]);
  EXPECT_THAT(live_id, ::testing::StartsWith("alice-"));
  EXPECT_THAT(live_id, ::testing::EndsWith("-k1"));
  EXPECT_EQ(Unquote(live.ArrayRows()[0][3]), "kill_t");
  EXPECT_EQ(Unquote(live.ArrayRows()[0][6]), "active");
  // The gauge counts every active subscription, this one included: it equals system.live's count.
  std::string stats, listed;
  EXPECT_TRUE(PollUntil([&] {
    stats = JsonDoc(S().Sql("SELECT metric_value FROM system.stats WHERE metric_name = 'active_subscriptions'"))
                .Str("/results/0/rows/0/0");
    listed = JsonDoc(S().Sql("SELECT count(*) FROM system.live WHERE status = 'active'")).Str("/results/0/rows/0/0");
    return !stats.empty() && stats == listed;
  })) << stats << " vs " << listed;
  EXPECT_GE(std::stoll(stats.empty() ? "0" : stats), 1);
  // The user role cannot read system.live.
  EXPECT_EQ(S().SqlResult("SELECT * FROM system.live", "alice").status, 403);
  // Another user cannot kill it; its owner or an admin can.
  HttpResult foreign = S().SqlResult("KILL LIVE QUERY '" + live_id + "'", "bob");
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(JsonDoc(foreign.body).Str("/error/code"), "PERMISSION_DENIED") << foreign.body;
  EXPECT_THAT(foreign.body, ::testing::Not(HasSubstr("killed")));
  EXPECT_THAT(S().Sql("KILL LIVE QUERY '" + live_id + "'"), HasSubstr("Live query '" + live_id + "' killed"));
  JsonDoc killed = Next(*ws);
  EXPECT_EQ(killed.Str("/code"), "SUBSCRIPTION_KILLED");
  EXPECT_EQ(killed.Str("/subscription_id"), "k1");
  EXPECT_THAT(S().Sql("SELECT count(*) FROM system.live WHERE subscription_id = 'k1'"), HasSubstr("[\"0\"]"));
  EXPECT_EQ(S().SqlResult("KILL LIVE QUERY 'nobody-x-y'").status, 400);
  // DROP TABLE fails the table's subscriptions.
  SubscribeAndLoad(*ws, "k2", "SELECT * FROM app.kill_t");
  S().Sql("DROP TABLE app.kill_t");
  JsonDoc dropped = Next(*ws);
  EXPECT_EQ(dropped.Str("/code"), "SUBSCRIPTION_FAILED");
  EXPECT_THAT(dropped.Str("/message"), HasSubstr("Table app.kill_t was dropped"));
}

// ALTER TABLE ends the table's subscriptions (their columns and filter were planned against
// the old schema); a new one sees the new column, older rows reading its DEFAULT, and
// `SELECT *` carries `_deleted` like any SELECT *.
TEST_F(LiveTest, AlterTableEndsSubscriptionsAndResubscribingSeesTheNewSchema) {
  S().Sql("CREATE USER TABLE app.alter_t (id BIGINT PRIMARY KEY, body TEXT)");
  S().Sql("INSERT INTO app.alter_t VALUES (1, 'one')", "alice");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "s1", "SELECT * FROM app.alter_t", "{}");
  EXPECT_THAT(S().Sql("ALTER TABLE app.alter_t ADD COLUMN tokens INT DEFAULT 0"),
              HasSubstr("Table app.alter_t altered successfully (schema version 2)"));
  JsonDoc failed = Next(*ws);
  EXPECT_EQ(failed.Str("/code"), "SUBSCRIPTION_FAILED");
  EXPECT_EQ(failed.Str("/subscription_id"), "s1");
  EXPECT_THAT(failed.Str("/message"), HasSubstr("Schema changed; resubscribe"));
  EXPECT_THAT(S().Sql("SELECT count(*) FROM system.live WHERE subscription_id = 's1'"), HasSubstr("[\"0\"]"));

  const auto initial = SubscribeAndLoad(*ws, "s2", "SELECT * FROM app.alter_t", "{}");
  ASSERT_EQ(initial.size(), 1u);
  EXPECT_EQ(initial[0].at("tokens"), "0");
  EXPECT_EQ(initial[0].at("_deleted"), "false");
  S().Sql("INSERT INTO app.alter_t VALUES (2, 'two', 5)", "alice");
  JsonDoc change = Next(*ws);
  ASSERT_EQ(change.Str("/change_type"), "insert") << change.Raw();
  auto rows = change.Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("tokens"), "5");
  EXPECT_EQ(rows[0].at("_deleted"), "false");
}

TEST_F(LiveTest, DroppingAUserClosesTheirConnections) {
  S().CreateUser("carol");
  S().Sql("CREATE USER TABLE app.carol_t (id BIGINT PRIMARY KEY)");
  auto ws = S().Connect("carol");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "c", "SELECT * FROM app.carol_t");
  S().Sql("DROP USER carol");
  EXPECT_FALSE(ws->Receive(3s).has_value());
  EXPECT_TRUE(ws->closed());
  EXPECT_EQ(ws->close_code(), 1008);
  EXPECT_THAT(S().Sql("SELECT count(*) FROM system.live WHERE user_id = 'carol'"), HasSubstr("[\"0\"]"));
}

// Refused with 403 whether or not the id exists, so the answer tells nothing about others.
TEST_F(LiveTest, KillingAnotherUsersLiveQueryIsPermissionDenied) {
  S().Sql("CREATE USER TABLE app.kill_foreign (id BIGINT PRIMARY KEY)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "kf", "SELECT * FROM app.kill_foreign");
  JsonDoc live(S().Sql("SELECT live_id FROM system.live WHERE subscription_id = 'kf'"));
  ASSERT_EQ(live.ArrayRows().size(), 1u);
  const std::string live_id = Unquote(live.ArrayRows()[0][0]);
  for (const std::string& id : {live_id, std::string("alice-nosuch-kf")}) {
    HttpResult foreign = S().SqlResult("KILL LIVE QUERY '" + id + "'", "bob");
    EXPECT_EQ(foreign.status, 403) << foreign.body;
    EXPECT_EQ(JsonDoc(foreign.body).Str("/error/code"), "PERMISSION_DENIED") << foreign.body;
  }
  // The subscription is untouched and still delivers.
  S().Sql("INSERT INTO app.kill_foreign (id) VALUES (1)", "alice");
  JsonDoc change = Next(*ws);
  EXPECT_EQ(change.Str("/type"), "change") << change.Raw();
  // A user's own unknown id is not found; its own live id is killed.
  EXPECT_EQ(S().SqlResult("KILL LIVE QUERY 'bob-nosuch-kf'", "bob").status, 400);
  EXPECT_THAT(S().Sql("KILL LIVE QUERY '" + live_id + "'", "alice"), HasSubstr("killed"));
  EXPECT_EQ(Next(*ws).Str("/code"), "SUBSCRIPTION_KILLED");
}

// A connection acts with the role it authenticated with, so changing a user's role or
// password closes their connections (1008) and ends their subscriptions.
TEST_F(LiveTest, CredentialChangesCloseTheUsersConnections) {
  S().CreateUser("dana", "dba");
  S().CreateUser("erin");
  S().Sql("CREATE SHARED TABLE app.dba_t (id BIGINT PRIMARY KEY) WITH (ACCESS_LEVEL = 'DBA')");
  auto dana = S().Connect("dana");
  ASSERT_TRUE(dana);
  SubscribeAndLoad(*dana, "d", "SELECT * FROM app.dba_t");
  SubscribeAndLoad(*dana, "u", "SELECT * FROM system.users", "{}");
  // An email change is not a credential change: the connection stays.
  S().Sql("ALTER USER dana SET EMAIL 'dana@example.com'");
  S().Sql("INSERT INTO app.dba_t (id) VALUES (1)");
  EXPECT_EQ(Next(*dana).Str("/type"), "change");

  S().Sql("ALTER USER dana SET ROLE user");
  EXPECT_FALSE(dana->Receive(5s).has_value());
  EXPECT_TRUE(dana->closed());
  EXPECT_EQ(dana->close_code(), 1008);
  EXPECT_EQ(dana->close_reason(), "Credentials changed");
  EXPECT_THAT(S().Sql("SELECT count(*) FROM system.live WHERE user_id = 'dana'"), HasSubstr("[\"0\"]"));
  // Reconnected, the new role applies.
  auto demoted = S().Connect("dana");
  ASSERT_TRUE(demoted);
  demoted->SendText(SubscribeMessage("d", "SELECT * FROM app.dba_t"));
  EXPECT_EQ(Next(*demoted).Str("/type"), "error");
  demoted->SendText(SubscribeMessage("u", "SELECT * FROM system.users"));
  EXPECT_EQ(Next(*demoted).Str("/code"), "UNAUTHORIZED");

  // A password change, by an admin or by the user, closes the user's connections too.
  auto erin = S().Connect("erin");
  ASSERT_TRUE(erin);
  S().Sql("ALTER USER erin SET PASSWORD 'Another456!'");
  EXPECT_FALSE(erin->Receive(5s).has_value());
  EXPECT_EQ(erin->close_code(), 1008);
  EXPECT_EQ(erin->close_reason(), "Credentials changed");
}

// SHOW STATS FOR TABLE counts the table's open subscriptions (a user its own, an admin all).
TEST_F(LiveTest, ShowStatsCountsTheTablesSubscriptions) {
  S().Sql("CREATE USER TABLE app.stats_t (id BIGINT PRIMARY KEY)");
  auto count = [&](const std::string& user) {
    JsonDoc stats(S().Sql("SHOW STATS FOR TABLE app.stats_t", user));
    EXPECT_EQ(stats.Str("/results/0/schema/8/name"), "active_subscriptions");
    const auto rows = stats.ArrayRows();
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? std::string() : Unquote(rows[0][8]);
  };
  EXPECT_EQ(count("root"), "0");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "s1", "SELECT * FROM app.stats_t");
  EXPECT_EQ(count("root"), "1");
  EXPECT_EQ(count("alice"), "1");
  SubscribeAndLoad(*ws, "s2", "SELECT * FROM app.stats_t WHERE id > 5", "{}");
  EXPECT_EQ(count("root"), "2");
  EXPECT_EQ(count("alice"), "2");
  EXPECT_EQ(count("bob"), "0");  // bob sees only his own
  for (const char* id : {"s1", "s2"}) {
    ws->SendText(std::string(R"({"type":"unsubscribe","subscription_id":")") + id + "\"}");
    EXPECT_EQ(Next(*ws).Str("/type"), "unsubscribed");
  }
  EXPECT_EQ(count("root"), "0");
}

// A subscription's SQL is bounded (websocket.max_subscription_sql_bytes), so a client cannot
// make every change to a table pay for a huge filter.
TEST_F(LiveTest, OversizedSubscriptionSqlIsRefused) {
  S().Sql("CREATE USER TABLE app.big_sql (id BIGINT PRIMARY KEY, v TEXT)");
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  const std::string pattern(20000, '%');
  ws->SendText(SubscribeMessage("big", "SELECT * FROM app.big_sql WHERE v LIKE '" + pattern + "x'"));
  JsonDoc refused = Next(*ws);
  EXPECT_EQ(refused.Str("/code"), "INVALID_SQL") << refused.Raw();
  EXPECT_THAT(refused.Str("/message"), HasSubstr("websocket.max_subscription_sql_bytes"));
  HttpResult http =
      S().SqlResult("SUBSCRIBE TO app.big_sql WHERE v LIKE '" + pattern + "x'", "alice");
  EXPECT_EQ(http.status, 400) << http.body.substr(0, 300);
  EXPECT_THAT(http.body, HasSubstr("websocket.max_subscription_sql_bytes"));
  // Under the limit, a pattern full of `%` and `_` filters correctly.
  std::string wildcards;
  for (int i = 0; i < 3000; ++i) wildcards += "%_";
  SubscribeAndLoad(*ws, "ok", "SELECT * FROM app.big_sql WHERE v LIKE '" + wildcards + "z'");
  S().Sql("INSERT INTO app.big_sql (id, v) VALUES (1, '" + std::string(2999, 'a') + "z')", "alice");
  S().Sql("INSERT INTO app.big_sql (id, v) VALUES (2, '" + std::string(3000, 'a') + "z')", "alice");
  JsonDoc change = Next(*ws);
  EXPECT_EQ(change.Str("/rows/0/id"), "2") << change.Raw().substr(0, 300);
}

int OpenFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); ++it) {
    ++n;
  }
  return n;
}


TEST_F(LiveTest, ChurnLeaksNothing) {
  S().Sql("CREATE USER TABLE app.churn (id BIGINT PRIMARY KEY, v TEXT)");
  S().Sql("INSERT INTO app.churn (id, v) VALUES (1, 'x'), (2, 'y')", "alice");
  const pid_t pid = S().process().pid();
  // Warm up once so that lazily created structures do not count as growth.
  {
    auto ws = S().Connect("alice");
    SubscribeAndLoad(*ws, "w", "SELECT * FROM app.churn", "{}");
  }
  const int fds_before = OpenFds(pid);
  for (int round = 0; round < 20; ++round) {
    auto ws = S().Connect("alice");
    ASSERT_TRUE(ws);
    for (int i = 0; i < 100; ++i) {
      const std::string id = "c" + std::to_string(i);
      SubscribeAndLoad(*ws, id, "SELECT * FROM app.churn WHERE id > 0", i % 2 ? "{}" : "");
      ws->SendText(R"({"type":"unsubscribe","subscription_id":")" + id + "\"}");
      EXPECT_EQ(Next(*ws).Str("/type"), "unsubscribed");
    }
    // Half of the rounds end with subscriptions still open: closing the socket removes them.
    if (round % 2) SubscribeAndLoad(*ws, "left", "SELECT * FROM app.churn");
  }
  // 2000 subscribe/unsubscribe cycles later: no subscription or socket left behind. Memory is
  // not judged here (an RSS figure is a measurement, not a pass/fail fact): LeakSanitizer
  // checks leaks under `make asan`, and bench_live reports the server's RSS before and after
  // subscriptions (bench/README.md).
  EXPECT_TRUE(PollUntil([&] {
    return S().Sql("SELECT count(*) FROM system.live").find("[\"0\"]") != std::string::npos;
  })) << "subscriptions left in system.live";
  EXPECT_LE(OpenFds(pid), fds_before + 2);
}

// ---- limits, keepalive, slow consumers: a server with small limits ------------------------------

// The failpoint build of the server, so that tests of the heartbeat, the write deadline and the
// message rate window move its clock on instead of waiting (support/failpoint_file.h).
class LiveLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    control_dir_ = new TempDir();
    control_ = new FailpointFile(control_dir_->path() + "/control");
    server_ = new LiveServer({{"KALAMDB_FAILPOINTS_FILE", control_->path()},
                              {"KALAMDB_RATE_LIMIT_MAX_MESSAGES_PER_SEC", "20"},
                              {"KALAMDB_RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_CONNECTION", "3"},
                              {"KALAMDB_RATE_LIMIT_MAX_SUBSCRIPTIONS_PER_USER", "4"},
                              {"KALAMDB_WEBSOCKET_MAX_MESSAGE_SIZE", "1024"},
                              {"KALAMDB_WEBSOCKET_AUTH_TIMEOUT_SECS", "1"},
                              {"KALAMDB_WEBSOCKET_HEARTBEAT_INTERVAL_SECS", "1"},
                              {"KALAMDB_WEBSOCKET_CLIENT_TIMEOUT_SECS", "2"},
                              {"KALAMDB_WEBSOCKET_MAX_PENDING_CHANGES", "5"},
                              {"KALAMDB_WEBSOCKET_MAX_SUBSCRIPTION_SQL_BYTES", "100"},
                              {"KALAMDB_WEBSOCKET_MAX_OUTBOUND_BYTES", "200000"},
                              {"KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS", "https://app.example.com"}},
                             KALAMDB_FAILPOINTS_SERVER_BINARY);
    ASSERT_TRUE(server_->started()) << server_->process().output();
    server_->CreateUser("alice");
    server_->Sql("CREATE NAMESPACE app");
    server_->Sql("CREATE USER TABLE app.t (id BIGINT PRIMARY KEY DEFAULT SNOWFLAKE_ID(), body TEXT)");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete control_;
    delete control_dir_;
  }
  LiveServer& S() { return *server_; }
  FailpointFile& Control() { return *control_; }
  static LiveServer* server_;
  static TempDir* control_dir_;
  static FailpointFile* control_;
};

LiveServer* LiveLimitsTest::server_ = nullptr;
TempDir* LiveLimitsTest::control_dir_ = nullptr;
FailpointFile* LiveLimitsTest::control_ = nullptr;

TEST_F(LiveLimitsTest, OriginAllowList) {
  std::string error;
  auto refused = WsClient::Connect(S().port(), "/v1/ws", {{"Origin", "https://evil.example.com"}}, false, &error, 1s);
  EXPECT_FALSE(refused);
  EXPECT_THAT(error, HasSubstr("403"));
  auto allowed = WsClient::Connect(S().port(), "/v1/ws", {{"Origin", "https://app.example.com"}}, false, &error);
  EXPECT_TRUE(allowed) << error;
}

TEST_F(LiveLimitsTest, SubscriptionSqlSizeIsConfigurable) {
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  const std::string sql = "SELECT * FROM app.t WHERE body LIKE '" + std::string(80, '%') + "x'";
  ws->SendText(SubscribeMessage("long", sql));
  JsonDoc refused = Next(*ws);
  EXPECT_EQ(refused.Str("/code"), "INVALID_SQL") << refused.Raw();
  EXPECT_EQ(refused.Str("/message"), "Subscription SQL is " + std::to_string(sql.size()) +
                                         " bytes, more than the limit of 100 (websocket.max_subscription_sql_bytes)");
  SubscribeAndLoad(*ws, "short", "SELECT * FROM app.t WHERE body LIKE '%x'");
}

TEST_F(LiveLimitsTest, AuthTimeoutClosesWith1008) {
  auto ws = WsClient::Connect(S().port());
  ASSERT_TRUE(ws);
  // Past the 1 s auth timeout on the server's clock.
  ASSERT_TRUE(Control().AdvanceClock(2s));
  JsonDoc error = Next(*ws, 3s);
  EXPECT_EQ(error.Str("/type"), "auth_error");
  EXPECT_THAT(error.Str("/message"), HasSubstr("Authentication timeout - no auth message received within 1 seconds"));
  EXPECT_FALSE(ws->Receive(3s).has_value());
  EXPECT_EQ(ws->close_code(), 1008);
}

TEST_F(LiveLimitsTest, SilentClientIsClosedByHeartbeat) {
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  // A client that answers nothing (no reads: no automatic pongs) while the server's clock moves
  // past the 2 s client timeout. (A client that answers stays: AnsweringClientStaysConnected.)
  ASSERT_TRUE(Control().AdvanceClock(3s));
  EXPECT_FALSE(ws->Receive(5s).has_value());
  EXPECT_TRUE(ws->closed());
  EXPECT_EQ(ws->close_code(), 1000);
  EXPECT_EQ(ws->close_reason(), "Heartbeat timeout");
}

// A connection that answers pings lives on past every internal deadline of the server's clock
// (the write deadline is at least 30 s): nothing but the heartbeat may end it. The clock moves
// 35 s in quarter seconds; each second brings a ping (heartbeat 1 s), which the client answers
// well inside the 2 s client timeout.
TEST_F(LiveLimitsTest, AnsweringClientStaysConnected) {
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  SubscribeAndLoad(*ws, "long", "SELECT * FROM app.t WHERE body = 'still here'");
  size_t pings = ws->pings_received();
  auto since_ping = 0ms;
  for (int step = 0; step < 140; ++step) {
    ASSERT_TRUE(Control().AdvanceClock(250ms));
    since_ping += 250ms;
    ws->Receive(0ms);  // reads what has arrived, answering a ping with a pong
    if (ws->pings_received() == pings && since_ping >= 1s) {
      // A ping is due by now: wait for it (in real time).
      ASSERT_TRUE(PollUntil([&] {
        ws->Receive(1ms);
        return ws->pings_received() > pings || ws->closed();
      })) << "no ping at step "
          << step;
    }
    if (ws->pings_received() > pings) {
      pings = ws->pings_received();
      since_ping = 0ms;
    }
    ASSERT_FALSE(ws->closed()) << ws->close_code() << " " << ws->close_reason();
  }
  S().Sql("INSERT INTO app.t (body) VALUES ('still here')", "alice");
  EXPECT_EQ(Next(*ws).Str("/rows/0/body"), "still here");
}

TEST_F(LiveLimitsTest, SubscriptionLimits) {
  auto a = S().Connect("alice");
  auto b = S().Connect("alice");
  for (int i = 0; i < 3; ++i) SubscribeAndLoad(*a, "s" + std::to_string(i), "SELECT * FROM app.t");
  a->SendText(SubscribeMessage("s3", "SELECT * FROM app.t"));
  EXPECT_EQ(Next(*a).Str("/code"), "SUBSCRIPTION_LIMIT_EXCEEDED");
  SubscribeAndLoad(*b, "s0", "SELECT * FROM app.t");  // the user's 4th
  b->SendText(SubscribeMessage("s1", "SELECT * FROM app.t"));
  EXPECT_EQ(Next(*b).Str("/code"), "SUBSCRIPTION_LIMIT_EXCEEDED");
  a->Close();
  ASSERT_TRUE(PollUntil([&] {
    return JsonDoc(S().Sql("SELECT count(*) FROM system.live WHERE user_id = 'alice'")).Str("/results/0/rows/0/0") ==
           "1";
  })) << "a's subscriptions are still in system.live";
  SubscribeAndLoad(*b, "s1", "SELECT * FROM app.t");  // room again after the socket closed
}

TEST_F(LiveLimitsTest, MessageSizeAndRate) {
  auto ws = S().Connect("alice");
  ASSERT_TRUE(ws);
  int limited = 0;
  for (int i = 0; i < 30; ++i) ws->SendText(R"({"type":"ping"})");
  while (auto text = ws->Receive(500ms)) {
    JsonDoc m(*text);
    if (m.Str("/code") == "RATE_LIMIT_EXCEEDED") {
      EXPECT_EQ(m.Str("/subscription_id"), "rate_limit");
      ++limited;
    }
  }
  EXPECT_GE(limited, 5);
  // The next second of the server's clock: a new rate window (and still within the 2 s
  // client timeout, counted from the last message).
  ASSERT_TRUE(Control().AdvanceClock(1s));
  ws->SendText(R"({"type":"ping","pad":")" + std::string(5000, 'x') + "\"}");
  EXPECT_EQ(Next(*ws).Str("/code"), "MESSAGE_TOO_LARGE");
  EXPECT_FALSE(ws->Receive(3s).has_value());
  EXPECT_EQ(ws->close_code(), 1009);
}

TEST_F(LiveLimitsTest, PendingChangesOverflowFailsTheSubscription) {
  S().Sql("INSERT INTO app.t (body) VALUES ('a'), ('b')", "alice");
  auto ws = S().Connect("alice");
  ws->SendText(SubscribeMessage("p", "SELECT * FROM app.t", R"({"batch_size":1})"));
  EXPECT_EQ(Next(*ws).Str("/type"), "subscription_ack");
  EXPECT_EQ(Next(*ws).Str("/batch_control/status"), "loading");
  // Still loading (no next_batch): more changes than max_pending_changes (5).
  for (int i = 0; i < 7; ++i) S().Sql("INSERT INTO app.t (body) VALUES ('x')", "alice");
  JsonDoc failed = Next(*ws);
  EXPECT_EQ(failed.Str("/code"), "SUBSCRIPTION_FAILED");
  ws->SendText(R"({"type":"next_batch","subscription_id":"p"})");
  EXPECT_EQ(Next(*ws).Str("/code"), "BATCH_FETCH_FAILED");
}

TEST_F(LiveLimitsTest, SlowConsumerIsClosedAndWritersAreNotBlocked) {
  auto slow = S().Connect("alice");
  auto fast = S().Connect("alice");
  SubscribeAndLoad(*slow, "s", "SELECT * FROM app.t");
  SubscribeAndLoad(*fast, "f", "SELECT * FROM app.t");
  constexpr int kStatements = 200;
  constexpr int kRowsPerStatement = 10;
  std::atomic<int> received{0};
  std::thread reader([&] {
    while (received.load() < kStatements * kRowsPerStatement && fast->Receive(3s)) received.fetch_add(1);
  });
  // The slow client never reads: ~20 MB of changes overflow the kernel's socket buffers and
  // then its 200 KB queue, while the writer and the other client carry on.
  const std::string body(10000, 'z');
  std::string values;
  for (int j = 0; j < kRowsPerStatement; ++j) values += (j ? "," : "") + std::string("('") + body + "')";
  for (int i = 0; i < kStatements; ++i) {
    S().Sql("INSERT INTO app.t (body) VALUES " + values, "alice");  // expects 200
    // Paced by the reading client, so only the one that does not read falls behind; the reader
    // keeping up with every statement is what shows that nobody waits for the slow client.
    const auto wait_until = std::chrono::steady_clock::now() + 5s;
    while (received.load() < (i + 1) * kRowsPerStatement && std::chrono::steady_clock::now() < wait_until) {
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_GE(received.load(), (i + 1) * kRowsPerStatement) << "the reading client stalled after statement " << i;
  }
  reader.join();
  EXPECT_EQ(received.load(), kStatements * kRowsPerStatement);  // the other client got everything
  while (slow->Receive(1s)) {
  }
  EXPECT_TRUE(slow->closed());
  EXPECT_EQ(slow->close_code(), 1008);
  EXPECT_EQ(slow->close_reason(), "Slow consumer");
}

TEST(LiveShutdownTest, ShutdownClosesWebSocketsWith1001) {
  LiveServer server;
  ASSERT_TRUE(server.started()) << server.process().output();
  auto ws = server.Connect("root");
  ASSERT_TRUE(ws);
  EXPECT_EQ(server.process().Stop(), 0);
  EXPECT_FALSE(ws->Receive(3s).has_value());
  EXPECT_TRUE(ws->closed());
  EXPECT_EQ(ws->close_code(), 1001);
}

}  // namespace
}  // namespace kalam::testing
