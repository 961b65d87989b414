#pragma once

#include "duckdb/common/types.hpp"
#include "kalam/commons/data_type.h"

namespace kalam::tables {

// The DuckDB type a column of `type` is exposed as in queries.
duckdb::LogicalType ToLogicalType(const DataType& type);

// The protocol's `data_type` tag for a result column of engine type `type` (docs/value-encoding.md:
// computed integers wider than 32 bits are BigInt, nested types are Text, ...).
DataType FromLogicalType(const duckdb::LogicalType& type);

}  // namespace kalam::tables
