#include "kalam/api/api_metrics.h"

#include <cctype>

namespace kalam::api {

std::string_view MetricRouteName(MetricRoute route) {
  switch (route) {
    case MetricRoute::kSql: return "sql";
    case MetricRoute::kAuth: return "auth";
    case MetricRoute::kHealth: return "health";
    case MetricRoute::kWebSocket: return "websocket";
    case MetricRoute::kMetrics: return "metrics";
    case MetricRoute::kOther: return "other";
  }
  return "other";
}

MetricRoute MetricRouteOf(std::string_view path) {
  if (path == "/v1/api/sql" || path == "/api/sql") return MetricRoute::kSql;
  if (path.rfind("/v1/api/auth/", 0) == 0) return MetricRoute::kAuth;
  if (path == "/health" || path == "/v1/api/healthcheck") return MetricRoute::kHealth;
  if (path == "/v1/ws" || path == "/ws") return MetricRoute::kWebSocket;
  if (path == "/metrics") return MetricRoute::kMetrics;
  return MetricRoute::kOther;
}

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kNone: return "none";
    case StatementKind::kSelect: return "select";
    case StatementKind::kInsert: return "insert";
    case StatementKind::kUpdate: return "update";
    case StatementKind::kDelete: return "delete";
    case StatementKind::kDdl: return "ddl";
    case StatementKind::kShow: return "show";
    case StatementKind::kSubscribe: return "subscribe";
    case StatementKind::kFlush: return "flush";
    case StatementKind::kAdmin: return "admin";
    case StatementKind::kTransaction: return "transaction";
    case StatementKind::kOther: return "other";
  }
  return "other";
}

StatementKind StatementKindOf(std::string_view sql) {
  size_t pos = 0;
  while (pos < sql.size()) {
    const char c = sql[pos];
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(') {
      ++pos;
    } else if (c == '-' && pos + 1 < sql.size() && sql[pos + 1] == '-') {
      while (pos < sql.size() && sql[pos] != '\n') ++pos;
    } else if (c == '/' && pos + 1 < sql.size() && sql[pos + 1] == '*') {
      const size_t end = sql.find("*/", pos + 2);
      pos = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  char word[12];
  size_t n = 0;
  while (pos < sql.size() && n < sizeof(word) && std::isalpha(static_cast<unsigned char>(sql[pos]))) {
    word[n++] = static_cast<char>(std::toupper(static_cast<unsigned char>(sql[pos++])));
  }
  const std::string_view w(word, n);
  if (w == "SELECT" || w == "WITH" || w == "VALUES") return StatementKind::kSelect;
  if (w == "INSERT") return StatementKind::kInsert;
  if (w == "UPDATE") return StatementKind::kUpdate;
  if (w == "DELETE") return StatementKind::kDelete;
  if (w == "CREATE" || w == "ALTER" || w == "DROP" || w == "TRUNCATE") return StatementKind::kDdl;
  if (w == "SHOW" || w == "DESCRIBE" || w == "DESC" || w == "EXPLAIN") return StatementKind::kShow;
  if (w == "SUBSCRIBE") return StatementKind::kSubscribe;
  if (w == "FLUSH" || w == "STORAGE") return StatementKind::kFlush;
  if (w == "KILL" || w == "BACKUP" || w == "RESTORE" || w == "EXECUTE" || w == "EXPORT") return StatementKind::kAdmin;
  if (w == "BEGIN" || w == "COMMIT" || w == "ROLLBACK" || w == "START") return StatementKind::kTransaction;
  return StatementKind::kOther;
}

void ApiMetrics::Record(MetricRoute route, StatementKind kind, int status, std::string_view error, int64_t micros) {
  const auto r = static_cast<size_t>(route);
  latency[r][static_cast<size_t>(kind)].ObserveMicros(micros);
  const int status_class = status / 100;
  if (status_class >= 1 && status_class <= 5) responses[r][static_cast<size_t>(status_class - 1)].Add();
  if (status < 400 && error.empty()) return;
  size_t i = 0;
  while (i + 1 < kMetricErrorCodes.size() && kMetricErrorCodes[i] != error) ++i;
  errors[i].Add();
}

}  // namespace kalam::api
