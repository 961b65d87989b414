#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "duckdb.hpp"

namespace kalam::tables {

// The one home of what a Parquet segment carries besides its columns. The schema version the
// columns were written under is stored in the file's key-value metadata, so a manifest rebuilt
// from the files alone (the manifest was lost) still reads an old segment by its own columns
// after ALTER TABLE instead of the table's current ones.

// The options of `COPY ... TO '<segment>' (...)` for a segment of `schema_version`.
std::string SegmentCopyOptions(uint32_t schema_version);

// The schema version stored in the segment at `local_path`; nullopt for files written before it
// was stored, or when the metadata cannot be read.
std::optional<uint32_t> ReadSegmentSchemaVersion(duckdb::Connection& parquet, const std::string& local_path);

}  // namespace kalam::tables
