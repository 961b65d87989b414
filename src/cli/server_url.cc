#include "server_url.h"

#include <charconv>

namespace kalam::cli {

std::string ServerUrl::ToString() const {
  return std::string(tls ? "https://" : "http://") + HostHeader();
}

std::string ServerUrl::HostHeader() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ServerUrl> ServerUrl::Parse(std::string_view text) {
  ServerUrl url;
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid URL '" + std::string(text) + "': " + std::string(why));
  };
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    url.tls = true;
    url.port = 443;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    url.port = 80;
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    return bad("the scheme must be http or https");
  } else {
    url.port = 8080;
  }
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") return bad("a path is not supported");
    rest = rest.substr(0, slash);
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated IPv6 address");
    url.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.starts_with(':')) port_text = rest.substr(1);
    else if (!rest.empty()) return bad("unexpected text after the address");
  } else {
    const size_t colon = rest.rfind(':');
    url.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (url.host.empty()) return bad("no host");
  if (!port_text.empty() || rest.ends_with(':')) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return bad("the port must be 1..65535");
    }
    url.port = static_cast<uint16_t>(port);
  }
  return url;
}

}  // namespace kalam::cli
