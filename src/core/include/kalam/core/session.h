#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"

namespace duckdb {
class Connection;
}

namespace kalam::core {

class QueryState;

// One client's conversation with the engine: who is acting, the current namespace, and a
// DuckDB connection of its own (prepared plans are per connection). Created by
// Engine::CreateSession; must not outlive the engine. Not thread-safe: one statement at a
// time per session.
class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const UserId& user_id() const { return user_id_; }
  Role role() const { return role_; }
  const NamespaceId& current_namespace() const { return current_namespace_; }
  void set_current_namespace(NamespaceId ns) { current_namespace_ = std::move(ns); }
  // The WebSocket URL that SUBSCRIBE TO reports (docs/sql-reference.md); the transport sets it per
  // request from server.public_origin or the request's Host.
  const std::string& live_url() const { return live_url_; }
  void set_live_url(std::string url) { live_url_ = std::move(url); }
  // The client of the current request, for system.audit_log; the transport sets them per
  // request (empty when embedded).
  const std::string& client_ip() const { return client_ip_; }
  const std::string& request_id() const { return request_id_; }
  void set_client(std::string ip, std::string request_id) {
    client_ip_ = std::move(ip);
    request_id_ = std::move(request_id);
  }

  // Stops the statement running on this session, and the later statements of its request:
  // the client it answers went away. The only member that may be called from another thread
  // while a statement runs.
  void Interrupt();
  bool interrupted() const { return interrupted_.load(); }

 private:
  friend class Engine;
  // `state` is owned by the connection's client context.
  Session(UserId user, Role role, std::unique_ptr<duckdb::Connection> connection, QueryState* state);

  UserId user_id_;
  Role role_;
  NamespaceId current_namespace_{"default"};
  std::string live_url_;
  std::string client_ip_;
  std::string request_id_;
  std::unique_ptr<duckdb::Connection> connection_;
  QueryState* state_;
  // Set once by Interrupt and never cleared: a session whose client left has no more work.
  std::atomic<bool> interrupted_{false};
};

}  // namespace kalam::core
