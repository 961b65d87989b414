#pragma once

// WebSocket and JSON helpers shared by the load tools that talk the live-query protocol
// (docs/live-queries.md): bench_live.cc and noisy_bench.cc. Header-only (Boost.Beast, simdjson).
#include <simdjson.h>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "load_tool_util.h"

namespace kalam::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// A JSON string or integer value as int64 (BIGINT values are JSON strings, docs/value-encoding.md).
inline std::optional<int64_t> AsInt(simdjson::dom::element e) {
  int64_t v = 0;
  if (e.get(v) == simdjson::SUCCESS) return v;
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS && !s.empty()) {
    char* end = nullptr;
    const std::string copy(s);
    const long long parsed = std::strtoll(copy.c_str(), &end, 10);
    if (end && *end == '\0') return parsed;
  }
  return std::nullopt;
}

inline std::string_view StrField(simdjson::dom::element e, std::string_view key) {
  std::string_view s;
  if (e[key].get(s) != simdjson::SUCCESS) return {};
  return s;
}

using WsStream = websocket::stream<beast::tcp_stream>;

inline thread_local simdjson::dom::parser tls_parser;

// Parses a server message; the element stays valid until the next Parse on this thread.
inline std::optional<simdjson::dom::element> Parse(std::string_view text) {
  simdjson::padded_string padded(text);
  auto result = tls_parser.parse(padded);
  if (result.error() != simdjson::SUCCESS) return std::nullopt;
  return result.value_unsafe();
}

// Opens a WebSocket on `executor` (`authorization` at the upgrade: "Basic ..." or "Bearer ...") and reads the server's first
// message synchronously (it must be auth_success). Refused upgrades with 429/503 (auth rate,
// connection limits) are retried after 1 s, up to `max_attempts` times.
inline std::unique_ptr<WsStream> OpenWs(const boost::asio::any_io_executor& executor, const std::string& host,
                                        int port, const std::string& authorization, std::string* error,
                                        int max_attempts = 120) {
  for (int attempt = 1;; ++attempt) {
    auto ws = std::make_unique<WsStream>(executor);
    beast::error_code ec;
    auto& tcp_layer = beast::get_lowest_layer(*ws);
    tcp_layer.socket().connect(tcp::endpoint(net::ip::make_address(host), static_cast<uint16_t>(port)), ec);
    if (ec) {
      *error = "connect: " + ec.message();
      return nullptr;
    }
    tcp_layer.socket().set_option(tcp::no_delay(true), ec);
    websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws->set_option(timeouts);
    ws->set_option(websocket::stream_base::decorator(
        [&authorization](websocket::request_type& req) { req.set(http::field::authorization, authorization); }));
    ws->read_message_max(64 * 1024 * 1024);
    websocket::response_type res;
    res.result(0u);
    ws->handshake(res, host + ":" + std::to_string(port), "/v1/ws", ec);
    if (ec) {
      const unsigned status = res.result_int();
      *error =
          status ? "upgrade refused: HTTP " + std::to_string(status) + " " + res.body() : "handshake: " + ec.message();
      if ((status == 429 || status == 503) && attempt < max_attempts) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        continue;
      }
      return nullptr;
    }
    ws->text(true);
    beast::flat_buffer first;
    ws->read(first, ec);
    if (ec) {
      *error = "reading auth_success: " + ec.message();
      return nullptr;
    }
    const std::string text = beast::buffers_to_string(first.data());
    auto msg = Parse(text);
    if (!msg || StrField(*msg, "type") != "auth_success") {
      *error = "expected auth_success, got " + text;
      return nullptr;
    }
    return ws;
  }
}

// A `subscribe` client message (docs/live-queries.md); options_json is a JSON object or empty.
inline std::string SubscribeMessage(const std::string& id, const std::string& sql, const std::string& options_json = "") {
  std::string msg = "{\"type\":\"subscribe\",\"subscription\":{\"id\":" + JsonQuote(id) + ",\"sql\":" + JsonQuote(sql);
  if (!options_json.empty()) msg += ",\"options\":" + options_json;
  return msg + "}}";
}

}  // namespace kalam::bench
