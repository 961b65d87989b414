#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

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
  std::string peer_ip;
  bool peer_loopback = false;

  // First header named `name` (lower case), or empty.
  std::string_view Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after this response
};

// State that lives as long as one keep-alive connection: the engine session of the last
// authenticated user is reused while the same user keeps sending requests.
struct ConnectionState {
  UserId session_user;
  std::unique_ptr<core::Session> session;
};

}  // namespace kalam::api
