#pragma once

#include <cstddef>
#include <cstdint>

namespace kalam::api {

// `[websocket]` and the per-connection message rate of `[rate_limit]` (docs/live-queries.md).
struct WebSocketOptions {
  uint32_t client_timeout_secs = 10;             // no client frame or pong for this long: close 1000
  uint32_t auth_timeout_secs = 3;                // no `authenticate` message for this long: close 1008
  uint32_t heartbeat_interval_secs = 5;          // server pings this often
  size_t max_message_size = 1024 * 1024;         // larger client messages: MESSAGE_TOO_LARGE, close 1009
  bool compression = true;                       // accept permessage-deflate
  size_t max_outbound_bytes = 16 * 1024 * 1024;  // queued beyond this: close 1008 "Slow consumer"
  uint32_t max_messages_per_sec = 50;            // client messages per connection; 0 = off
};

}  // namespace kalam::api
