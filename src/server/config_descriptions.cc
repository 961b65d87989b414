#include "config_descriptions.h"

#include <array>
#include <utility>

namespace kalam::server {
namespace {

using Entry = std::pair<std::string_view, std::string_view>;

constexpr auto kDescriptions = std::to_array<Entry>({
    {"server.host", "Address the HTTP server binds"},
    {"server.port", "HTTP port; 0 = any"},
    {"server.workers", "I/O threads; 0 = the number of CPUs, at least 2"},
    {"server.statement_workers", "Threads of the statement worker pool; 0 = four times the CPUs, at least 8"},
    {"server.public_origin", "Base of the ws_url that SUBSCRIBE TO answers"},
    {"server.tls_cert_path", "PEM certificate chain; with tls_key_path the server speaks HTTPS and WSS"},
    {"server.tls_key_path", "PEM private key of tls_cert_path"},
    {"storage.data_path", "Data directory: rocksdb/, storage/, jwt.secret, LOCK"},
    {"storage.shared_tables_template", "Default cold-tier path template of SHARED tables"},
    {"storage.user_tables_template", "Default cold-tier path template of USER tables"},
    {"object_store.cache_dir", "Local copies of object-store segments; empty = <data_path>/object-cache"},
    {"object_store.cache_max_bytes", "Size bound of the local segment cache (least recently used copies go first)"},
    {"object_store.connect_timeout_ms", "Connect timeout of object-store requests"},
    {"object_store.request_timeout_ms", "Whole-request timeout of object-store requests"},
    {"object_store.max_retries", "Retries of an object-store request on 5xx, throttling and timeouts"},
    {"object_store.retry_base_delay_ms", "First retry delay; doubles per retry"},
    {"object_store.multipart_threshold_bytes", "Uploads of at least this size go up in parts"},
    {"object_store.multipart_part_bytes", "Size of each part of a multipart upload"},
    {"storage.durability", "async: acknowledged writes are in the log; fsync: the log is fsynced first (group commit)"},
    {"storage.cold_read_cache_bytes", "Memory for decoded Parquet segments kept for ordered reads; 0 = none"},
    {"flush.default_row_limit", "Pending rows that make a table due for a flush"},
    {"flush.default_time_interval", "Seconds a pending write may wait before its table is flushed"},
    {"flush.check_interval_seconds", "How often the flush scheduler looks for due tables"},
    {"retention.default_deleted_retention_hours", "Hours tombstones are kept before the retention job purges them"},
    {"retention.audit_log_days", "Days system.audit_log keeps an entry; 0 = forever"},
    {"compaction.max_segments_per_scope", "Segments of one scope that queue an automatic compact job; 0 = off"},
    {"stream.default_ttl_seconds", "Default TTL of STREAM table rows"},
    {"stream.default_max_buffer", "Default rows buffered per user of a STREAM table"},
    {"stream.eviction_interval_seconds", "How often expired STREAM rows are evicted"},
    {"stream.max_total_bytes", "Memory all STREAM buffers may hold; writes past it are refused"},
    {"auth.root_password", "Password applied to root at every start (secret)"},
    {"auth.jwt_secret", "HMAC secret of issued JWTs; empty = generated in the data directory (secret)"},
    {"auth.jwt_expiry_hours", "Lifetime of access tokens"},
    {"auth.cookie_secure", "Auth cookies carry Secure on HTTPS requests"},
    {"auth.bcrypt_cost", "bcrypt cost of stored password hashes"},
    {"auth.enforce_password_complexity", "Passwords need upper, lower, digit and symbol"},
    {"auth.allow_remote_setup", "First-run setup routes accept non-loopback clients"},
    {"auth.basic_cache_ttl_secs", "Seconds a verified Basic credential is remembered"},
    {"auth.max_failed_logins", "Failed logins before an account is locked"},
    {"auth.lockout_minutes", "How long a locked account stays locked"},
    {"user_management.deletion_grace_period_days", "Days before a dropped user's data is purged"},
    {"rate_limit.max_queries_per_sec", "SQL requests per second per user; 0 = off"},
    {"rate_limit.max_messages_per_sec", "WebSocket messages per second per connection; 0 = off"},
    {"rate_limit.max_subscriptions_per_user", "Live subscriptions per user; 0 = off"},
    {"rate_limit.max_subscriptions_per_connection", "Live subscriptions per WebSocket; 0 = off"},
    {"rate_limit.max_auth_requests_per_ip_per_sec", "Password attempts per second per client address; 0 = off"},
    {"rate_limit.max_connections_per_ip", "Open connections per client address; 0 = off"},
    {"rate_limit.max_requests_per_ip_per_sec", "Requests per second per client address; 0 = off"},
    {"rate_limit.ban_duration_seconds", "How long an address is banned after repeated violations"},
    {"rate_limit.enable_connection_protection", "Per-address connection and request limits are on"},
    {"rate_limit.exempt_loopback", "Loopback clients skip connection protection"},
    {"limits.max_result_rows", "Rows a query may return"},
    {"limits.max_sql_bytes", "Bytes of SQL text in one request"},
    {"limits.max_parameters", "Parameters of one request"},
    {"limits.max_parameter_size_bytes", "Bytes of one parameter"},
    {"limits.request_body_limit_bytes", "Bytes of one HTTP request body"},
    {"limits.statement_timeout_secs", "Seconds a statement may run"},
    {"limits.max_concurrent_statements_per_user", "Statements of one user running at once"},
    {"limits.max_queued_statements_per_user", "Statements of one user waiting for a worker"},
    {"limits.max_queued_statements", "Requests waiting for a worker in all"},
    {"limits.max_answer_bytes", "Bytes the rows of one answer may encode to"},
    {"limits.max_write_rows", "Rows one INSERT, UPDATE or DELETE may write"},
    {"limits.max_export_bytes", "Bytes of rows one user data export may read"},
    {"limits.query_memory_limit_mb", "Memory of query execution; 0 = a quarter of the available memory"},
    {"websocket.client_timeout_secs", "Seconds of client silence before a WebSocket is closed"},
    {"websocket.auth_timeout_secs", "Seconds a WebSocket has to authenticate"},
    {"websocket.heartbeat_interval_secs", "Seconds between server pings"},
    {"websocket.max_message_size", "Bytes of one client message"},
    {"websocket.compression", "permessage-deflate is accepted"},
    {"websocket.max_pending_changes", "Changes held back per subscription while its initial data loads"},
    {"websocket.max_subscription_sql_bytes", "Bytes of a subscription's SQL; 0 = no limit"},
    {"websocket.max_outbound_bytes", "Bytes queued for one WebSocket before it is closed as a slow consumer"},
    {"security.cors_allowed_origins", "Origins that get CORS headers; empty = any"},
    {"security.trusted_proxy_ranges", "Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed"},
    {"security.metrics_allow_remote", "GET /metrics serves non-loopback clients with admin credentials"},
    {"jobs.max_concurrent", "Jobs running at once"},
    {"jobs.max_retries", "Retries of a failed job"},
    {"jobs.retry_backoff_ms", "First retry delay, doubled per retry"},
    {"jobs.shutdown_timeout_secs", "Seconds running jobs may finish at shutdown"},
    {"jobs.record_retention_days", "Days system.jobs keeps the record of a finished job; 0 = forever"},
    {"backup.max_bytes_per_sec", "Bytes per second a backup job writes at most; 0 = unlimited"},
    {"logging.level", "trace, debug, info, warn, error or off"},
    {"logging.logs_path", "Directory of log files (not used: logs go to standard output)"},
    {"logging.format", "compact or json"},
    {"logging.slow_query_threshold_ms", "Requests slower than this are logged as slow; 0 = off"},
    {"logging.log_to_console", "Logs go to standard output (not used: always)"},
});

}  // namespace

std::string_view ConfigKeyDescription(std::string_view dotted_key) {
  for (const auto& [key, description] : kDescriptions) {
    if (key == dotted_key) return description;
  }
  return {};
}

}  // namespace kalam::server
