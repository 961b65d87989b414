#pragma once

#include <string>

#include "duckdb.hpp"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"
#include "kalam/filestore/file_backend.h"
#include "kalam/filestore/manifest.h"

namespace kalam::tables {

// A scope directory's manifest rebuilt from its segment files' Parquet footers, when the
// manifest is lost but `batch-N.parquet` files remain (docs/cold-tier.md): every file counts as
// committed, with its row count and `_seq` and primary-key min/max read through `parquet`.
// NotFound when the directory holds no segment file. Does not save it.
Result<filestore::Manifest> RebuildManifest(const TableDefinition& def, const std::string& scope,
                                            filestore::FileBackend& files, const std::string& dir,
                                            duckdb::Connection& parquet);

}  // namespace kalam::tables
