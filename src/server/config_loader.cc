#include "kalam/server/config_loader.h"

#include <toml++/toml.h>

#include <charconv>
#include <filesystem>
#include <functional>
#include <variant>

#include "config_descriptions.h"
#include "kalam/commons/names.h"

namespace kalam::server {
namespace {

using Target = std::variant<std::string*, int64_t*, bool*, std::vector<std::string>*>;

struct KeySpec {
  std::string section;
  std::string key;
  std::function<Target(ServerConfig&)> target;
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

#define KALAM_KEY(section, key) \
  KeySpec { #section, #key, [](ServerConfig& c) -> Target { return &c.section.key; } }
#define KALAM_RANGED_KEY(section, key, lo, hi) \
  KeySpec { #section, #key, [](ServerConfig& c) -> Target { return &c.section.key; }, lo, hi }

const std::vector<KeySpec>& Keys() {
  static const std::vector<KeySpec> keys = {
      KALAM_KEY(server, host), KALAM_RANGED_KEY(server, port, 0, 65535), KALAM_RANGED_KEY(server, workers, 0, 1024),
      KALAM_RANGED_KEY(server, statement_workers, 0, 4096),
      KALAM_KEY(server, public_origin), KALAM_KEY(server, tls_cert_path), KALAM_KEY(server, tls_key_path),
      KALAM_KEY(storage, data_path), KALAM_KEY(storage, shared_tables_template),
      KALAM_KEY(storage, user_tables_template), KALAM_KEY(storage, durability),
      KALAM_RANGED_KEY(storage, cold_read_cache_bytes, 0, INT64_MAX), KALAM_KEY(object_store, cache_dir),
      KALAM_RANGED_KEY(object_store, cache_max_bytes, 1 << 20, INT64_MAX),
      KALAM_RANGED_KEY(object_store, connect_timeout_ms, 1, 3600000),
      KALAM_RANGED_KEY(object_store, request_timeout_ms, 1, 86400000), KALAM_RANGED_KEY(object_store, max_retries, 0, 100),
      KALAM_RANGED_KEY(object_store, retry_base_delay_ms, 0, 600000),
      KALAM_RANGED_KEY(object_store, multipart_threshold_bytes, 5LL << 20, 5LL << 30),
      KALAM_RANGED_KEY(object_store, multipart_part_bytes, 5LL << 20, 5LL << 30),
      KALAM_RANGED_KEY(flush, default_row_limit, 1, 999999),
      KALAM_RANGED_KEY(flush, default_time_interval, 1, 86399), KALAM_RANGED_KEY(flush, check_interval_seconds, 1, 86400),
      KALAM_RANGED_KEY(retention, default_deleted_retention_hours, 0, 1000000),
      KALAM_RANGED_KEY(retention, audit_log_days, 0, 36500),
      KALAM_RANGED_KEY(compaction, max_segments_per_scope, 0, 1000000),
      KALAM_RANGED_KEY(stream, default_ttl_seconds, 1, 31536000), KALAM_RANGED_KEY(stream, default_max_buffer, 1, 100000000),
      KALAM_RANGED_KEY(stream, eviction_interval_seconds, 1, 86400),
      KALAM_RANGED_KEY(stream, max_total_bytes, 1048576, INT64_MAX), KALAM_KEY(auth, root_password),
      KALAM_KEY(auth, jwt_secret), KALAM_RANGED_KEY(auth, jwt_expiry_hours, 1, 87600), KALAM_KEY(auth, cookie_secure),
      KALAM_RANGED_KEY(auth, bcrypt_cost, 4, 31), KALAM_KEY(auth, enforce_password_complexity),
      KALAM_KEY(auth, allow_remote_setup), KALAM_RANGED_KEY(auth, basic_cache_ttl_secs, 0, 86400),
      KALAM_RANGED_KEY(auth, max_failed_logins, 1, 1000), KALAM_RANGED_KEY(auth, lockout_minutes, 1, 100000),
      KALAM_RANGED_KEY(user_management, deletion_grace_period_days, 0, 36500),
      KALAM_RANGED_KEY(rate_limit, max_queries_per_sec, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_messages_per_sec, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_subscriptions_per_user, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_subscriptions_per_connection, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_auth_requests_per_ip_per_sec, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_connections_per_ip, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, max_requests_per_ip_per_sec, 0, INT64_MAX),
      KALAM_RANGED_KEY(rate_limit, ban_duration_seconds, 0, INT64_MAX),
      KALAM_KEY(rate_limit, enable_connection_protection), KALAM_KEY(rate_limit, exempt_loopback),
      KALAM_RANGED_KEY(limits, max_result_rows, 1, INT64_MAX), KALAM_RANGED_KEY(limits, max_sql_bytes, 1, INT64_MAX),
      KALAM_RANGED_KEY(limits, max_parameters, 0, 100000), KALAM_RANGED_KEY(limits, max_parameter_size_bytes, 1, INT64_MAX),
      KALAM_RANGED_KEY(limits, request_body_limit_bytes, 1, INT64_MAX),
      KALAM_RANGED_KEY(limits, statement_timeout_secs, 1, 86400),
      KALAM_RANGED_KEY(limits, max_concurrent_statements_per_user, 1, 4096),
      KALAM_RANGED_KEY(limits, max_queued_statements_per_user, 0, 1000000),
      KALAM_RANGED_KEY(limits, max_queued_statements, 1, 10000000),
      KALAM_RANGED_KEY(limits, max_answer_bytes, 1, INT64_MAX), KALAM_RANGED_KEY(limits, max_write_rows, 1, INT64_MAX),
      KALAM_RANGED_KEY(limits, query_memory_limit_mb, 0, 1LL << 30),
      KALAM_RANGED_KEY(limits, max_export_bytes, 1, INT64_MAX),
      KALAM_RANGED_KEY(websocket, client_timeout_secs, 1, 86400), KALAM_RANGED_KEY(websocket, auth_timeout_secs, 1, 3600),
      KALAM_RANGED_KEY(websocket, heartbeat_interval_secs, 1, 3600),
      KALAM_RANGED_KEY(websocket, max_message_size, 1, INT64_MAX), KALAM_KEY(websocket, compression),
      KALAM_RANGED_KEY(websocket, max_pending_changes, 1, INT64_MAX),
      KALAM_RANGED_KEY(websocket, max_subscription_sql_bytes, 0, INT64_MAX),
      KALAM_RANGED_KEY(websocket, max_outbound_bytes, 1, INT64_MAX), KALAM_KEY(security, cors_allowed_origins),
      KALAM_KEY(security, trusted_proxy_ranges), KALAM_KEY(security, metrics_allow_remote),
      KALAM_RANGED_KEY(jobs, max_concurrent, 1, 1024), KALAM_RANGED_KEY(jobs, max_retries, 0, 100),
      KALAM_RANGED_KEY(jobs, retry_backoff_ms, 0, INT64_MAX), KALAM_RANGED_KEY(jobs, shutdown_timeout_secs, 0, 86400),
      KALAM_RANGED_KEY(jobs, record_retention_days, 0, 36500),
      KALAM_RANGED_KEY(backup, max_bytes_per_sec, 0, INT64_MAX),
      KALAM_KEY(logging, level), KALAM_KEY(logging, logs_path), KALAM_KEY(logging, format),
      KALAM_RANGED_KEY(logging, slow_query_threshold_ms, 0, INT64_MAX), KALAM_KEY(logging, log_to_console),
  };
  return keys;
}

#undef KALAM_KEY
#undef KALAM_RANGED_KEY

const KeySpec* FindKey(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : Keys()) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

Status BadValue(const KeySpec& spec, const std::string& detail) {
  return Status::InvalidArgument("invalid value for " + spec.section + "." + spec.key + ": " + detail);
}

Status CheckRange(const KeySpec& spec, int64_t v) {
  if (v < spec.min || v > spec.max) {
    return BadValue(spec, std::to_string(v) + " is outside " + std::to_string(spec.min) + ".." + std::to_string(spec.max));
  }
  return Status::Ok();
}

// Applies a value written as text (environment variables).
Status ApplyText(ServerConfig& config, const KeySpec& spec, const std::string& text) {
  Target target = spec.target(config);
  if (auto* s = std::get_if<std::string*>(&target)) {
    **s = text;
  } else if (auto* i = std::get_if<int64_t*>(&target)) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size()) return BadValue(spec, "'" + text + "' is not an integer");
    KALAM_RETURN_IF_ERROR(CheckRange(spec, v));
    **i = v;
  } else if (auto* b = std::get_if<bool*>(&target)) {
    const std::string lower = ToLower(text);
    if (lower == "true" || lower == "1") {
      **b = true;
    } else if (lower == "false" || lower == "0") {
      **b = false;
    } else {
      return BadValue(spec, "'" + text + "' is not true|false|1|0");
    }
  } else if (auto* list = std::get_if<std::vector<std::string>*>(&target)) {
    (*list)->clear();
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      std::string item = text.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) (*list)->push_back(item);
      start = comma + 1;
    }
  }
  return Status::Ok();
}

Status ApplyToml(ServerConfig& config, const KeySpec& spec, const toml::node& node) {
  Target target = spec.target(config);
  if (auto* s = std::get_if<std::string*>(&target)) {
    if (!node.is_string()) return BadValue(spec, "expected a string");
    **s = *node.value<std::string>();
  } else if (auto* i = std::get_if<int64_t*>(&target)) {
    if (!node.is_integer()) return BadValue(spec, "expected an integer");
    const int64_t v = *node.value<int64_t>();
    KALAM_RETURN_IF_ERROR(CheckRange(spec, v));
    **i = v;
  } else if (auto* b = std::get_if<bool*>(&target)) {
    if (!node.is_boolean()) return BadValue(spec, "expected true or false");
    **b = *node.value<bool>();
  } else if (auto* list = std::get_if<std::vector<std::string>*>(&target)) {
    const toml::array* array = node.as_array();
    if (array == nullptr) return BadValue(spec, "expected an array of strings");
    (*list)->clear();
    for (const toml::node& item : *array) {
      if (!item.is_string()) return BadValue(spec, "expected an array of strings");
      (*list)->push_back(*item.value<std::string>());
    }
  }
  return Status::Ok();
}

Status LoadFile(const std::string& path, LoadedConfig& out) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("cannot parse " + path + ": " + std::string(e.description()));
  }
  for (const auto& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    if (table == nullptr) {
      out.warnings.push_back("unknown config key '" + section + "' ignored");
      continue;
    }
    for (const auto& [key, node] : *table) {
      const KeySpec* spec = FindKey(section, key.str());
      if (spec == nullptr) {
        out.warnings.push_back("unknown config key '" + section + "." + std::string(key.str()) + "' ignored");
        continue;
      }
      KALAM_RETURN_IF_ERROR(ApplyToml(out.config, *spec, node));
    }
  }
  return Status::Ok();
}

