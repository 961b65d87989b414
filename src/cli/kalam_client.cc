#include "kalam_client.h"

#include <simdjson.h>

#include <ctime>

#include "exit_code.h"
#include "kalam/commons/json_writer.h"

namespace kalam::cli {
namespace {

constexpr std::string_view kJsonHeader = "application/json";

std::string StringField(simdjson::dom::element object, std::string_view key) {
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

}  // namespace

std::pair<std::string, std::string> AnswerError(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(answer.body).get(root) != simdjson::SUCCESS) {
    return {"HTTP_" + std::to_string(answer.status), answer.body};
  }
  simdjson::dom::element error;
  if (root["error"].get(error) == simdjson::SUCCESS) {
    if (error.is_object()) return {StringField(error, "code"), StringField(error, "message")};
    if (error.is_string()) return {StringField(root, "error"), StringField(root, "message")};
  }
  return {"HTTP_" + std::to_string(answer.status), StringField(root, "message")};
}

KalamClient::KalamClient(ServerUrl url, std::chrono::seconds timeout)
    : http_(std::move(url), timeout), timeout_(timeout) {
  tokens_.url = http_.url().ToString();
}

void KalamClient::UseToken(std::string access_token) { tokens_.access_token = std::move(access_token); }

void KalamClient::UseTokens(const CredentialEntry& entry) {
  tokens_ = entry;
  tokens_.url = http_.url().ToString();
}

bool KalamClient::AccessTokenExpired() const {
  if (tokens_.expires_at.empty()) return false;
  const auto expires = ParseRfc3339(tokens_.expires_at);
  return expires && *expires - 30 <= static_cast<int64_t>(std::time(nullptr));
}

Status KalamClient::TakeTokens(const HttpAnswer& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(answer.body).get(root) != simdjson::SUCCESS) {
    return Status(kAuthFailed, "unreadable login answer from the server");
  }
  tokens_.access_token = StringField(root, "access_token");
  tokens_.refresh_token = StringField(root, "refresh_token");
  tokens_.expires_at = StringField(root, "expires_at");
  simdjson::dom::element user;
  if (root["user"].get(user) == simdjson::SUCCESS) tokens_.user = StringField(user, "id");
  if (tokens_.access_token.empty()) return Status(kAuthFailed, "the login answer holds no access token");
  if (on_tokens_) on_tokens_(tokens_);
  return Status::Ok();
}

Status KalamClient::Login(const std::string& user, const std::string& password) {
  std::string body;
  JsonWriter(&body).StartObject().Key("user").String(user).Key("password").String(password).EndObject();
  KALAM_ASSIGN_OR_RETURN(HttpAnswer answer, http_.Send("POST", "/v1/api/auth/login", body, {}));
  if (answer.status != 200) {
    const auto [kind, message] = AnswerError(answer);
    return Status(kAuthFailed, "login failed: " + (message.empty() ? kind : message));
  }
  tokens_.user = user;
  return TakeTokens(answer);
}

Status KalamClient::Refresh() {
  if (tokens_.refresh_token.empty()) return Status(kAuthFailed, "the access token expired; log in again");
  KALAM_ASSIGN_OR_RETURN(HttpAnswer answer,
                         http_.Send("POST", "/v1/api/auth/refresh", "",
                                    {{"Authorization", "Bearer " + tokens_.refresh_token}}));
  if (answer.status != 200) {
    const auto [kind, message] = AnswerError(answer);
    return Status(kAuthFailed, "token refresh failed: " + (message.empty() ? kind : message) + "; log in again");
  }
  return TakeTokens(answer);
}

Result<HttpAnswer> KalamClient::SendSql(const std::string& body, const WaitTick& tick) {
  return http_.Send("POST", "/v1/api/sql", body, {{"Authorization", Authorization()}}, tick);
}

Result<HttpAnswer> KalamClient::Sql(std::string_view sql, const WaitTick& tick) {
  std::string body;
  JsonWriter writer(&body);
  writer.StartObject().Key("sql").String(sql);
  if (!namespace_id_.empty()) writer.Key("namespace_id").String(namespace_id_);
  writer.EndObject();
  if (AccessTokenExpired() && !tokens_.refresh_token.empty()) KALAM_RETURN_IF_ERROR(Refresh());
  KALAM_ASSIGN_OR_RETURN(HttpAnswer answer, SendSql(body, tick));
  if (answer.status == 401) {
    const auto [code, message] = AnswerError(answer);
    if (code == "TOKEN_EXPIRED" && !tokens_.refresh_token.empty()) {
      KALAM_RETURN_IF_ERROR(Refresh());
      KALAM_ASSIGN_OR_RETURN(answer, SendSql(body, tick));
      if (answer.status != 401) return answer;
    }
    const auto [code2, message2] = AnswerError(answer);
    return Status(kAuthFailed, "authentication failed: " + code2 + ": " + message2);
  }
  return answer;
}

Result<HttpAnswer> KalamClient::Health() { return http_.Send("GET", "/health", "", {}); }

}  // namespace kalam::cli
