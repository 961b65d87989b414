#include "kalam/api/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "any_stream.h"
#include "connection_guard.h"
#include "kalam/api/api_service.h"
#include "kalam/api/ip_range.h"
#include "kalam/commons/mutex.h"
#include "kalam/commons/thread_annotations.h"
#include "run_on_worker.h"
#include "send_now.h"
#include "ws_session.h"

namespace kalam::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
// How long a connection refused by connection protection may take to send its request.
constexpr unsigned kRefusedReadSeconds = 5;
// How much of an unread request body LingeringClose drops before giving up.
constexpr size_t kMaxLingerBytes = 4 * 1024 * 1024;
// Request headers larger than this are answered 431.
constexpr uint32_t kHeaderLimit = 64 * 1024;
constexpr auto kMinAcceptBackoff = std::chrono::milliseconds(10);
constexpr auto kMaxAcceptBackoff = std::chrono::milliseconds(1000);

// The answer to a request Beast could not parse, or nullopt when there is nobody to answer
// (the peer closed, timed out, or sent nothing).
std::optional<HttpResponse> AnswerToParseError(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return std::nullopt;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::need_more ||
      ec == http::error::need_buffer || ec == http::error::body_limit) {
    return std::nullopt;
  }
  HttpResponse response;
  response.close = true;
  response.content_type = "application/json";
  if (ec == http::error::header_limit) {
    response.status = 431;
    response.body = "{\"error\":\"HEADERS_TOO_LARGE\",\"message\":\"Request headers exceed " +
                    std::to_string(kHeaderLimit) + " bytes\"}";
  } else {
    response.status = 400;
    response.body = "{\"error\":\"BAD_REQUEST\",\"message\":\"Malformed HTTP/1.1 request\"}";
  }
  return response;
}

// The peer as text (v4-mapped IPv6 peers in dotted form) and whether it is loopback.
std::pair<std::string, bool> PeerAddress(const tcp::endpoint& peer) {
  auto address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return {address.to_string(), address.is_loopback()};
}

template <typename Fields>
HttpRequest ToRequest(const http::request_header<Fields>& req, const std::pair<std::string, bool>& peer) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  const size_t q = out.target.find('?');
  out.path = q == std::string::npos ? out.target : out.target.substr(0, q);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.peer_ip = peer.first;
  out.peer_loopback = peer.second;
  return out;
}

http::response<http::string_body> ToBeast(HttpResponse&& res, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  out.set(http::field::server, "kalamdb");
  if (!res.content_type.empty()) out.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) out.insert(name, value);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive && !res.close);
  out.prepare_payload();
  // RFC 9110 §8.6: no Content-Length on a 204 (CORS preflights).
  if (res.status == 204) out.erase(http::field::content_length);
  return out;
}

// While a request runs on a worker, peeks at its connection (nothing is consumed): end of
// stream or a reset means the client hung up, and the statement running for it is
// interrupted (ClientPresence). Bytes mean a pipelined request: the client is there. The
// caller cancels the watch when the request is done; the handler touches only what it owns.
void WatchForHangup(tcp::socket& socket, std::shared_ptr<ClientPresence> presence) {
  char* byte = presence->peek_buffer();
  socket.async_receive(asio::buffer(byte, 1), tcp::socket::message_peek,
                       [presence = std::move(presence)](const beast::error_code& ec, size_t received) {
                         if (ec == asio::error::operation_aborted) return;
                         if (ec || received == 0) presence->MarkGone();
                       });
}

