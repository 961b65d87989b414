#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kalam {

// Every setting of server.toml (docs/configuration.md) with its default. Filled by the server's
// config loader (file < env < flags); modules receive the parts they need.
struct ServerConfig {
  struct Server {
    std::string host = "127.0.0.1";
    int64_t port = 8080;
    int64_t workers = 0;            // I/O threads; 0 = number of CPUs, at least 2
    int64_t statement_workers = 0;  // the worker pool; 0 = four times the CPUs, at least 8
    std::string public_origin;
    std::string tls_cert_path;  // PEM certificate chain; with tls_key_path: HTTPS and WSS
    std::string tls_key_path;   // PEM private key
  } server;
  struct Storage {
    std::string data_path = "./data";
    std::string shared_tables_template = "{namespace}/{tableName}";
    std::string user_tables_template = "{namespace}/{tableName}/{userId}";
    // "async": an acknowledged write is in the OS's buffers (survives a server crash);
    // "fsync": it is on disk (survives a machine crash); concurrent writers share an fsync.
    std::string durability = "async";
    int64_t cold_read_cache_bytes = 64LL << 20;  // decoded segments kept for ordered reads; 0 = none
  } storage;
  // Storages of type s3 (docs/object-storage.md): the client's timeouts and retries, multipart
  // uploads, and the local cache DuckDB reads segments from.
  struct ObjectStore {
    std::string cache_dir;                      // "" = <data_path>/object-cache
    int64_t cache_max_bytes = 1LL << 30;        // the segment cache's size bound
    int64_t connect_timeout_ms = 5000;
    int64_t request_timeout_ms = 60000;         // one request, body included
    int64_t max_retries = 4;                    // after 5xx, throttling, timeouts
    int64_t retry_base_delay_ms = 100;          // doubled per retry
    int64_t multipart_threshold_bytes = 64LL << 20;
    int64_t multipart_part_bytes = 16LL << 20;  // S3's minimum is 5 MiB
  } object_store;
  struct Flush {
    int64_t default_row_limit = 10000;
    int64_t default_time_interval = 300;
    int64_t check_interval_seconds = 60;
  } flush;
  struct Retention {
    int64_t default_deleted_retention_hours = 168;
    int64_t audit_log_days = 90;  // system.audit_log entries older than this are purged; 0 = never
  } retention;
  struct Compaction {
    int64_t max_segments_per_scope = 16;  // more queue a `compact` job; 0 = no automatic compaction
  } compaction;
  struct Stream {
    int64_t default_ttl_seconds = 10;
    int64_t default_max_buffer = 10000;
    int64_t eviction_interval_seconds = 60;
    int64_t max_total_bytes = 268435456;  // all STREAM buffers together (256 MiB)
  } stream;
  struct Auth {
    std::string root_password;  // empty = unset
    std::string jwt_secret;     // empty = generated and kept in the data dir
    int64_t jwt_expiry_hours = 24;
    bool cookie_secure = true;
    int64_t bcrypt_cost = 12;
    bool enforce_password_complexity = false;
    bool allow_remote_setup = false;
    int64_t basic_cache_ttl_secs = 60;
    int64_t max_failed_logins = 5;
    int64_t lockout_minutes = 15;
  } auth;
  struct UserManagement {
    int64_t deletion_grace_period_days = 30;
  } user_management;
  struct RateLimit {
    int64_t max_queries_per_sec = 1000;
    int64_t max_messages_per_sec = 50;
    int64_t max_subscriptions_per_user = 100;
    int64_t max_subscriptions_per_connection = 100;
    int64_t max_auth_requests_per_ip_per_sec = 20;
    int64_t max_connections_per_ip = 100;
    int64_t max_requests_per_ip_per_sec = 200;
    int64_t ban_duration_seconds = 300;
    bool enable_connection_protection = true;
    bool exempt_loopback = true;
  } rate_limit;
  struct Limits {
    int64_t max_result_rows = 100000;
    int64_t max_sql_bytes = 1048576;
    int64_t max_parameters = 50;
    int64_t max_parameter_size_bytes = 524288;
    int64_t request_body_limit_bytes = 10485760;
    int64_t statement_timeout_secs = 30;
    int64_t max_concurrent_statements_per_user = 2;
    int64_t max_queued_statements_per_user = 32;
    int64_t max_queued_statements = 4096;
    int64_t max_answer_bytes = 67108864;
    int64_t max_write_rows = 500000;
    int64_t query_memory_limit_mb = 0;  // 0 = a quarter of the available memory
    int64_t max_export_bytes = 268435456;
  } limits;
  struct WebSocket {
    int64_t client_timeout_secs = 10;
    int64_t auth_timeout_secs = 3;
    int64_t heartbeat_interval_secs = 5;
    int64_t max_message_size = 1048576;
    bool compression = true;
    int64_t max_pending_changes = 100000;
    int64_t max_subscription_sql_bytes = 16384;
    int64_t max_outbound_bytes = 16777216;
  } websocket;
  struct Security {
    std::vector<std::string> cors_allowed_origins;
    std::vector<std::string> trusted_proxy_ranges;
    bool metrics_allow_remote = false;
  } security;
  struct Jobs {
    int64_t max_concurrent = 10;
    int64_t max_retries = 3;
    int64_t retry_backoff_ms = 100;
    int64_t shutdown_timeout_secs = 30;
    int64_t record_retention_days = 7;  // system.jobs keeps finished jobs this long; 0 = forever
  } jobs;
  struct Backup {
    int64_t max_bytes_per_sec = 0;  // a backup's copy rate; 0 = unlimited
  } backup;
  struct Logging {
    std::string level = "info";
    std::string logs_path = "./logs";
    std::string format = "compact";
    int64_t slow_query_threshold_ms = 1200;
    bool log_to_console = true;
  } logging;
};

// Whether `host` binds only to the loopback interface (127.0.0.1, ::1, localhost).
bool IsLoopbackHost(const std::string& host);

}  // namespace kalam
