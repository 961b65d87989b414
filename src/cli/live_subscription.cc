#include "live_subscription.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <simdjson.h>

#include <type_traits>

#include "exit_code.h"
#include "interrupt.h"
#include "io_driver.h"
#include "json_read.h"
#include "kalam/commons/json_writer.h"
#include "subscription_printer.h"

namespace kalam::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kSubscriptionId = "kalam-cli";
constexpr auto kReconnectPause = std::chrono::milliseconds(500);

// How one connection ended.
enum class Ending {
  kConnectFailed,  // never connected (refused, resolve, TLS)
  kRejected,       // the upgrade was refused (401/403/503)
  kLost,           // connected, then the connection dropped: reconnect
  kFailed,         // the server reported an error for the subscription
  kStopped,        // Ctrl+C or the timeout closed it
};

struct Connection {
  const ServerUrl& url;
  const std::string& authorization;
  const SubscribeOptions& options;
  SubscriptionPrinter& printer;
  std::string& last_seq;  // the resume point, kept across connections
  std::FILE* err;
  asio::io_context& io;
  std::function<void()> close;  // set once the socket exists
  bool subscribed = false;
  std::string error_text;

  std::string SubscribeMessage() const {
    std::string text;
    JsonWriter writer(&text);
    writer.StartObject().Key("type").String("subscribe").Key("subscription").StartObject();
    writer.Key("id").String(kSubscriptionId).Key("sql").String(options.sql).Key("options").StartObject();
    if (!last_seq.empty()) writer.Key("from").String(last_seq);
    writer.EndObject().EndObject().EndObject();
    return text;
  }

  std::string NextBatchMessage(std::string_view seq) const {
    std::string text;
    JsonWriter(&text).StartObject().Key("type").String("next_batch").Key("subscription_id").String(kSubscriptionId)
        .Key("last_seq_id").String(seq).EndObject();
    return text;
  }

  template <typename Next>
  asio::awaitable<Ending> Run(websocket::stream<Next>& ws) {
    ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
      request.set(beast::http::field::authorization, authorization);
      request.set(beast::http::field::user_agent, "kalam/" KALAMDB_VERSION);
    }));
    websocket::response_type response;
    auto [handshake_ec] = co_await ws.async_handshake(response, url.HostHeader(), "/v1/ws", kUseTuple);
    if (handshake_ec) {
      if (response.result_int() != 0 && response.result_int() != 101) {
        error_text = "the server refused the WebSocket (HTTP " + std::to_string(response.result_int()) + ")";
        co_return Ending::kRejected;
      }
      error_text = handshake_ec.message();
      co_return Ending::kConnectFailed;
    }
    ws.text(true);
    const bool resumed = !last_seq.empty();
    auto [write_ec, written] = co_await ws.async_write(asio::buffer(SubscribeMessage()), kUseTuple);
    if (write_ec) co_return Ending::kLost;
    if (resumed) std::fprintf(err, "-- resubscribed from seq %s\n", last_seq.c_str());
    simdjson::dom::parser parser;
    beast::flat_buffer buffer;
    while (true) {
      buffer.clear();
      auto [read_ec, read] = co_await ws.async_read(buffer, kUseTuple);
      if (read_ec) {
        if (read_ec == websocket::error::closed) {
          error_text = "closed by the server (" + std::to_string(ws.reason().code) + " " +
                       std::string(ws.reason().reason.c_str()) + ")";
        } else {
          error_text = read_ec.message();
        }
        co_return Ending::kLost;
      }
      const std::string raw = beast::buffers_to_string(buffer.data());
      simdjson::dom::element message;
      if (parser.parse(raw).get(message) != simdjson::SUCCESS) continue;
      std::string_view type;
      type = JsonString(message["type"]);
      if (type == "subscription_ack") {
        subscribed = true;
        printer.OnAck(message, raw, resumed);
        std::string_view status, seq;
        if (message["batch_control"]["status"].get_string().get(status) == simdjson::SUCCESS && status == "ready" &&
            message["batch_control"]["last_seq_id"].get_string().get(seq) == simdjson::SUCCESS) {
          last_seq = std::string(seq);
        }
      } else if (type == "initial_data_batch") {
        printer.OnBatch(message, raw);
        std::string_view status, seq;
        status = JsonString(message["batch_control"]["status"]);
        seq = JsonString(message["batch_control"]["last_seq_id"]);
        if (status == "ready") {
          if (!seq.empty()) last_seq = std::string(seq);
        } else {
          auto [next_ec, next_written] = co_await ws.async_write(asio::buffer(NextBatchMessage(seq)), kUseTuple);
          if (next_ec) co_return Ending::kLost;
        }
      } else if (type == "change") {
        printer.OnChange(message, raw);
        std::string_view seq;
        if (message["seq"].get_string().get(seq) == simdjson::SUCCESS) last_seq = std::string(seq);
      } else if (type == "error") {
        std::string_view code, text;
        code = JsonString(message["code"]);
        text = JsonString(message["message"]);
        error_text = std::string(code) + ": " + std::string(text);
        co_return Ending::kFailed;
      }
    }
  }

  asio::awaitable<Ending> Open() {
    tcp::resolver resolver(io);
    auto [resolve_ec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple);
    if (resolve_ec) {
      error_text = resolve_ec.message();
      co_return Ending::kConnectFailed;
    }
    if (url.tls) {
      ssl::context context(ssl::context::tls_client);
      context.set_default_verify_paths();
      context.set_verify_mode(ssl::verify_peer);
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, context);
      co_return co_await Closable(ws, endpoints);
    }
    websocket::stream<beast::tcp_stream> ws(io);
    co_return co_await Closable(ws, endpoints);
  }

  // Lets Ctrl+C and the timeout close `ws` (through `close`) for as long as it is in use.
  template <typename Next>
  asio::awaitable<Ending> Closable(websocket::stream<Next>& ws, const tcp::resolver::results_type& endpoints) {
    close = [&ws] {
      beast::error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    };
    const Ending ending = co_await Establish(ws, endpoints);
    close = nullptr;
    co_return ending;
  }

  // Connects (with TLS for an ssl stream), then runs the subscription.
  template <typename Next>
  asio::awaitable<Ending> Establish(websocket::stream<Next>& ws, const tcp::resolver::results_type& endpoints) {
    auto [connect_ec, endpoint] = co_await beast::get_lowest_layer(ws).async_connect(endpoints, kUseTuple);
    if (connect_ec) {
      error_text = connect_ec.message();
      co_return Ending::kConnectFailed;
    }
    if constexpr (!std::is_same_v<Next, beast::tcp_stream>) {
      ws.next_layer().set_verify_callback(ssl::host_name_verification(url.host));
      SSL_set_tlsext_host_name(ws.next_layer().native_handle(), url.host.c_str());
      auto [tls_ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, kUseTuple);
      if (tls_ec) {
        error_text = tls_ec.message();
        co_return Ending::kConnectFailed;
      }
    }
    co_return co_await Run(ws);
  }
};

}  // namespace

