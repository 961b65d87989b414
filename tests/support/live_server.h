#pragma once

// A real kalamdb-server for WebSocket tests (live queries, STREAM tables), with helpers to
// run SQL as several users and to subscribe and read initial data like a client would.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kalam/auth/base64.h"
#include "support/http_client.h"
#include "support/json_doc.h"
#include "support/server_process.h"
#include "support/ws_client.h"

namespace kalam::testing {

inline std::string BasicHeader(const std::string& user, const std::string& password) {
  return "Basic " + auth::Base64Encode(user + ":" + password);
}

inline constexpr const char* kPassword = "Secret123!";

// A server plus helpers to talk to it as several users.
class LiveServer {
 public:
  // `binary`: the server to run (the failpoint build, for a test that moves its clock).
  explicit LiveServer(std::map<std::string, std::string> env = {}, std::string binary = ServerProcess::BinaryPath())
      : env_(std::move(env)) {
    server_.UseBinary(std::move(binary));
    started_ = server_.Start(dir_.path(), env_);
  }
  bool started() const { return started_; }
  // Stops the server (SIGTERM) and starts it again on the same data directory.
  bool Restart() {
    server_.Stop();
    started_ = server_.Start(dir_.path(), env_);
    return started_;
  }
  uint16_t port() const { return server_.port(); }
  ServerProcess& process() { return server_; }

  // Runs SQL as root (or `user`); returns the body and expects 200.
  std::string Sql(const std::string& sql, const std::string& user = "root") {
    HttpClient client(server_.port());
    const std::string auth = user == "root" ? BasicHeader("root", "kalamdb123") : BasicHeader(user, kPassword);
    HttpResult r = client.Sql(Body(sql), auth);
    EXPECT_EQ(r.status, 200) << sql << "\n" << r.body;
    return r.body;
  }
  HttpResult SqlResult(const std::string& sql, const std::string& user = "root") {
    HttpClient client(server_.port());
    const std::string auth = user == "root" ? BasicHeader("root", "kalamdb123") : BasicHeader(user, kPassword);
    return client.Sql(Body(sql), auth);
  }
  void CreateUser(const std::string& user, const std::string& role = "user") {
    Sql("CREATE USER '" + user + "' WITH PASSWORD '" + kPassword + "' ROLE " + role);
  }

  // A connection authenticated by a Basic header; its auth_success is consumed.
  std::unique_ptr<WsClient> Connect(const std::string& user) {
    const std::string password = user == "root" ? "kalamdb123" : kPassword;
    std::string error;
    auto ws = WsClient::Connect(port(), "/v1/ws", {{"Authorization", BasicHeader(user, password)}}, false, &error);
    EXPECT_TRUE(ws) << error;
    if (!ws) return nullptr;
    auto first = ws->Receive(std::chrono::seconds(5));
    EXPECT_TRUE(first.has_value());
    if (first) {
      EXPECT_EQ(JsonDoc(*first).Str("/type"), "auth_success") << *first;
    }
    return ws;
  }

  static std::string Body(const std::string& sql) {
    std::string escaped;
    for (char c : sql) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    return "{\"sql\":\"" + escaped + "\"}";
  }

 private:
  TempDir dir_;
  std::map<std::string, std::string> env_;
  ServerProcess server_;
  bool started_ = false;
};

inline std::string SubscribeMessage(const std::string& id, const std::string& sql, const std::string& options = "") {
  std::string escaped;
  for (char c : sql) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  std::string out = R"({"type":"subscribe","subscription":{"id":")" + id + R"(","sql":")" + escaped + "\"";
  if (!options.empty()) out += ",\"options\":" + options;
  return out + "}}";
}

// The next message, parsed; a failed expectation when none comes within 5 s.
inline JsonDoc Next(WsClient& ws, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto text = ws.Receive(timeout);
  EXPECT_TRUE(text.has_value()) << "no message";
  return JsonDoc(text.value_or("{}"));
}

// Whether another message arrives within `wait` (it is consumed).
inline bool Quiet(WsClient& ws, std::chrono::milliseconds wait = std::chrono::milliseconds(300)) {
  auto text = ws.Receive(wait);
  EXPECT_FALSE(text.has_value()) << "unexpected message: " << text.value_or("");
  return !text.has_value();
}

inline std::string Unquote(const std::string& raw) {
  return raw.size() >= 2 && raw.front() == '"' ? raw.substr(1, raw.size() - 2) : raw;
}

// Subscribes and consumes the ack and (when options are given) every initial batch, asking
// for further pages. Returns the initial rows.
inline std::vector<JsonDoc::Row> SubscribeAndLoad(WsClient& ws, const std::string& id, const std::string& sql,
                                                  const std::string& options = "", std::string* ready_seq = nullptr) {
  ws.SendText(SubscribeMessage(id, sql, options));
  JsonDoc ack = Next(ws);
  EXPECT_EQ(ack.Str("/type"), "subscription_ack") << ack.Raw();
  std::vector<JsonDoc::Row> rows;
  if (options.empty()) {
    EXPECT_EQ(ack.Str("/batch_control/status"), "ready");
    if (ready_seq) *ready_seq = ack.Str("/batch_control/last_seq_id");
    return rows;
  }
  while (true) {
    JsonDoc batch = Next(ws);
    EXPECT_EQ(batch.Str("/type"), "initial_data_batch") << batch.Raw();
    if (batch.Str("/type") != "initial_data_batch") return rows;
    for (auto& row : batch.Rows()) rows.push_back(std::move(row));
    if (batch.Str("/batch_control/status") == "ready") {
      if (ready_seq) *ready_seq = batch.Str("/batch_control/last_seq_id");
      return rows;
    }
    ws.SendText(R"({"type":"next_batch","subscription_id":")" + id + "\"}");
  }
}

}  // namespace kalam::testing
