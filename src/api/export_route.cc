#include "export_route.h"

#include "json_error.h"
#include "kalam/api/result_encoder.h"
#include "kalam/commons/json_writer.h"

namespace kalam::api {
namespace {


void RefuseStatus(HttpResponse& response, const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound: return JsonError(response, 404, "NOT_FOUND", status.message());
    // The only expected failure of a well-formed export: limits.max_export_bytes.
    case StatusCode::kInvalidOperation: return JsonError(response, 413, "EXPORT_TOO_LARGE", status.message());
    case StatusCode::kUnavailable: return JsonError(response, 503, "STORAGE_UNAVAILABLE", status.message());
    default: return JsonError(response, 500, "INTERNAL_ERROR", status.message());
  }
}

}  // namespace

void ExportRoute::Handle(const HttpRequest& request, const auth::Identity& identity, HttpResponse& response) {
  response.trace.user = identity.user.str();
  auto data = engine_.ReadUserData(identity.user);
  if (!data.ok()) return RefuseStatus(response, data.status());

  const uint64_t max_bytes = engine_.config().max_export_bytes;
  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("format").Int(1).Key("user_id").String(data->user.str());
  json.Key("exported_at").Int(data->exported_at_us).Key("tables").StartArray();
  for (const core::ExportedTable& table : data->tables) {
    json.StartObject().Key("table").String(table.table.ToString());
    json.Key("table_type").String(TableTypeName(table.type)).Key("schema_version").Uint(table.schema_version);
    json.Key("result");
    if (!EncodeStatementResult(table.rows, json, max_bytes)) {
      response.body = std::string();  // give the partial body's memory back before answering
      return JsonError(
          response, 413, "EXPORT_TOO_LARGE",
          "Export too large: the answer exceeds limits.max_export_bytes (" + std::to_string(max_bytes) + " bytes)");
    }
    json.EndObject();
  }
  json.EndArray().EndObject();
  response.status = 200;
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"kalamdb-export-" + data->user.str() + ".json\"");
  response.headers.emplace_back("Cache-Control", "no-store");

  AuditEntry entry;
  entry.actor = identity.user;
  entry.action = AuditAction::kExportUserData;
  entry.target = identity.user.str();
  entry.subject = identity.user;
  entry.ip_address = request.client_ip;
  std::string details;
  JsonWriter detail_json(&details);
  detail_json.StartObject().Key("request_id").String(request.request_id).Key("route").String(kPath).EndObject();
  entry.details_json = std::move(details);
  engine_.RecordAudit(std::move(entry));
}

}  // namespace kalam::api
