#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kalam/commons/result.h"

namespace kalam::filestore {

// One HTTP(S) exchange over libcurl, for the S3 client. No retries and no signing here: the
// caller decides what a failure means. Thread-safe (each call uses its own handle).
struct HttpRequest {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  // When set, the response body goes to this file instead of HttpResponse::body (only for a
  // 2xx answer; an error's body is always kept in memory for its message).
  std::FILE* sink = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

struct HttpTimeouts {
  int64_t connect_ms = 5000;
  int64_t request_ms = 30000;  // the whole exchange, body included
};

// The response, whatever its status. A failure to connect, a timeout or a broken connection is
// Unavailable (the request may be retried); the message names the URL's host, never headers.
Result<HttpResponse> HttpSend(const HttpRequest& request, const HttpTimeouts& timeouts);

}  // namespace kalam::filestore
