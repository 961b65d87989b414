#pragma once

#include <string_view>

#include "duckdb/main/client_context.hpp"

namespace kalam::core {

// What DuckDB functions client SQL may call. Only the table functions range, generate_series,
// unnest and KalamDB's own scans are allowed: DuckDB's others reach past KalamDB's model
// (logging and other users' query text, settings, catalog introspection, running serialized
// SQL, files). Scalar functions that read DuckDB's settings, variables, log or connection
// ids are refused too.
bool IsAllowedTableFunction(std::string_view name);

// Rewrites the bind callback of every refused function in DuckDB's system catalog so that
// binding it throws PERMISSION_DENIED "Access denied: function 'x' is not available". The
// decision follows the catalog entry a name binds to, so no spelling, qualification or
// position in a statement gets past, and nothing of a refused function runs (not even its
// bind, where some DuckDB functions do work). Call once, before the first client statement,
// inside a transaction of `context`; throws on failure.
void CloseRefusedFunctions(duckdb::ClientContext& context);

}  // namespace kalam::core