Status RunSubscription(KalamClient& client, const SubscribeOptions& options, std::FILE* out, std::FILE* err) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = options.timeout ? Clock::now() + *options.timeout : Clock::time_point::max();
  SubscriptionPrinter printer(options.print, out);
  std::string last_seq;
  const std::string authorization = client.Authorization();
  bool ever_subscribed = false;
  asio::io_context io;
  while (true) {
    Connection connection{client.url(), authorization, options, printer, last_seq, err, io, nullptr, false, {}};
    bool done = false;
    Ending ending = Ending::kLost;
    asio::co_spawn(io, connection.Open(), [&](std::exception_ptr, Ending result) {
      ending = result;
      done = true;
    });
    const DriveOutcome outcome = Drive(io, done, deadline, [&] {
      if (connection.close) connection.close();
    }, {});
    ever_subscribed = ever_subscribed || connection.subscribed;
    if (outcome != DriveOutcome::kDone) {
      ClearInterrupt();
      return Status::Ok();
    }
    switch (ending) {
      case Ending::kStopped:
        return Status::Ok();
      case Ending::kFailed:
        return Status(kServerRefused, "subscription failed: " + connection.error_text);
      case Ending::kRejected:
        if (!ever_subscribed) return Status(kAuthFailed, connection.error_text);
        break;
      case Ending::kConnectFailed:
        if (!ever_subscribed) {
          return Status(kConnectionFailed, "cannot reach " + client.url().ToString() + ": " + connection.error_text);
        }
        break;
      case Ending::kLost:
        if (!ever_subscribed) return Status(kConnectionFailed, "connection lost: " + connection.error_text);
        std::fprintf(err, "-- connection lost (%s); reconnecting\n", connection.error_text.c_str());
        break;
    }
    // Wait a little before the next try, still answering Ctrl+C and the timeout.
    asio::steady_timer pause(io, kReconnectPause);
    bool paused = false;
    pause.async_wait([&](const beast::error_code&) { paused = true; });
    if (Drive(io, paused, deadline, [&] { pause.cancel(); }, {}) != DriveOutcome::kDone) {
      ClearInterrupt();
      return Status::Ok();
    }
  }
}

}  // namespace kalam::cli