// The server side of TLS 1.2 and 1.3 with the certificate chain and key of the two files (PEM).
Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(const std::string& cert_path, const std::string& key_path) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                       ec);
  context->use_certificate_chain_file(cert_path, ec);
  if (ec) return Status::InvalidArgument("server.tls_cert_path: cannot use '" + cert_path + "': " + ec.message());
  context->use_private_key_file(key_path, asio::ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("server.tls_key_path: cannot use '" + key_path + "': " + ec.message());
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    return Status::InvalidArgument("server.tls_key_path: the key does not match the certificate of server.tls_cert_path");
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  ApiService& service;
  asio::io_context io;
  tcp::acceptor acceptor;
  WorkerPool workers;
  std::vector<std::thread> io_threads;
  // Read without a lock by every connection loop: once true, loops stop at their next turn
  // and answers go out with Connection: close; nothing else depends on seeing it at once.
  std::atomic<bool> stopping{false};

  Mutex mu;
  // HTTP connections still being served, cancelled by Stop after the grace period.
  std::unordered_set<beast::tcp_stream*> streams GUARDED_BY(mu);  // the lowest layer of each
  // Set when server.tls_cert_path is: every connection is TLS (HTTPS and WSS).
  std::unique_ptr<asio::ssl::context> tls;
  // Requests being handled, from admission until their answer is ready; Stop waits for zero.
  int in_flight GUARDED_BY(mu) = 0;
  CondVar drained_cv;  // signalled when in_flight drops to zero
  bool stopped GUARDED_BY(mu) = false;
  CondVar stopped_cv;

  // Upgraded WebSocket connections, closed with 1001 on Stop.
  Mutex ws_mu;
  std::unordered_map<WsSession*, std::weak_ptr<WsSession>> ws_sessions GUARDED_BY(ws_mu);
  CondVar ws_closed_cv;  // signalled when a session leaves ws_sessions
  // Connection ids: a random base so that ids differ across restarts, plus a counter.
  std::atomic<uint64_t> next_connection{std::random_device{}() * 65536ull};

  Impl(const HttpServerOptions& opts, ApiService& svc)
      : options(opts), service(svc), acceptor(io), workers(opts.workers) {}

  asio::awaitable<void> Accept() {
    asio::steady_timer backoff(io);
    auto pause = kMinAcceptBackoff;
    while (!stopping.load()) {
      auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) break;
        // Out of descriptors or memory: the pending connection stays in the backlog and the
        // next accept fails at once, so retrying without a pause spins a core. Wait, doubling
        // up to a second, until connections close.
        if (pause == kMinAcceptBackoff) spdlog::warn("accept failed: {}; pausing accepts", ec.message());
        backoff.expires_after(pause);
        co_await backoff.async_wait(kUseTuple);
        pause = std::min(pause * 2, kMaxAcceptBackoff);
        continue;
      }
      pause = kMinAcceptBackoff;
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::error_code ignored;
    const auto peer = PeerAddress(socket.remote_endpoint(ignored));
    // Connection protection counts TCP peers; a trusted proxy carries many clients, so its
    // connections are not counted (its clients' requests still are, by forwarded address).
    const auto peer_address = IpAddress::Parse(peer.first);
    const bool trusted_proxy = peer_address && InAnyRange(service.options().trusted_proxies, *peer_address);
    ConnectionGuard::ConnectionDecision admission =
        service.guard().OpenConnection(peer.first, peer.second, trusted_proxy);
    // A TLS connection lives on its own strand from the start: its SSL state cannot be moved
    // to another executor when it becomes a WebSocket, and that session needs a strand.
    std::optional<WsSession::Strand> strand;
    if (tls) strand.emplace(asio::make_strand(io));
    AnyStream stream = tls ? AnyStream(beast::tcp_stream(RehomeSocket(*strand, std::move(socket))), *tls)
                           : AnyStream(beast::tcp_stream(std::move(socket)));
    GaugeHold open_connection(service.metrics().http_connections);
    {
      MutexLock lock(&mu);
      streams.insert(&stream.tcp());
    }
    ConnectionState state;
    beast::flat_buffer buffer;
    if (tls) {
      stream.tcp().expires_after(std::chrono::seconds(admission.admitted ? options.idle_timeout_seconds
                                                                         : kRefusedReadSeconds));
      auto [ec] = co_await stream.tls().async_handshake(asio::ssl::stream_base::server, kUseTuple);
      if (ec) {
        if (spdlog::should_log(spdlog::level::debug)) {
          spdlog::debug("tls handshake failed client={}: {}", peer.first, ec.message());
        }
        ForgetConnection(stream);
        co_return;
      }
    }
    while (!stopping.load()) {
      // A refused connection only waits for the one request it is answered on; it is not
      // counted, so it must not linger for a whole idle timeout.
      const unsigned read_seconds = admission.admitted ? options.idle_timeout_seconds : kRefusedReadSeconds;
      stream.tcp().expires_after(std::chrono::seconds(read_seconds));
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.request_body_limit);
      parser.header_limit(kHeaderLimit);
      auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      const auto start = std::chrono::steady_clock::now();
      if (ec == http::error::body_limit || (!ec && !admission.admitted)) {
        // Answered here without a worker; the connection closes after the answer.
        HttpRequest request = ToRequest(parser.get().base(), peer);
        request.peer_tls = stream.is_tls();
        service.Prepare(request);
        HttpResponse response =
            admission.admitted ? service.BodyTooLarge(parser.content_length().value_or(0), options.request_body_limit)
                               : service.TooManyConnections(admission.current, admission.max);
        service.FinishRejected(request, response, start);
        auto out = ToBeast(std::move(response), parser.get().version(), false);
        co_await http::async_write(stream, out, kUseTuple);
        co_await LingeringClose(stream);
        break;
      }
      if (ec) {
        if (auto answer = AnswerToParseError(ec)) {
          auto out = ToBeast(std::move(*answer), 11, false);
          co_await http::async_write(stream, out, kUseTuple);
          co_await LingeringClose(stream);
        }
        break;
      }
      http::request<http::string_body> req = parser.release();
      const bool keep_alive = req.keep_alive();
      HttpRequest request = ToRequest(req.base(), peer);
      request.peer_tls = stream.is_tls();
      HttpResponse response;
      service.Prepare(request);
      if (ApiService::IsWebSocketPath(request.path) && beast::websocket::is_upgrade(req)) {
        std::optional<auth::Identity> identity;
        bool upgrade = false;
        if (!service.Screen(request, response) && !service.AdmitAuth(request, response)) {
          // An Authorization header on the upgrade may mean a bcrypt check: a worker's job.
          const Admission queued = co_await RunOnWorker(workers, service.FairnessKey(request), [&] {
            upgrade = service.CheckWebSocketUpgrade(request, stopping.load(), response, &identity);
          });
          if (queued != Admission::kAccepted) service.Overloaded(queued, workers.options(), response);
        }
        if (upgrade) {
          service.Finish(request, response, start);
          stream.tcp().expires_never();
          {
            MutexLock lock(&mu);
            streams.erase(&stream.tcp());
          }
          open_connection.Release();
          StartWebSocket(std::move(stream), strand, std::move(req), std::move(identity), peer.first,
                         std::move(admission.slot));
          co_return;
        }
        service.Finish(request, response, start);
        auto out = ToBeast(std::move(response), req.version(), false);
        co_await http::async_write(stream, out, kUseTuple);
        break;
      }
      request.body = std::move(req.body());
      const bool on_io_thread = ApiService::RunsOnIoThread(request);
      bool on_worker = false;  // this coroutine was resumed on the worker that handled the request
      if (service.Screen(request, response) || (!on_io_thread && service.AdmitAuth(request, response))) {
        service.FinishRejected(request, response, start);
      } else {
        EnterRequest();
        stream.tcp().expires_never();
        if (on_io_thread) {
          service.Handle(request, state, response);
        } else {
          // Statements and password checks run on the worker pool, fair between users; this
          // thread goes back to reading, writing and pinging until the answer is ready. A
          // plain connection's answer is sent by the worker (see below).
          WatchForHangup(stream.tcp().socket(), state.presence);
          const Admission queued =
              co_await RunOnWorker(workers, service.FairnessKey(request),
                                   [&] { HandleContained(request, state, response); },
                                   tls ? ResumeOn::kExecutor : ResumeOn::kWorker);
          on_worker = !tls && queued == Admission::kAccepted;
          // On a worker the watch stays armed: cancelling it from there would wake an I/O
          // thread for its completion. It ends when the next request's first byte arrives
          // (ahead of the read that takes it) or with the connection.
          if (!on_worker) stream.tcp().socket().cancel(ignored);  // ends the watch
          if (queued != Admission::kAccepted) service.Overloaded(queued, workers.options(), response);
        }
        service.Finish(request, response, start);
        LeaveRequest();
      }
      auto out = ToBeast(std::move(response), req.version(), keep_alive && !stopping.load());
      const bool close = !out.keep_alive();
      http::serializer<false, http::string_body> serializer(out);
      if (on_worker) {
        // Still on the worker: send what the socket takes now (all of a usual answer), so
        // that no I/O thread is woken to write it. The rest, if any, goes out asynchronously.
        beast::error_code send_ec;
        SendWithoutWaiting(stream.tcp().socket().native_handle(), serializer, send_ec);
        if (send_ec) break;
      }
      if (!serializer.is_done()) {
        auto [write_ec, written] = co_await http::async_write(stream, serializer, kUseTuple);
        if (write_ec) break;
      }
      if (close) break;
    }
    ForgetConnection(stream);
    // The engine session must be released on a worker, not while holding the I/O thread
    // for long; sessions are cheap to drop, so doing it here is fine.
    state.session.reset();
  }

  void HandleContained(const HttpRequest& request, ConnectionState& state, HttpResponse& response) {
    try {
      service.Handle(request, state, response);
    } catch (const std::exception&) {
      // Nothing may escape into the coroutine: answer 500 and keep the connection's
      // bookkeeping (in-flight count, stream registry) intact.
      response = HttpResponse{};
      response.status = 500;
      response.body = "{\"error\":\"INTERNAL_ERROR\",\"message\":\"Request failed\"}";
      response.close = true;
    }
  }

  // `strand` is the TLS connection's own; a plain connection gets one here.
  void StartWebSocket(AnyStream stream, std::optional<WsSession::Strand> strand, http::request<http::string_body> request,
                      std::optional<auth::Identity> identity, const std::string& peer_ip,
                      ConnectionGuard::Slot slot) {
    char id[17];
    std::snprintf(id, sizeof(id), "%016llx", static_cast<unsigned long long>(next_connection.fetch_add(1)));
    const bool plain = !strand;
    if (plain) strand.emplace(asio::make_strand(io));
    AnyStream homed = plain ? AnyStream(beast::tcp_stream(RehomeSocket(*strand, stream.tcp().release_socket())))
                            : std::move(stream);
    auto session = std::make_shared<WsSession>(*strand, std::move(homed), service, workers, std::string(id), peer_ip,
                                               std::move(slot));
    {
      MutexLock lock(&ws_mu);
      ws_sessions.emplace(session.get(), session);
    }
    service.metrics().websocket_connections.Add(1);
    session->Start(std::move(request), std::move(identity), [this, raw = session.get()] {
      service.metrics().websocket_connections.Add(-1);
      MutexLock lock(&ws_mu);
      ws_sessions.erase(raw);
      if (ws_sessions.empty()) ws_closed_cv.SignalAll();
    });
  }

  void EnterRequest() {
    MutexLock lock(&mu);
    ++in_flight;
  }

  void LeaveRequest() {
    MutexLock lock(&mu);
    if (--in_flight == 0) drained_cv.SignalAll();
  }

  // Waits until no request is being handled, or until `deadline`.
  void DrainRequests(std::chrono::steady_clock::time_point deadline) {
    MutexLock lock(&mu);
    while (in_flight > 0 && drained_cv.WaitUntil(&mu, deadline)) {
    }
  }

  // Closes every WebSocket with 1001 and waits (bounded) for their closing handshakes.
  void CloseWebSockets() {
    std::vector<std::shared_ptr<WsSession>> sessions;
    {
      MutexLock lock(&ws_mu);
      for (auto& [raw, weak] : ws_sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
    }
    for (auto& session : sessions) session->Close(1001, "Server shutting down");
    sessions.clear();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    MutexLock lock(&ws_mu);
    while (!ws_sessions.empty() && ws_closed_cv.WaitUntil(&ws_mu, deadline)) {
    }
  }

  // After answering a request whose body was not read (413, 503): stop sending, then read
  // and drop what the client still sends for a short while. Closing with unread data would
  // make the kernel send a reset, which can destroy the answer before the client reads it.
  // Stops sending on a connection that is done and forgets it.
  void ForgetConnection(AnyStream& stream) {
    beast::error_code ignored;
    stream.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    MutexLock lock(&mu);
    streams.erase(&stream.tcp());
  }

  static asio::awaitable<void> LingeringClose(AnyStream& stream) {
    beast::error_code ignored;
    stream.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.tcp().expires_after(std::chrono::seconds(2));
    char sink[16 * 1024];
    size_t drained = 0;
    while (drained < kMaxLingerBytes) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
      if (ec) break;
      drained += n;
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, ApiService& service) {
  auto impl = std::make_unique<Impl>(options, service);
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return Status::InvalidArgument("server.tls_cert_path and server.tls_key_path must be set together");
  }
  if (!options.tls_cert_path.empty()) {
    KALAM_ASSIGN_OR_RETURN(impl->tls, MakeTlsContext(options.tls_cert_path, options.tls_key_path));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
  if (ec) return Status::InvalidArgument("invalid server.host '" + options.host + "': " + ec.message());
  const tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
  }
  asio::co_spawn(impl->io, impl->Accept(), asio::detached);
  for (unsigned i = 0; i < std::max(1u, options.threads); ++i) {
    impl->io_threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
  // Let requests that are running finish, up to the grace period.
  impl_->DrainRequests(std::chrono::steady_clock::now() + std::chrono::seconds(impl_->options.shutdown_grace_seconds));
  impl_->CloseWebSockets();
  asio::post(impl_->io, [impl = impl_.get()] {
    MutexLock lock(&impl->mu);
    for (auto* stream : impl->streams) stream->cancel();
  });
  impl_->io.stop();
  for (auto& t : impl_->io_threads) {
    if (t.joinable()) t.join();
  }
  // Running tasks refer to their connections' coroutine frames, which go with the io_context:
  // they finish (bounded by the statement timeout) before anything is torn down.
  impl_->workers.Stop();
  // WebSockets that did not finish their closing handshake in time.
  {
    MutexLock lock(&impl_->ws_mu);
    for (auto& [raw, weak] : impl_->ws_sessions) {
      if (auto session = weak.lock()) session->Abandon();
    }
  }
  {
    MutexLock lock(&impl_->mu);
    impl_->stopped = true;
  }
  impl_->stopped_cv.SignalAll();
}

void HttpServer::Wait() {
  MutexLock lock(&impl_->mu);
  while (!impl_->stopped) impl_->stopped_cv.Wait(&impl_->mu);
}

}  // namespace kalam::api
