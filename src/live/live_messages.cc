#include "kalam/live/live_messages.h"

#include "kalam/commons/json_writer.h"

namespace kalam::live {

std::string_view LiveErrorCodeName(LiveErrorCode code) {
  switch (code) {
    case LiveErrorCode::kAuthRequired: return "AUTH_REQUIRED";
    case LiveErrorCode::kInvalidSubscriptionId: return "INVALID_SUBSCRIPTION_ID";
    case LiveErrorCode::kSubscriptionLimitExceeded: return "SUBSCRIPTION_LIMIT_EXCEEDED";
    case LiveErrorCode::kUnauthorized: return "UNAUTHORIZED";
    case LiveErrorCode::kNotFound: return "NOT_FOUND";
    case LiveErrorCode::kInvalidSql: return "INVALID_SQL";
    case LiveErrorCode::kInvalidOptions: return "INVALID_OPTIONS";
    case LiveErrorCode::kUnsupported: return "UNSUPPORTED";
    case LiveErrorCode::kSubscriptionFailed: return "SUBSCRIPTION_FAILED";
    case LiveErrorCode::kSubscriptionKilled: return "SUBSCRIPTION_KILLED";
    case LiveErrorCode::kBatchFetchFailed: return "BATCH_FETCH_FAILED";
    case LiveErrorCode::kMessageTooLarge: return "MESSAGE_TOO_LARGE";
    case LiveErrorCode::kRateLimitExceeded: return "RATE_LIMIT_EXCEEDED";
    case LiveErrorCode::kUnsupportedData: return "UNSUPPORTED_DATA";
    case LiveErrorCode::kProtocol: return "PROTOCOL";
  }
  return "PROTOCOL";
}

LiveErrorCode CodeForStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound: return LiveErrorCode::kNotFound;
    case StatusCode::kPermissionDenied: return LiveErrorCode::kUnauthorized;
    case StatusCode::kUnsupported: return LiveErrorCode::kUnsupported;
    case StatusCode::kInvalidArgument: return LiveErrorCode::kInvalidSql;
    default: return LiveErrorCode::kSubscriptionFailed;
  }
}

std::string EncodeError(std::string_view subscription_id, LiveErrorCode code, std::string_view message) {
  std::string out;
  JsonWriter json(&out);
  json.StartObject().Key("type").String("error").Key("subscription_id").String(subscription_id);
  json.Key("code").String(LiveErrorCodeName(code)).Key("message").String(message).EndObject();
  return out;
}

std::string EncodeUnsubscribed(std::string_view subscription_id) {
  std::string out;
  JsonWriter(&out)
      .StartObject()
      .Key("type")
      .String("unsubscribed")
      .Key("subscription_id")
      .String(subscription_id)
      .EndObject();
  return out;
}

std::string EncodeAuthSuccess(const UserId& user, Role role) {
  std::string out;
  JsonWriter(&out)
      .StartObject()
      .Key("type")
      .String("auth_success")
      .Key("user")
      .String(user.str())
      .Key("role")
      .String(RoleName(role))
      .EndObject();
  return out;
}

std::string EncodeAuthError(std::string_view message) {
  std::string out;
  JsonWriter(&out).StartObject().Key("type").String("auth_error").Key("message").String(message).EndObject();
  return out;
}

}  // namespace kalam::live
