#pragma once

#include "duckdb/common/types/value.hpp"
#include "kalam/commons/column_definition.h"
#include "kalam/commons/result.h"

namespace kalam::tables {

// Converts a literal, parameter or computed value to the column's type with the input rules
// of docs/value-encoding.md (BIGINT from a digit string, TIMESTAMP from ISO text or integer µs, DATE
// from integer days, BYTES from a string's UTF-8 bytes, JSON must parse). NULL stays NULL;
// NOT NULL is the caller's check. Failure: ConstraintViolation "Type mismatch ...".
Result<duckdb::Value> CoerceToColumn(const duckdb::Value& value, const ColumnDefinition& column);

// A literal DEFAULT (DefaultValue::Kind::kLiteral) as a value of the column's type: what an
// insert that omits the column stores, and what rows older than the column read (ALTER TABLE
// ADD COLUMN). InvalidOperation "Invalid DEFAULT for column 'c'" when it does not convert.
Result<duckdb::Value> LiteralDefault(const DefaultValue& literal, const ColumnDefinition& column);

}  // namespace kalam::tables
