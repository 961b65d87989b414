#pragma once

// A minimal blocking HTTP/1.1 client for the load tools (http_load.cc, noisy_bench.cc): one
// keep-alive connection over raw sockets with TCP_NODELAY, answers framed by Content-Length or
// chunked transfer encoding. Raw sockets rather than Beast so that the client's own cost per
// request stays small next to the server's. Not thread-safe: one Connection per client thread.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "load_tool_util.h"

namespace kalam::bench {

struct Response {
  int status = 0;  // 0 = transport failure
  std::string body;
  uint64_t body_bytes = 0;  // also counted when the body was discarded
  bool timed_out = false;   // no answer within the connection's timeout (the connection is closed)
};

class Connection {
 public:
  Connection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `request` (complete, headers and body) and reads one answer. Reconnects once when a
  // kept-alive connection turns out to be closed before anything was read. With keep_body false
  // the body is read and counted but only its first kDiscardKeeps bytes are kept (answers of
  // hundreds of MB; the start of an error body still tells what went wrong).
  Response RoundTrip(const std::string& request, bool keep_body = true) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !Connect()) return {0, "connect failed: " + std::string(strerror(errno))};
      bool nothing_read = false;
      Response r = TryRoundTrip(request, keep_body, &nothing_read);
      if (r.status != 0 || !nothing_read) return r;
      Close();
    }
    return {0, "connection closed by server"};
  }

  // Gives up on an answer after `timeout` without progress (0 = wait forever); from the next
  // connect on. A request that timed out is not retried (it may have been executed).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  bool Connect() {
    Close();
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (timeout_.count() > 0) {
      const timeval tv{static_cast<time_t>(timeout_.count() / 1000), static_cast<suseconds_t>(timeout_.count() % 1000 * 1000)};
      setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    if (inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1 ||
        connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Close();
      return false;
    }
    return true;
  }

 private:
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buffer_.clear();
    timed_out_ = false;
  }

  Response TimedOut() {
    Close();
    Response r{0, "timed out after " + std::to_string(timeout_.count()) + " ms"};
    r.timed_out = true;
    return r;
  }

  Response TryRoundTrip(const std::string& request, bool keep_body, bool* nothing_read) {
    size_t sent = 0;
    while (sent < request.size()) {
      const ssize_t n = send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return TimedOut();
        *nothing_read = true;
        return {0, "send failed: " + std::string(strerror(errno))};
      }
      sent += static_cast<size_t>(n);
    }
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore()) {
        if (timed_out_) return TimedOut();
        *nothing_read = buffer_.empty();
        Close();
        return {0, "connection closed while reading the answer"};
      }
    }
    Response r;
    if (buffer_.compare(0, 5, "HTTP/") != 0 || buffer_.size() < 12) {
      Close();
      return {0, "malformed status line"};
    }
    r.status = std::atoi(buffer_.c_str() + 9);
    size_t content_length = 0;
    bool has_length = false, chunked = false, close_after = false;
    for (size_t line = buffer_.find("\r\n") + 2; line < header_end;) {
      const size_t eol = buffer_.find("\r\n", line);
      std::string_view field(buffer_.data() + line, eol - line);
      const size_t colon = field.find(':');
      if (colon != std::string_view::npos) {
        std::string name(field.substr(0, colon));
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = field.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (name == "content-length") {
          content_length = std::strtoull(std::string(value).c_str(), nullptr, 10);
          has_length = true;
        } else if (name == "transfer-encoding" && value.find("chunked") != std::string_view::npos) {
          chunked = true;
        } else if (name == "connection" && (value == "close" || value == "Close")) {
          close_after = true;
        }
      }
      line = eol + 2;
    }
    buffer_.erase(0, header_end + 4);
    const bool ok = chunked      ? ReadChunked(keep_body, &r)
                    : has_length ? ReadBody(content_length, keep_body, &r)
                                 : false;
    if (!ok) {
      if (timed_out_) return TimedOut();
      Close();
      return {0, has_length || chunked ? "connection closed in the body" : "answer without Content-Length"};
    }
    if (close_after) Close();
    return r;
  }

  // Moves `n` body bytes from the socket (through buffer_) into r.
  bool ReadBody(size_t n, bool keep_body, Response* r) {
    while (n > 0) {
      if (buffer_.empty() && !ReadMore()) return false;
      const size_t take = std::min(n, buffer_.size());
      const size_t keep = keep_body ? take : std::min(take, kDiscardKeeps - std::min(kDiscardKeeps, r->body.size()));
      r->body.append(buffer_, 0, keep);
      buffer_.erase(0, take);
      r->body_bytes += take;
      n -= take;
    }
    return true;
  }

  bool ReadLine(std::string* line) {
    size_t eol;
    while ((eol = buffer_.find("\r\n")) == std::string::npos) {
      if (!ReadMore()) return false;
    }
    line->assign(buffer_, 0, eol);
    buffer_.erase(0, eol + 2);
    return true;
  }

  bool ReadChunked(bool keep_body, Response* r) {
    std::string line;
    for (;;) {
      if (!ReadLine(&line)) return false;
      const size_t size = std::strtoull(line.c_str(), nullptr, 16);
      if (size == 0) break;
      if (!ReadBody(size, keep_body, r) || !ReadLine(&line)) return false;
    }
    // Trailer fields, then the empty line.
    do {
      if (!ReadLine(&line)) return false;
    } while (!line.empty());
    return true;
  }

  bool ReadMore() {
    char chunk[65536];
    for (;;) {
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      timed_out_ = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      return false;
    }
  }

  static constexpr size_t kDiscardKeeps = 4096;

  std::string host_;
  int port_;
  int fd_ = -1;
  std::chrono::milliseconds timeout_{0};
  bool timed_out_ = false;  // the last ReadMore failed on the timeout
  std::string buffer_;      // bytes read but not consumed yet
};

// `POST /v1/api/sql` requests with a fixed Authorization header value ("Basic ..." or
// "Bearer ...").
class RequestBuilder {
 public:
  RequestBuilder(const std::string& host, int port, const std::string& authorization)
      : head_("POST /v1/api/sql HTTP/1.1\r\nHost: " + host + ":" + std::to_string(port) +
              "\r\nAuthorization: " + authorization + "\r\nContent-Type: application/json\r\nContent-Length: ") {}

  std::string Sql(std::string_view sql, std::string_view params_json = {}) const {
    std::string body = "{\"sql\":" + JsonQuote(sql);
    if (!params_json.empty()) body += ",\"params\":" + std::string(params_json);
    body += "}";
    return head_ + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  std::string head_;
};

inline std::string BasicAuthorization(std::string_view user, std::string_view password) {
  return "Basic " + Base64(std::string(user) + ":" + std::string(password));
}

}  // namespace kalam::bench
