#pragma once

#include <cstddef>

namespace kalam::api {

// Size limits on one SQL request (docs/http-api.md `[limits]`). The server fills it from its
// configuration; the defaults are the documented ones.
struct RequestLimits {
  size_t max_sql_bytes = 1048576;             // `sql` length in bytes (1 MiB)
  size_t max_parameters = 50;                 // entries of `params`
  size_t max_parameter_size_bytes = 524288;   // one parameter's size in bytes (512 KiB)
};

}  // namespace kalam::api
