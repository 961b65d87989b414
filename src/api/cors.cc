#include "cors.h"

#include <algorithm>
#include <utility>

namespace kalam::api {
namespace {

std::string_view WithoutTrailingSlash(std::string_view origin) {
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  return origin;
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins) {
  for (std::string& origin : allowed_origins) {
    if (origin == "*") any_ = true;
    allowed_.emplace_back(WithoutTrailingSlash(origin));
  }
  if (allowed_.empty()) any_ = true;
}

bool CorsPolicy::OriginAllowed(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any_) return true;
  origin = WithoutTrailingSlash(origin);
  return std::find(allowed_.begin(), allowed_.end(), origin) != allowed_.end();
}

void CorsPolicy::Preflight(const HttpRequest& request, HttpResponse& response) const {
  response.status = 204;
  response.content_type.clear();
  response.body.clear();
  response.headers.emplace_back("Access-Control-Allow-Methods", kAllowMethods);
  response.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
  response.headers.emplace_back("Access-Control-Max-Age", "86400");
}

void CorsPolicy::Decorate(const HttpRequest& request, HttpResponse& response) const {
  const std::string_view origin = request.Header("origin");
  // Caches must not serve one origin's answer to another.
  if (!any_ || !origin.empty()) response.headers.emplace_back("Vary", "Origin");
  if (!OriginAllowed(origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  response.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-ID, Retry-After");
}

}  // namespace kalam::api
