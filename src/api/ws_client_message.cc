#include "ws_client_message.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace kalam::api {
namespace {

// A JSON member as option text: a number's digits or a string's contents. Other types (and
// numbers that are not plain integers) are malformed.
bool OptionText(simdjson::dom::element value, std::optional<std::string>* out) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64: *out = std::to_string(int64_t(value)); return true;
    case simdjson::dom::element_type::UINT64: *out = std::to_string(uint64_t(value)); return true;
    case simdjson::dom::element_type::STRING: *out = std::string(std::string_view(value)); return true;
    case simdjson::dom::element_type::DOUBLE: {
      // 1000.0 is still an integer in JSON's eyes; 1.5 is not (rejected by the range check).
      const double d = double(value);
      const bool integral = std::isfinite(d) && std::fabs(d) < 9.0e18 && d == std::trunc(d);
      *out = integral ? std::to_string(static_cast<int64_t>(d)) : "x";
      return true;
    }
    default: return false;
  }
}

std::string StringMember(simdjson::dom::object object, std::string_view key) {
  std::string_view out;
  if (object[key].get(out) != simdjson::SUCCESS) return {};
  return std::string(out);
}

live::SubscribeRequest ParseSubscribe(simdjson::dom::object message) {
  live::SubscribeRequest request;
  simdjson::dom::object subscription;
  if (message["subscription"].get(subscription) != simdjson::SUCCESS) return request;
  request.id = StringMember(subscription, "id");
  request.sql = StringMember(subscription, "sql");
  simdjson::dom::element options;
  if (subscription["options"].get(options) != simdjson::SUCCESS || options.is_null()) return request;
  request.options_given = true;
  simdjson::dom::object fields;
  if (options.get(fields) != simdjson::SUCCESS) {
    request.options_malformed = true;
    return request;
  }
  for (auto [key, value] : fields) {
    std::optional<std::string>* target = nullptr;
    if (key == "batch_size") {
      target = &request.batch_size;
    } else if (key == "last_rows") {
      target = &request.last_rows;
    } else if (key == "from" || key == "from_seq_id") {
      target = &request.from;
    }
    if (target != nullptr && !value.is_null() && !OptionText(value, target)) request.options_malformed = true;
  }
  return request;
}

AuthenticateMessage ParseAuthenticate(simdjson::dom::object message) {
  AuthenticateMessage out;
  const std::string method = StringMember(message, "method");
  if (method == "jwt") {
    out.method = AuthenticateMessage::Method::kJwt;
    out.token = StringMember(message, "token");
  } else if (method == "basic") {
    out.method = AuthenticateMessage::Method::kBasic;
    out.user = StringMember(message, "user");
    out.password = StringMember(message, "password");
  }
  return out;
}

}  // namespace

ClientMessage ParseClientMessage(simdjson::dom::parser& parser, std::string_view text) {
  simdjson::dom::object message;
  std::string_view type;
  if (parser.parse(text.data(), text.size(), true).get(message) != simdjson::SUCCESS ||
      message["type"].get(type) != simdjson::SUCCESS) {
    return MalformedMessage{};
  }
  if (type == "ping") return PingMessage{};
  if (type == "authenticate") return ParseAuthenticate(message);
  if (type == "subscribe") return SubscribeMessage{ParseSubscribe(message)};
  if (type == "next_batch") return NextBatchMessage{StringMember(message, "subscription_id")};
  if (type == "unsubscribe") return UnsubscribeMessage{StringMember(message, "subscription_id")};
  return UnknownMessage{std::string(type)};
}

}  // namespace kalam::api
