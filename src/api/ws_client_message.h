#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <variant>

#include "kalam/live/subscribe_request.h"

namespace kalam::api {

// The client → server WebSocket messages of docs/live-queries.md, decoded from their JSON
// text. Decoding is kept apart from the session (ws_session.cc decides what each message does)
// so that it can be tested and fuzzed without a socket. Strings are copies: nothing points
// into the parser once ParseClientMessage returns.

// Not a JSON object, or no string `type`.
struct MalformedMessage {};

struct PingMessage {};

struct AuthenticateMessage {
  enum class Method { kJwt, kBasic, kOther };
  Method method = Method::kOther;
  std::string token;     // kJwt
  std::string user;      // kBasic
  std::string password;  // kBasic
};

struct SubscribeMessage {
  live::SubscribeRequest request;
};

struct NextBatchMessage {
  std::string subscription_id;
};

struct UnsubscribeMessage {
  std::string subscription_id;
};

// A well-formed message whose `type` is none of the above.
struct UnknownMessage {
  std::string type;
};

using ClientMessage = std::variant<MalformedMessage, PingMessage, AuthenticateMessage, SubscribeMessage,
                                   NextBatchMessage, UnsubscribeMessage, UnknownMessage>;

// Decodes one text message. Missing or mistyped string members read as empty; subscription
// options that are neither numbers nor strings set `options_malformed`. Never throws.
// `parser` keeps its buffers between calls (one per connection); not shared between threads.
ClientMessage ParseClientMessage(simdjson::dom::parser& parser, std::string_view text);

}  // namespace kalam::api
