#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <memory>
#include <optional>
#include <utility>

namespace kalam::api {

// The same connection as a socket bound to `executor` (a strand), so that every operation on
// it, the intermediate steps of Beast's composed operations included, runs there.
template <typename Executor>
boost::asio::ip::tcp::socket RehomeSocket(const Executor& executor, boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);  // fails only on a dead socket; any protocol then
  const auto protocol = ec ? boost::asio::ip::tcp::v4() : local.protocol();
  const auto handle = socket.release(ec);
  return boost::asio::ip::tcp::socket(executor, protocol, handle);
}

// One client connection, plain TCP or TLS over it (server.tls_cert_path), behind one stream
// type so that the HTTP loop and the WebSocket session are written once. A Beast
// AsyncReadStream/AsyncWriteStream; `tcp()` is the lowest layer in both cases (timeouts,
// shutdown, peeking for a hang-up). Not thread-safe, like the streams it wraps.
class AnyStream {
 public:
  using Tcp = boost::beast::tcp_stream;
  using Tls = boost::beast::ssl_stream<Tcp>;
  using executor_type = Tcp::executor_type;

  explicit AnyStream(Tcp plain) : plain_(std::move(plain)) {}
  // TLS over `plain`; the handshake is the caller's (tls().async_handshake). `context` must
  // outlive the stream.
  AnyStream(Tcp plain, boost::asio::ssl::context& context) : tls_(std::make_unique<Tls>(std::move(plain), context)) {}

  bool is_tls() const { return tls_ != nullptr; }
  Tcp& tcp() { return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_; }
  Tls& tls() { return *tls_; }
  executor_type get_executor() { return tcp().get_executor(); }

  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          if (tls_) {
            tls_->async_read_some(b, std::move(handler));
          } else {
            plain_->async_read_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          if (tls_) {
            tls_->async_write_some(b, std::move(handler));
          } else {
            plain_->async_write_some(b, std::move(handler));
          }
        },
        token, buffers);
  }

 private:
  std::optional<Tcp> plain_;  // set for a plain connection
  std::unique_ptr<Tls> tls_;  // set for a TLS one (heap: an SSL stream must not move)

  template <typename Handler>
  friend void async_teardown(boost::beast::role_type role, AnyStream& stream, Handler&& handler) {
    if (stream.tls_) {
      boost::beast::async_teardown(role, *stream.tls_, std::forward<Handler>(handler));
    } else {
      boost::beast::websocket::async_teardown(role, stream.plain_->socket(), std::forward<Handler>(handler));
    }
  }
  friend void teardown(boost::beast::role_type role, AnyStream& stream, boost::beast::error_code& ec) {
    if (stream.tls_) {
      boost::beast::teardown(role, *stream.tls_, ec);
    } else {
      boost::beast::websocket::teardown(role, stream.plain_->socket(), ec);
    }
  }
  // Beast closes the lowest layer this way when a WebSocket operation times out.
  friend void beast_close_socket(AnyStream& stream) {
    boost::beast::error_code ignored;
    stream.tcp().socket().close(ignored);
  }
};

}  // namespace kalam::api
