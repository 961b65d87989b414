#include "kalam/api/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "kalam/api/api_service.h"

namespace kalam::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

HttpRequest ToRequest(const http::request<http::string_body>& req, const tcp::endpoint& peer) {
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
  out.body = req.body();
  const auto address = peer.address();
  out.peer_ip = address.is_v4() || !address.to_v6().is_v4_mapped()
                    ? address.to_string()
                    : asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  out.peer_loopback = address.is_loopback() ||
                      (address.is_v6() && address.to_v6().is_v4_mapped() &&
                       asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback());
  return out;
}

http::response<http::string_body> ToBeast(HttpResponse&& res, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  out.set(http::field::server, "kalamdb");
  out.set(http::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) out.insert(name, value);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive && !res.close);
  out.prepare_payload();
  return out;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  ApiService& service;
  asio::io_context io;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  std::vector<std::thread> io_threads;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};

  std::mutex mu;  // guards sockets, stopped
  std::unordered_set<beast::tcp_stream*> streams;
  std::condition_variable stopped_cv;
  bool stopped = false;

  Impl(const HttpServerOptions& opts, ApiService& svc)
      : options(opts), service(svc), workers(std::max(1u, opts.worker_threads)), acceptor(io) {}

  asio::awaitable<void> Accept() {
    while (!stopping.load()) {
      auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) break;
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::error_code ignored;
    const tcp::endpoint peer = socket.remote_endpoint(ignored);
    beast::tcp_stream stream(std::move(socket));
    {
      std::lock_guard lock(mu);
      streams.insert(&stream);
    }
    ConnectionState state;
    beast::flat_buffer buffer;
    while (!stopping.load()) {
      stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.request_body_limit);
      parser.header_limit(64 * 1024);
      auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (ec == http::error::body_limit) {
        HttpResponse res = service.BodyTooLarge(parser.content_length().value_or(0), options.request_body_limit);
        auto out = ToBeast(std::move(res), 11, false);
        co_await http::async_write(stream, out, kUseTuple);
        break;
      }
      if (ec) break;
      http::request<http::string_body> req = parser.release();
      const bool keep_alive = req.keep_alive();
      HttpRequest request = ToRequest(req, peer);
      HttpResponse response;
      in_flight.fetch_add(1);
      stream.expires_never();
      // Engine work runs on the worker pool; the I/O thread goes back to other sockets.
      co_await asio::post(workers, asio::use_awaitable);
      service.Handle(request, state, response);
      co_await asio::post(stream.get_executor(), asio::use_awaitable);
      in_flight.fetch_sub(1);
      auto out = ToBeast(std::move(response), req.version(), keep_alive && !stopping.load());
      const bool close = !out.keep_alive();
      auto [write_ec, written] = co_await http::async_write(stream, out, kUseTuple);
      if (write_ec || close) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    {
      std::lock_guard lock(mu);
      streams.erase(&stream);
    }
    // The engine session must be released on a worker, not while holding the I/O thread
    // for long; sessions are cheap to drop, so doing it here is fine.
    state.session.reset();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
  Wait();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, ApiService& service) {
  auto impl = std::make_unique<Impl>(options, service);
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
  for (unsigned i = 0; i < std::max(1u, options.io_threads); ++i) {
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(impl_->options.shutdown_grace_seconds);
  while (impl_->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  asio::post(impl_->io, [impl = impl_.get()] {
    std::lock_guard lock(impl->mu);
    for (auto* stream : impl->streams) stream->cancel();
  });
  impl_->workers.join();
  impl_->io.stop();
  for (auto& t : impl_->io_threads) {
    if (t.joinable()) t.join();
  }
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopped = true;
  }
  impl_->stopped_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace kalam::api
