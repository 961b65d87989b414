#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kalam/api/worker_pool.h"
#include "kalam/commons/result.h"

namespace kalam::api {

class ApiService;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;          // 0 = the OS picks
  // I/O threads that run the one io_context: they accept, read, write and ping, and never
  // wait for SQL, bcrypt or disk; that work goes to `workers`.
  unsigned threads = 2;
  // The bounded pool that runs statements, authentication and live-query requests, fair
  // between users (server.statement_workers and the [limits] statement keys).
  WorkerPoolOptions workers;
  size_t request_body_limit = 10 * 1024 * 1024;
  unsigned idle_timeout_seconds = 60;
  unsigned shutdown_grace_seconds = 10;
  // server.tls_cert_path / server.tls_key_path (PEM): both set = every connection is TLS
  // (HTTPS and WSS); both empty = plain HTTP.
  std::string tls_cert_path;
  std::string tls_key_path;
};

// HTTP/1.1 server (Boost.Beast, Asio C++20 coroutines) with keep-alive: a fixed set of I/O
// threads share one io_context, and a WorkerPool runs what may block. `service` must outlive
// the server. Thread-safe.
class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, ApiService& service);
  ~HttpServer();

  // The bound port (useful with port 0).
  uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (bounded by shutdown_grace_seconds),
  // then closes every connection. Idempotent.
  void Stop();
  // Blocks until Stop() has completed.
  void Wait();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kalam::api
