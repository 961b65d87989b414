#pragma once

#include <cstddef>
#include <cstdint>

namespace kalam::live {

// `[rate_limit]` and `[websocket]` settings the live-query module enforces (docs/configuration.md).
// 0 disables a limit.
struct LiveLimits {
  uint32_t max_subscriptions_per_user = 100;  // across the user's connections
  uint32_t max_subscriptions_per_connection = 100;
  size_t max_pending_changes = 100000;  // buffered while initial data is paged
  // Bytes of a subscription's SQL. Its filter runs for every change to the table on the shared
  // delivery path, so its size (and the length of its LIKE patterns) is bounded.
  size_t max_subscription_sql_bytes = 16384;
};

}  // namespace kalam::live
