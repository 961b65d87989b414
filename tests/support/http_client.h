#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kalam::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; the last value of repeated ones
  std::vector<std::string> set_cookies;         // every Set-Cookie value, in order
  bool keep_alive = true;                       // false when the server closes after this response
  std::string transport_error;                  // set (and status 0) when no response arrived
};

// A small blocking HTTP/1.1 client with one keep-alive connection. A request is sent once:
// a connection the server already closed (idle timeout, restart) is replaced before sending,
// but a connection that fails after the request went out is reported (status 0,
// transport_error), never silently retried, so a dropped connection or a doubled INSERT
// cannot hide.
class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string address = "127.0.0.1") : port_(port), address_(std::move(address)) {}

  // Opens the connection now (the server counts it from its accept).
  void Open() {
    if (!stream_) Connect();
  }
  // Closes the connection; the next request opens a new one.
  void Close() {
    if (!stream_) return;
    boost::beast::error_code ignored;
    stream_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_->close();
    stream_.reset();
  }

  HttpResult Request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {}) {
    namespace http = boost::beast::http;
    if (stream_ && PeerClosed()) stream_.reset();
    if (!stream_) Connect();
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    boost::beast::error_code ec;
    http::write(*stream_, req, ec);
    http::response<http::string_body> res;
    if (!ec) http::read(*stream_, buffer_, res, ec);
    HttpResult out;
    if (ec) {
      stream_.reset();
      buffer_.clear();
      out.transport_error = ec.message();
      return out;
    }
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
      if (name == "set-cookie") out.set_cookies.emplace_back(f.value());
    }
    out.keep_alive = res.keep_alive();
    if (!res.keep_alive()) stream_.reset();
    return out;
  }

  HttpResult Sql(const std::string& body, const std::string& authorization = "Basic cm9vdDprYWxhbWRiMTIz") {
    return Request("POST", "/v1/api/sql", body,
                   {{"Authorization", authorization}, {"Content-Type", "application/json"}});
  }

 private:
  // Whether the server has closed the idle connection: readable with nothing to read.
  bool PeerClosed() {
    const int fd = stream_->socket().native_handle();
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char byte;
    return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
  }

  void Connect() {
    buffer_.clear();
    stream_.emplace(io_);
    stream_->connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(address_), port_));
  }

  uint16_t port_;
  std::string address_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace kalam::testing
