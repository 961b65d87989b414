#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kalam/api/http_exchange.h"

namespace kalam::api {

// Cross-origin resource sharing (docs/http-api.md). An empty allow-list admits any origin, which
// is echoed back (never "*", since credentials are allowed and browsers refuse "*" with them);
// otherwise only listed origins get the Access-Control-* headers, and a browser then blocks the
// response for the others. An entry "*" also admits any origin. Immutable after construction;
// thread-safe.
class CorsPolicy {
 public:
  static constexpr std::string_view kAllowMethods = "GET, POST, OPTIONS";
  static constexpr std::string_view kAllowHeaders = "Authorization, Content-Type, X-Request-ID";

  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  bool OriginAllowed(std::string_view origin) const;
  // The 204 answer to an OPTIONS request (any path): methods, headers and max age. The
  // origin headers come from Decorate, as for every response.
  void Preflight(const HttpRequest& request, HttpResponse& response) const;
  // Adds the origin headers when the request has an allowed Origin.
  void Decorate(const HttpRequest& request, HttpResponse& response) const;

 private:
  std::vector<std::string> allowed_;  // without trailing '/'
  bool any_ = false;
};

}  // namespace kalam::api
