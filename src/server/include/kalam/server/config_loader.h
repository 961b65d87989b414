#pragma once

#include <string>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/server_config.h"
#include "kalam/commons/setting.h"

namespace kalam::server {

// Command-line settings that override everything else.
struct CommandLine {
  std::string config_path;  // --config; empty = ./server.toml if present
  std::string data_dir;     // --data-dir
  std::string host;         // --host
  int64_t port = -1;        // --port; -1 = not given
};

struct LoadedConfig {
  ServerConfig config;
  std::vector<std::string> warnings;  // unknown keys and similar, to log once logging is up
};

// Builds the effective configuration: defaults < server.toml < KALAMDB_* environment <
// flags (docs/configuration.md). A missing --config file, a malformed file or a bad value is an
// error whose message names the key.
Result<LoadedConfig> LoadConfig(const CommandLine& flags, char** environment);

// One Setting per key of docs/configuration.md, in the order of that document, with its value
// in `config` as text (lists comma separated). auth.root_password and auth.jwt_secret show
// "***" whatever they hold.
std::vector<Setting> EffectiveSettings(const ServerConfig& config);

}  // namespace kalam::server
