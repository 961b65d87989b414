#include "kalam/api/sql_request.h"

#include <exception>
#include <optional>
#include <string>

#include <simdjson.h>

#include "kalam/commons/sql_text.h"

namespace kalam::api {

namespace {

// Bodies above this size are parsed with a parser of their own, so that the per-thread parser
// does not keep a large buffer for the rest of the thread's life.
constexpr size_t kMaxPooledBodyBytes = size_t{1} << 20;

ApiError InvalidInput(std::string_view reason) {
  return MakeApiError(ApiErrorCode::kInvalidInput, "Invalid JSON payload: " + std::string(reason));
}

ApiError InvalidParameter(size_t index, std::string_view reason) {
  return MakeApiError(ApiErrorCode::kInvalidParameter,
                      "Parameter $" + std::to_string(index + 1) + " invalid: " + std::string(reason));
}

// The fields we read, still as parsed elements (views into the parser's buffers).
struct RequestFields {
  std::optional<simdjson::dom::element> sql;
  std::optional<simdjson::dom::element> params;
  std::optional<simdjson::dom::element> namespace_id;
};

// One JSON parameter as a DuckDB value, or the reason it is refused.
ApiResult<duckdb::Value> ToParameter(simdjson::dom::element element, size_t index, const RequestLimits& limits) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::NULL_VALUE:
      return duckdb::Value();
    case element_type::BOOL:
      return duckdb::Value::BOOLEAN(element.get_bool().value_unsafe());
    case element_type::INT64:
      return duckdb::Value::BIGINT(element.get_int64().value_unsafe());
    case element_type::UINT64:  // only produced above INT64_MAX
      return duckdb::Value::HUGEINT(duckdb::hugeint_t(0, element.get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return duckdb::Value::DOUBLE(element.get_double().value_unsafe());
    case element_type::STRING: {
      const std::string_view text = element.get_string().value_unsafe();
      if (text.size() > limits.max_parameter_size_bytes) {
        return InvalidParameter(index, "larger than " + std::to_string(limits.max_parameter_size_bytes) + " bytes");
      }
      try {
        return duckdb::Value(std::string(text));
      } catch (const std::exception& e) {  // DuckDB refuses some strings (e.g. invalid UTF-8)
        return InvalidParameter(index, e.what());
      }
    }
    case element_type::ARRAY:
    case element_type::OBJECT:
      return InvalidParameter(index, "arrays and objects are not supported");
  }
  return InvalidParameter(index, "unsupported JSON value");
}

ApiResult<SqlRequest> ParseWith(simdjson::dom::parser& parser, std::string_view body, const RequestLimits& limits) {
  simdjson::dom::element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error != simdjson::SUCCESS) {
    return InvalidInput(simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return InvalidInput("expected a JSON object");

  // Step 3 of the request checks (docs/http-api.md): the shape of the whole body first.
  RequestFields fields;
  for (simdjson::dom::key_value_pair member : object) {
    if (member.key == "sql") {
      fields.sql = member.value;
    } else if (member.key == "params") {
      fields.params = member.value;
    } else if (member.key == "namespace_id") {
      fields.namespace_id = member.value;
    }
  }
  if (!fields.sql) return InvalidInput("missing field `sql`");
  if (!fields.sql->is_string()) return InvalidInput("`sql` must be a string");
  if (fields.params && !fields.params->is_null() && !fields.params->is_array()) {
    return InvalidInput("`params` must be an array");
  }
  if (fields.namespace_id && !fields.namespace_id->is_null() && !fields.namespace_id->is_string()) {
    return InvalidInput("`namespace_id` must be a string");
  }

  // Step 4: the SQL text's size.
  const std::string_view sql = fields.sql->get_string().value_unsafe();
  if (sql.size() > limits.max_sql_bytes) return MakeApiError(ApiErrorCode::kInvalidSql, "SQL query too long");
  if (Status text = CheckSqlText(sql); !text.ok()) return MakeApiError(ApiErrorCode::kInvalidSql, text.message());

  SqlRequest request;
  request.sql = std::string(sql);
  if (fields.namespace_id && fields.namespace_id->is_string()) {
    request.namespace_id = std::string(fields.namespace_id->get_string().value_unsafe());
  }
  if (fields.params && fields.params->is_array()) {
    request.has_params = true;
    const simdjson::dom::array params = fields.params->get_array().value_unsafe();
    const size_t count = params.size();
    if (count > limits.max_parameters) {
      return InvalidParameter(limits.max_parameters,
                              "at most " + std::to_string(limits.max_parameters) + " parameters are allowed");
    }
    request.params.reserve(count);
    size_t index = 0;
    for (simdjson::dom::element element : params) {
      ApiResult<duckdb::Value> value = ToParameter(element, index, limits);
      if (!value.ok()) return std::move(value).error();
      request.params.push_back(std::move(value).value());
      ++index;
    }
  }
  return request;
}

}  // namespace

ApiResult<SqlRequest> ParseSqlRequest(std::string_view body, const RequestLimits& limits) {
  if (body.size() > kMaxPooledBodyBytes) {
    simdjson::dom::parser parser;
    return ParseWith(parser, body, limits);
  }
  // A parser keeps its buffers between documents; one per thread avoids reallocating them.
  thread_local simdjson::dom::parser parser;
  return ParseWith(parser, body, limits);
}

}  // namespace kalam::api
