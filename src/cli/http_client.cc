#include "http_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>

#include "exit_code.h"
#include "io_driver.h"

namespace kalam::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct HttpClient::Impl {
  asio::io_context io;
  std::optional<ssl::context> tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  bool connected() const { return plain.has_value() || tls.has_value(); }
  beast::tcp_stream& tcp_layer() { return plain ? *plain : tls->next_layer(); }

  void Reset() {
    plain.reset();
    tls.reset();
    buffer.clear();
  }

  // Closing the socket completes every pending operation with an error.
  void Abort() {
    if (connected()) {
      beast::error_code ignored;
      tcp_layer().socket().close(ignored);
    }
  }

  asio::awaitable<beast::error_code> Connect(const ServerUrl& url) {
    tcp::resolver resolver(io);
    auto [ec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), kUseTuple);
    if (ec) co_return ec;
    if (url.tls) {
      if (!tls_context) {
        tls_context.emplace(ssl::context::tls_client);
        tls_context->set_default_verify_paths();
        tls_context->set_verify_mode(ssl::verify_peer);
      }
      tls.emplace(io, *tls_context);
      tls->set_verify_callback(ssl::host_name_verification(url.host));
      SSL_set_tlsext_host_name(tls->native_handle(), url.host.c_str());
    } else {
      plain.emplace(io);
    }
    auto [connect_ec, endpoint] = co_await tcp_layer().async_connect(endpoints, kUseTuple);
    if (connect_ec) co_return connect_ec;
    tcp_layer().socket().set_option(tcp::no_delay(true));
    if (tls) {
      auto [handshake_ec] = co_await tls->async_handshake(ssl::stream_base::client, kUseTuple);
      if (handshake_ec) co_return handshake_ec;
    }
    co_return beast::error_code{};
  }

  template <typename Stream>
  asio::awaitable<beast::error_code> Exchange(Stream& stream, http::request<http::string_body>& request,
                                              HttpAnswer& answer) {
    auto [write_ec, written] = co_await http::async_write(stream, request, kUseTuple);
    if (write_ec) co_return write_ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);  // the answer is whatever the server's limits allow
    auto [header_ec, header_read] = co_await http::async_read_header(stream, buffer, parser, kUseTuple);
    if (header_ec) co_return header_ec;
    // Room for the JSON parser's padding from the start, so the body is never copied to add it.
    if (const auto length = parser.content_length()) {
      parser.get().body().reserve(static_cast<size_t>(*length) + kAnswerPadding);
    }
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kUseTuple);
    if (read_ec) co_return read_ec;
    answer.status = static_cast<int>(parser.get().result_int());
    answer.body = std::move(parser.get().body());
    if (!parser.get().keep_alive()) Reset();
    co_return beast::error_code{};
  }

  // One attempt on the current connection, connecting first when there is none. `reused`
  // tells the caller that a failure may only mean the server closed an idle connection.
  asio::awaitable<beast::error_code> Attempt(const ServerUrl& url, http::request<http::string_body>& request,
                                             HttpAnswer& answer, bool* reused) {
    *reused = connected();
    if (!connected()) {
      const beast::error_code ec = co_await Connect(url);
      if (ec) {
        Reset();
        co_return ec;
      }
    }
    beast::error_code ec = plain ? co_await Exchange(*plain, request, answer) : co_await Exchange(*tls, request, answer);
    if (ec) Reset();
    co_return ec;
  }
};

HttpClient::HttpClient(ServerUrl url, std::chrono::seconds timeout)
    : url_(std::move(url)), timeout_(timeout), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() = default;

Result<HttpAnswer> HttpClient::Send(std::string_view method, std::string_view target, std::string_view body,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    const WaitTick& tick) {
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, url_.HostHeader());
  request.set(http::field::user_agent, "kalam/" KALAMDB_VERSION);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST") {
    request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
  }
  request.keep_alive(true);
  request.prepare_payload();

  HttpAnswer answer;
  bool done = false;
  beast::error_code error;
  asio::co_spawn(
      impl_->io,
      [&]() -> asio::awaitable<void> {
        bool reused = false;
        error = co_await impl_->Attempt(url_, request, answer, &reused);
        // A kept-alive connection the server closed meanwhile fails at once: one fresh try.
        if (error && reused && error != asio::error::operation_aborted) {
          error = co_await impl_->Attempt(url_, request, answer, &reused);
        }
      },
      [&](std::exception_ptr) { done = true; });
  const auto outcome =
      Drive(impl_->io, done, std::chrono::steady_clock::now() + timeout_, [&] { impl_->Abort(); }, tick);
  switch (outcome) {
    case DriveOutcome::kInterrupted:
      impl_->Reset();
      return Status(kCancelled, "cancelled");
    case DriveOutcome::kTimedOut:
      impl_->Reset();
      return Status(kConnectionFailed, "request timed out after " + std::to_string(timeout_.count()) + " s");
    case DriveOutcome::kDone:
      break;
  }
  if (error) {
    impl_->Reset();
    return Status(kConnectionFailed, "cannot reach " + url_.ToString() + ": " + error.message());
  }
  return answer;
}

}  // namespace kalam::cli
