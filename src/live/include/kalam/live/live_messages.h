#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/data_type.h"
#include "kalam/commons/ids.h"
#include "kalam/commons/role.h"
#include "kalam/commons/status.h"

namespace kalam::live {

// The server → client messages of docs/live-queries.md, as JSON text. One place for their shapes:
// the live-query module writes subscription messages, the WebSocket transport writes the
// authentication and protocol ones.

enum class LiveErrorCode : uint8_t {
  kAuthRequired,
  kInvalidSubscriptionId,
  kSubscriptionLimitExceeded,
  kUnauthorized,
  kNotFound,
  kInvalidSql,
  kInvalidOptions,
  kUnsupported,
  kSubscriptionFailed,
  kSubscriptionKilled,
  kBatchFetchFailed,
  kMessageTooLarge,
  kRateLimitExceeded,
  kUnsupportedData,
  kProtocol,
};

std::string_view LiveErrorCodeName(LiveErrorCode code);
// The code of a subscription that failed with `status`.
LiveErrorCode CodeForStatus(const Status& status);

// {"type":"error","subscription_id":..,"code":..,"message":..}
std::string EncodeError(std::string_view subscription_id, LiveErrorCode code, std::string_view message);
// {"type":"unsubscribed","subscription_id":..}
std::string EncodeUnsubscribed(std::string_view subscription_id);
// {"type":"auth_success","user":..,"role":..}
std::string EncodeAuthSuccess(const UserId& user, Role role);
// {"type":"auth_error","message":..}
std::string EncodeAuthError(std::string_view message);
inline std::string EncodePong() { return "{\"type\":\"pong\"}"; }

}  // namespace kalam::live
