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

void AppendLiveValue(const duckdb::Value& value, std::string* out) {
  if (value.IsNull()) return AppendJsonNull(out);
  using duckdb::LogicalTypeId;
  const auto& type = value.type();
  if (type.IsJSONType()) return AppendJsonString(duckdb::StringValue::Get(value), out);
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN: return AppendJsonBool(value.GetValue<bool>(), out);
    case LogicalTypeId::TINYINT:
    case LogicalTypeId::SMALLINT:
    case LogicalTypeId::INTEGER:
    case LogicalTypeId::UTINYINT:
    case LogicalTypeId::USMALLINT: return AppendJsonInt(value.GetValue<int64_t>(), out);
    case LogicalTypeId::BIGINT: return AppendJsonQuotedInt(value.GetValue<int64_t>(), out);
    case LogicalTypeId::UINTEGER:
    case LogicalTypeId::UBIGINT: return AppendJsonQuotedUint(value.GetValue<uint64_t>(), out);
    case LogicalTypeId::FLOAT: return AppendJsonFloat(value.GetValue<float>(), out);
    case LogicalTypeId::DOUBLE: return AppendJsonDouble(value.GetValue<double>(), out);
    case LogicalTypeId::BLOB: {
      const std::string& bytes = duckdb::StringValue::Get(value);
      out->push_back('[');
      for (size_t i = 0; i < bytes.size(); ++i) {
        if (i) out->push_back(',');
        AppendJsonUint(static_cast<unsigned char>(bytes[i]), out);
      }
      out->push_back(']');
      return;
    }
    case LogicalTypeId::VARCHAR: return AppendJsonString(duckdb::StringValue::Get(value), out);
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_TZ:
    case LogicalTypeId::TIME: return AppendJsonInt(value.GetValueUnsafe<int64_t>(), out);
    case LogicalTypeId::DATE: return AppendJsonInt(value.GetValueUnsafe<int32_t>(), out);
    default:
      // DECIMAL, UUID, HUGEINT and anything computed: the canonical text, as a string.
      return AppendJsonString(value.ToString(), out);
  }
}

}  // namespace kalam::live
