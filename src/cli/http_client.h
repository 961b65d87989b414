#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "server_url.h"

namespace kalam::cli {

// Spare capacity kept after an answer's body: simdjson reads up to this far past the end, and
// parses in place only when the capacity is there (simdjson::SIMDJSON_PADDING).
inline constexpr size_t kAnswerPadding = 64;

struct HttpAnswer {
  int status = 0;
  std::string body;  // capacity >= size + kAnswerPadding when the server sent a Content-Length
};

// Called about every 100 ms while a request waits, with the time since it was sent (the
// spinner draws itself from it).
using WaitTick = std::function<void(std::chrono::milliseconds elapsed)>;

// A keep-alive HTTP/1.1 connection to one server, plain or TLS (OpenSSL, system CA store).
// Requests are synchronous for the caller; underneath they run on an io_context that the
// caller's thread drives in short slices, so that Ctrl+C (InterruptRequested) or the timeout
// closes the socket while a statement runs, which makes the server stop it. Failures:
// kConnectionFailed (refused, reset, timed out), kCancelled (Ctrl+C). Not thread-safe.
class HttpClient {
 public:
  HttpClient(ServerUrl url, std::chrono::seconds timeout);
  ~HttpClient();

  // `headers` as (name, value). The answer body is kept whole: it is the answer.
  Result<HttpAnswer> Send(std::string_view method, std::string_view target, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const WaitTick& tick = {});

  const ServerUrl& url() const { return url_; }

 private:
  struct Impl;
  ServerUrl url_;
  std::chrono::seconds timeout_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kalam::cli
