#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "credentials.h"
#include "http_client.h"
#include "kalam/commons/result.h"
#include "server_url.h"

namespace kalam::cli {

// The public protocol as the CLI uses it: the SQL endpoint, health, login and token refresh.
// Holds the access token (or the refresh token to renew it) and the namespace that `USE`
// selected, which the server only keeps within one request. When the server answers
// TOKEN_EXPIRED and a refresh token is known, the token is refreshed and the request sent
// once more; `on_tokens` is then told, so the credentials file can follow. Not thread-safe.
class KalamClient {
 public:
  KalamClient(ServerUrl url, std::chrono::seconds timeout);

  // A ready access token (--token); no refresh.
  void UseToken(std::string access_token);
  // Tokens from the credentials file.
  void UseTokens(const CredentialEntry& entry);
  // POST /v1/api/auth/login. A refused login is kAuthFailed.
  Status Login(const std::string& user, const std::string& password);
  // POST /v1/api/auth/refresh with the refresh token.
  Status Refresh();
  // Whether the access token's expiry (from the login answer) has passed, or is 30 s away.
  bool AccessTokenExpired() const;

  // POST /v1/api/sql. Any HTTP answer is returned as is (the caller prints errors); only a
  // failure to get one, or a refused authentication, is a Status.
  Result<HttpAnswer> Sql(std::string_view sql, const WaitTick& tick = {});
  // GET /health.
  Result<HttpAnswer> Health();

  // "Bearer <token>" for the WebSocket upgrade.
  std::string Authorization() const { return "Bearer " + tokens_.access_token; }
  // Current tokens (url and user included), as the credentials file keeps them.
  const CredentialEntry& tokens() const { return tokens_; }
  void set_on_tokens(std::function<void(const CredentialEntry&)> callback) { on_tokens_ = std::move(callback); }

  const std::string& namespace_id() const { return namespace_id_; }
  void set_namespace(std::string ns) { namespace_id_ = std::move(ns); }
  const ServerUrl& url() const { return http_.url(); }
  std::chrono::seconds timeout() const { return timeout_; }

 private:
  Status TakeTokens(const HttpAnswer& answer);
  Result<HttpAnswer> SendSql(const std::string& body, const WaitTick& tick);

  HttpClient http_;
  std::chrono::seconds timeout_;
  CredentialEntry tokens_;
  std::string namespace_id_;
  std::function<void(const CredentialEntry&)> on_tokens_;
};

// The error of a failed answer: (code, message), from `{"error":{"code","message"}}` on the
// SQL endpoint or `{"error":"<kind>","message":…}` elsewhere.
std::pair<std::string, std::string> AnswerError(const HttpAnswer& answer);

}  // namespace kalam::cli
