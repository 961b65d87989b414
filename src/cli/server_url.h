#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kalam/commons/result.h"

namespace kalam::cli {

// Where a KalamDB server answers: http(s)://host[:port]. The WebSocket route uses the same
// host and port with ws(s). Parsed once from --url, or from --host/--port.
struct ServerUrl {
  bool tls = false;
  std::string host = "localhost";
  uint16_t port = 8080;

  // "http://localhost:8080" (the port always written, so two spellings compare equal).
  std::string ToString() const;
  // The Host header value.
  std::string HostHeader() const;

  static Result<ServerUrl> Parse(std::string_view text);
};

}  // namespace kalam::cli
