#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kalam/api/api_metrics.h"
#include "kalam/api/client_presence.h"
#include "kalam/commons/ids.h"

namespace kalam::core {
class Session;
}

namespace kalam::api {

// One HTTP request as the routes see it (independent of the HTTP library).
struct HttpRequest {
  std::string method;  // upper case
  std::string target;  // path and query
  std::string path;    // path only
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // The TCP peer.
  std::string peer_ip;
  bool peer_loopback = false;
  bool peer_tls = false;  // the connection is TLS (server.tls_cert_path)

  // Filled by ApiService::Screen before any route runs. The client is the TCP peer, or the
  // address named by X-Forwarded-For / X-Real-IP when the peer is a trusted proxy
  // (docs/http-api.md); "loopback" in the protocol's sense is client_loopback.
  std::string client_ip;
  bool client_loopback = false;
  // The password attempt of the Authorization header was counted against the per-IP auth rate
  // when the request arrived (ApiService::AdmitAuth), so checking it must not count it again.
  bool auth_charged = false;
  // Answering it may cost a bcrypt: its worker-pool key is the client address's password
  // checks, whatever user name it claims.
  bool password_check = false;
  bool https = false;       // TLS of our own, or X-Forwarded-Proto: https from a trusted proxy
  std::string request_id;   // X-Request-ID as received when well-formed, else generated

  // First header named `name` (lower case), or empty.
  std::string_view Header(std::string_view name) const;
  // The value of cookie `name` from the Cookie header(s), or empty.
  std::string_view Cookie(std::string_view name) const;
};

// What the access log records about a request beyond method, path and status. Filled by the
// routes; never sent to the client.
struct RequestTrace {
  std::string user;        // the authenticated user, empty when none
  std::string statements;  // statement kinds of a SQL request ("SELECT", "CREATE TABLE,INSERT")
  // GET /metrics labels: the first statement's kind, and the answer's `error` code (a string
  // literal; empty for a success).
  StatementKind statement = StatementKind::kNone;
  std::string_view error;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";  // empty = no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response
  RequestTrace trace;
};

// State that lives as long as one keep-alive connection: the engine session of the last
// authenticated user is reused while the same user keeps sending requests. `presence` is
// shared with the server's watch on the socket while a request runs.
struct ConnectionState {
  UserId session_user;
  std::unique_ptr<core::Session> session;
  std::shared_ptr<ClientPresence> presence = std::make_shared<ClientPresence>();
};

}  // namespace kalam::api
