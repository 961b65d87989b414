#pragma once

#include <optional>
#include <string>

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/column_definition.h"

namespace kalam::tables {

// A segment's primary-key min/max as its manifest stores them (`column_stats`, in the value
// encoding of docs/value-encoding.md): the one place that writes and reads that text.
std::string PrimaryKeyStatJson(const duckdb::Value& v);

// A statistic written by PrimaryKeyStatJson as a value of the key column's type; nullopt when
// absent or unusable. TEXT keys are not used for pruning: manifests written before control
// characters were escaped hold such keys altered, and a wrong bound would hide rows. DuckDB's
// own row-group statistics still prune them.
std::optional<duckdb::Value> ParsePrimaryKeyStat(const ColumnDefinition& column, const std::string& json);

}  // namespace kalam::tables