bool IsSecret(const KeySpec& spec) {
  return spec.section == "auth" && (spec.key == "root_password" || spec.key == "jwt_secret");
}

std::string ValueText(ServerConfig& config, const KeySpec& spec) {
  Target target = spec.target(config);
  if (auto* s = std::get_if<std::string*>(&target)) return **s;
  if (auto* i = std::get_if<int64_t*>(&target)) return std::to_string(**i);
  if (auto* b = std::get_if<bool*>(&target)) return **b ? "true" : "false";
  std::string joined;
  for (const std::string& item : **std::get_if<std::vector<std::string>*>(&target)) {
    if (!joined.empty()) joined += ",";
    joined += item;
  }
  return joined;
}

}  // namespace

std::vector<Setting> EffectiveSettings(const ServerConfig& config) {
  ServerConfig copy = config;  // KeySpec targets take a mutable config; nothing is written
  std::vector<Setting> out;
  out.reserve(Keys().size());
  for (const KeySpec& spec : Keys()) {
    const std::string name = spec.section + "." + spec.key;
    out.push_back(Setting{name, IsSecret(spec) ? "***" : ValueText(copy, spec),
                          std::string(ConfigKeyDescription(name)), spec.section});
  }
  return out;
}

Result<LoadedConfig> LoadConfig(const CommandLine& flags, char** environment) {
  LoadedConfig out;
  std::string path = flags.config_path;
  if (!path.empty()) {
    if (!std::filesystem::exists(path)) return Status::NotFound("config file " + path + " does not exist");
    KALAM_RETURN_IF_ERROR(LoadFile(path, out));
  } else if (std::filesystem::exists("server.toml")) {
    KALAM_RETURN_IF_ERROR(LoadFile("server.toml", out));
  }

  for (char** env = environment; env != nullptr && *env != nullptr; ++env) {
    const std::string entry(*env);
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || entry.rfind("KALAMDB_", 0) != 0) continue;
    const std::string name = ToLower(entry.substr(8, eq - 8));
    const std::string value = entry.substr(eq + 1);
    if (name == "root_password") {
      out.config.auth.root_password = value;
      continue;
    }
    if (name == "jwt_secret") {
      out.config.auth.jwt_secret = value;
      continue;
    }
    if (name == "data_dir") {
      out.config.storage.data_path = value;
      continue;
    }
    if (name == "log_level") {
      out.config.logging.level = value;
      continue;
    }
    // KALAMDB_<SECTION>_<KEY>: sections may contain '_' (rate_limit, user_management).
    const KeySpec* match = nullptr;
    for (const KeySpec& spec : Keys()) {
      if (name == spec.section + "_" + spec.key) match = &spec;
    }
    if (match == nullptr) {
      out.warnings.push_back("unknown environment variable KALAMDB_" + entry.substr(8, eq - 8) + " ignored");
      continue;
    }
    KALAM_RETURN_IF_ERROR(ApplyText(out.config, *match, value));
  }

  if (!flags.data_dir.empty()) out.config.storage.data_path = flags.data_dir;
  if (!flags.host.empty()) out.config.server.host = flags.host;
  if (flags.port >= 0) {
    if (flags.port > 65535) return Status::InvalidArgument("invalid value for server.port: " + std::to_string(flags.port));
    out.config.server.port = flags.port;
  }
  const std::string level = ToLower(out.config.logging.level);
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" && level != "error" && level != "off") {
    return Status::InvalidArgument("invalid value for logging.level: '" + out.config.logging.level + "'");
  }
  if (out.config.storage.durability != "async" && out.config.storage.durability != "fsync") {
    return Status::InvalidArgument("invalid value for storage.durability: '" + out.config.storage.durability +
                                   "' (expected \"async\" or \"fsync\")");
  }
  if (out.config.logging.format != "compact" && out.config.logging.format != "json") {
    return Status::InvalidArgument("invalid value for logging.format: '" + out.config.logging.format + "'");
  }
  return out;
}

}  // namespace kalam::server
