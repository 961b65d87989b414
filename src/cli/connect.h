#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "kalam/commons/result.h"
#include "kalam_client.h"

namespace kalam::cli {

// Who to be and where: the flags of docs/cli.md that decide the connection.
struct ConnectOptions {
  std::optional<std::string> url;  // --url, or --host/--port; else the instance's, else the default
  std::string instance = "local";
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> token;
  bool save_credentials = false;
  std::chrono::seconds timeout{30};
  std::filesystem::path credentials_path;
};

inline constexpr std::string_view kDefaultUrl = "http://localhost:8080";

// A client with credentials, from, in order: --token; --user with --password (prompted on a
// terminal when missing) through the login route; the instance's entry of the credentials
// file (an expired access token is refreshed and the file updated); a prompt on a terminal.
// None of these → kAuthFailed. With --save-credentials the tokens of a login are stored;
// tokens that came from the file are kept up to date there whenever they are refreshed.
Result<std::unique_ptr<KalamClient>> Connect(const ConnectOptions& options);

}  // namespace kalam::cli
