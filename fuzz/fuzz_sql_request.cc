// libFuzzer target: the JSON body of POST /v1/api/sql (src/api/sql_request.*), under the
// documented limits and under tiny ones, so that every limit check is reached.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kalam/api/sql_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)kalam::api::ParseSqlRequest(body, kalam::api::RequestLimits{});
  kalam::api::RequestLimits tiny;
  tiny.max_sql_bytes = 8;
  tiny.max_parameters = 2;
  tiny.max_parameter_size_bytes = 4;
  (void)kalam::api::ParseSqlRequest(body, tiny);
  return 0;
}
