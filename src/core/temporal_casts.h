#pragma once

#include "duckdb.hpp"

namespace kalam::core {

// Casts that make the protocol's wire encodings of time values usable in comparisons
// (docs/value-encoding.md: "an integer µs matches a TIMESTAMP"): integers to TIMESTAMP/DATETIME (µs),
// DATE (days) and TIME (µs), and text with a UTC offset to TIMESTAMP (converted to UTC, as
// INSERT stores it). Registered on the query-facing database at start.
void RegisterTemporalCasts(duckdb::DuckDB& db);

}  // namespace kalam::core
