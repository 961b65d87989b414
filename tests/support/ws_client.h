#pragma once

// A small synchronous WebSocket client for the end-to-end tests (docs/live-queries.md), built on
// Boost.Beast. Every call blocks the calling thread; one WsClient belongs to one thread.
//
// How it works: the client owns a private io_context and keeps exactly one async_read pending on
// the stream. That io_context runs only inside this class's calls (Connect, Send*, Receive,
// Close), so:
//   - Receive(timeout) runs it until a text message is complete or the time is up. On a timeout
//     the read simply stays pending (nothing is cancelled), so the stream remains fully usable and
//     a later Receive picks up where this one stopped.
//   - Messages that complete while a Send* call runs the io_context are queued and returned by the
//     next Receive, in arrival order.
//   - Beast answers server pings (and the server's close frame) by itself, but only while a read
//     is making progress, i.e. only inside these calls. There is no way to turn Beast's automatic
//     pong off; a client that wants to stay silent (heartbeat-timeout tests, docs/live-queries.md) just does not
//     call Receive or Send* for the period (e.g. sleeps 12 s), then calls Receive to observe the
//     close: Receive returns nullopt and closed() / close_code() / close_reason() tell the rest.
//     Conversely, a test that idles longer than websocket.client_timeout_secs and wants the
//     connection to live must keep calling Receive (e.g. Receive(1s) in a loop).
//   - The client itself never sends pings on its own (Beast's keep_alive_pings is off).
//
// Example:
//   std::string error;
//   auto ws = WsClient::Connect(server.port(), "/v1/ws", {{"Authorization", "Basic cm9vdDprYWxhbWRiMTIz"}},
//                               /*deflate=*/false, &error);
//   ASSERT_TRUE(ws) << error;                       // refused upgrade: error = "401 {...body...}"
//   auto first = ws->Receive(std::chrono::seconds(5));   // {"type":"auth_success",...}
//   ws->SendText(R"({"type":"subscribe","subscription":{"id":"s1","sql":"SELECT * FROM app.t"}})");

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kalam::testing {

class WsClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Opens a TCP connection to 127.0.0.1:`port` and performs the upgrade on `path` with the extra
  // request `headers` (e.g. Authorization, Origin). `deflate` offers permessage-deflate.
  // Returns null on failure; then `*error` (when given) receives "<status> <body>" if the server
  // answered the upgrade with a non-101 response (e.g. "401 {\"status\":\"error\",...}"), else
  // the transport error text (e.g. "connect: Connection refused").
  static std::unique_ptr<WsClient> Connect(int port, const std::string& path = "/v1/ws", const Headers& headers = {},
                                           bool deflate = false, std::string* error = nullptr,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_ptr<WsClient> client(new WsClient());
    std::string message;
    if (!client->DoConnect(port, path, headers, deflate, timeout, &message)) {
      if (error) *error = message;
      return nullptr;
    }
    return client;
  }

  ~WsClient() { Shutdown(std::chrono::milliseconds(500)); }
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Each send blocks until the frame is written (or fails); false when the connection is closed
  // or the write failed.
  bool SendText(const std::string& text) { return Write(text, /*binary=*/false); }
  bool SendBinary(const std::string& data) { return Write(data, /*binary=*/true); }
  // A WebSocket ping control frame (the server answers with a pong, which Beast consumes).
  bool SendPing(const std::string& payload = "") {
    if (closed_) return false;
    bool done = false;
    boost::beast::error_code result;
    ws_.async_ping(boost::beast::websocket::ping_data(payload.substr(0, 125).c_str()),
                   [&](boost::beast::error_code ec) {
                     result = ec;
                     done = true;
                   });
    RunUntil([&] { return done; });
    return !result;
  }

  // The next text message: one queued earlier, or one that arrives within `timeout`. nullopt when
  // the time is up (the connection stays usable) or the connection is closed and nothing is
  // queued. Binary messages from the server are skipped (the server sends text only).
  std::optional<std::string> Receive(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty() && !closed_) {
      StartRead();
      io_.restart();
      if (std::chrono::steady_clock::now() >= deadline) {
        io_.poll();  // what has already arrived still counts (also for a zero timeout)
        break;
      }
      io_.run_one_until(deadline);
    }
    if (inbox_.empty()) return std::nullopt;
    std::string message = std::move(inbox_.front());
    inbox_.pop_front();
    return message;
  }

  // The next text message for which `match` is true; messages skipped on the way are appended
  // to `*skipped` when given (otherwise dropped). nullopt on timeout or close.
  std::optional<std::string> ReceiveMatching(const std::function<bool(const std::string&)>& match,
                                             std::chrono::milliseconds timeout,
                                             std::vector<std::string>* skipped = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto message = Receive(left.count() > 0 ? left : std::chrono::milliseconds(0));
      if (!message) return std::nullopt;
      if (match(*message)) return message;
      if (skipped) skipped->push_back(std::move(*message));
    }
  }

  // Messages already received and not yet returned by Receive.
  size_t queued() const { return inbox_.size(); }
  // Pings received from the server so far (each answered with a pong, inside Receive).
  size_t pings_received() const { return pings_received_; }

  // True once the connection ended (close frame from either side, or a transport error). Only
  // noticed inside a call (typically Receive).
  bool closed() const { return closed_; }
  // The close code the server sent (e.g. 1000, 1008, 1009); 0 while open or when this side
  // closed first without an answer; 1006 when the connection dropped without a close frame.
  int close_code() const { return close_code_; }
  // The reason text of the server's close frame (e.g. "Heartbeat timeout"), or for 1006 the
  // transport error text.
  std::string close_reason() const { return close_reason_; }

  // Whether the server agreed to permessage-deflate (Sec-WebSocket-Extensions in the 101 answer).
  bool deflate_negotiated() const { return deflate_negotiated_; }
  // The 101 response's headers as received (lower-case names not guaranteed; use beast's field
  // lookup, e.g. handshake_response()[boost::beast::http::field::sec_websocket_extensions]).
  const boost::beast::websocket::response_type& handshake_response() const { return response_; }

  // Sends a normal close (1000) and waits briefly for the server's close answer, then drops the
  // TCP connection. Safe to call more than once.
  void Close(std::chrono::milliseconds timeout = std::chrono::seconds(2)) { Shutdown(timeout); }

 private:
  WsClient() : ws_(io_) {}

  bool DoConnect(int port, const std::string& path, const Headers& headers, bool deflate,
                 std::chrono::milliseconds timeout, std::string* error) {
    namespace beast = boost::beast;
    namespace websocket = boost::beast::websocket;
    using tcp = boost::asio::ip::tcp;
    if (deflate) {
      websocket::permessage_deflate pmd;
      pmd.client_enable = true;
      ws_.set_option(pmd);
    }
    // Handshake limited by `timeout`; no idle timeout and no automatic pings afterwards.
    websocket::stream_base::timeout opt{};
    opt.handshake_timeout = timeout;
    opt.idle_timeout = websocket::stream_base::none();
    opt.keep_alive_pings = false;
    ws_.set_option(opt);
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) ++pings_received_;
    });

    bool done = false;
    beast::error_code result;
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(timeout);
    tcp_layer.async_connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)),
                            [&](beast::error_code ec) {
                              result = ec;
                              done = true;
                            });
    RunUntil([&] { return done; });
    if (result) {
      *error = "connect: " + result.message();
      return false;
    }
    tcp_layer.expires_never();  // the websocket layer's own timeout applies from here on
    tcp_layer.socket().set_option(tcp::no_delay(true), result);

    done = false;
    response_.result(0u);  // stays 0 unless an HTTP answer to the upgrade was read
    ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), path, [&](beast::error_code ec) {
      result = ec;
      done = true;
    });
    RunUntil([&] { return done; });
    if (result) {
      if (response_.result_int() != 0) {
        *error = std::to_string(response_.result_int()) + " " + response_.body();
      } else {
        *error = "handshake: " + result.message();
      }
      beast::error_code ignored;
      tcp_layer.socket().close(ignored);
      closed_ = true;
      return false;
    }
    const auto extensions = response_[beast::http::field::sec_websocket_extensions];
    deflate_negotiated_ = extensions.find("permessage-deflate") != boost::beast::string_view::npos;
    return true;
  }

  bool Write(const std::string& data, bool binary) {
    if (closed_) return false;
    bool done = false;
    boost::beast::error_code result;
    ws_.binary(binary);
    ws_.async_write(boost::asio::buffer(data), [&](boost::beast::error_code ec, size_t) {
      result = ec;
      done = true;
    });
    RunUntil([&] { return done; });
    return !result;
  }

  // Keeps one read pending while the connection is open; completed text messages go to inbox_.
  void StartRead() {
    if (reading_ || closed_) return;
    reading_ = true;
    ws_.async_read(buffer_, [this](boost::beast::error_code ec, size_t) {
      reading_ = false;
      if (ec) {
        OnClosed(ec);
        return;
      }
      if (ws_.got_text()) inbox_.push_back(boost::beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      StartRead();
    });
  }

  void OnClosed(boost::beast::error_code ec) {
    if (closed_) return;
    closed_ = true;
    const auto& reason = ws_.reason();
    if (ec == boost::beast::websocket::error::closed || reason.code != 0) {
      close_code_ = static_cast<int>(reason.code);
      close_reason_ = std::string(reason.reason.data(), reason.reason.size());
    } else if (!closing_) {
      close_code_ = 1006;
      close_reason_ = ec.message();
    }
  }

  // Runs the io_context until `done()` holds (this also advances the pending read). Past
  // `limit` the connection is dropped so that the operation completes with an error: its handler
  // refers to the caller's locals and must have run before the caller returns.
  template <class Pred>
  void RunUntil(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      io_.restart();
      if (io_.run_one_until(deadline) == 0 && !done()) {
        boost::beast::error_code ignored;
        boost::beast::get_lowest_layer(ws_).socket().close(ignored);
        io_.restart();
        while (!done() && io_.run_one() != 0) {
        }
        if (!closed_) OnClosed(boost::asio::error::timed_out);
        return;
      }
    }
  }

  void Shutdown(std::chrono::milliseconds timeout) {
    namespace beast = boost::beast;
    if (shut_down_) return;
    shut_down_ = true;
    if (!closed_) {
      closing_ = true;
      bool done = false;
      StartRead();  // the pending read receives the server's close answer
      ws_.async_close(beast::websocket::close_code::normal, [&](beast::error_code) { done = true; });
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      while (!done && std::chrono::steady_clock::now() < deadline) {
        io_.restart();
        if (io_.run_one_until(deadline) == 0) break;
      }
      closed_ = true;
    }
    // Drop the socket and let every outstanding handler finish (with operation_aborted).
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
    io_.restart();
    io_.run();
  }

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::websocket::response_type response_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  bool reading_ = false;
  bool closed_ = false;
  size_t pings_received_ = 0;
  bool closing_ = false;
  bool shut_down_ = false;
  bool deflate_negotiated_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

}  // namespace kalam::testing
