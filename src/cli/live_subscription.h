#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "kalam/commons/status.h"
#include "kalam_client.h"
#include "output_format.h"

namespace kalam::cli {

struct SubscribeOptions {
  std::string sql;
  std::optional<std::chrono::seconds> timeout;  // --subscription-timeout; none = until Ctrl+C
  PrintOptions print;
};

// --subscribe / \subscribe: one live query over the WebSocket route (docs/live-queries.md), printed by
// SubscriptionPrinter. Runs until Ctrl+C or the timeout (both a clean stop: Ok). When the
// connection drops (a server restart), it says so on `err`, reconnects and subscribes again
// with `from` = the last seq it saw, and says that too. Failures: kConnectionFailed when the
// first connection fails, kAuthFailed when the upgrade is refused, kServerRefused for a
// subscription error such as INVALID_SQL.
Status RunSubscription(KalamClient& client, const SubscribeOptions& options, std::FILE* out, std::FILE* err);

}  // namespace kalam::cli
