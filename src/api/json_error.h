#pragma once

#include <string_view>

#include "kalam/api/http_exchange.h"
#include "kalam/commons/json_writer.h"

namespace kalam::api {

// Answers `{"error": <error>, "message": <message>}` with `status`, the error body of every
// route. `error` must be a string literal: the request trace keeps a view of it.
inline void JsonError(HttpResponse& response, int status, std::string_view error, std::string_view message) {
  response.status = status;
  response.trace.error = error;
  response.body.clear();
  JsonWriter json(&response.body);
  json.StartObject().Key("error").String(error).Key("message").String(message).EndObject();
}

}  // namespace kalam::api
