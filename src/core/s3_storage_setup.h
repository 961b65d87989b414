#pragma once

#include <string>

#include "kalam/commons/result.h"
#include "kalam/commons/server_config.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/dialect/statements.h"

namespace kalam::core {

// What CREATE STORAGE ... TYPE s3 adds to the common checks (docs/object-storage.md).

// The storage location as one PATH: PATH 's3://bucket/prefix/...' as written, or built from
// BUCKET (with PATH, when given, as the prefix inside it). InvalidArgument when neither names
// a bucket or the two disagree.
Result<std::string> S3Location(const dialect::CreateStorageStmt& s);

// CONFIG with REGION added as its "region" (unless CONFIG names one already), so that the
// stored CONFIG alone says where the storage is.
std::string S3ConfigWithRegion(const dialect::CreateStorageStmt& s);

// Parses the definition's s3 settings and probes the bucket (list, put, get, delete). A
// failure is the statement's fault (InvalidArgument) and names the failed step, e.g.
// "Storage check failed for 's3://b/p': put: ... S3 refused access (InvalidAccessKeyId)".
Status CheckS3Storage(const StorageDefinition& def, const ServerConfig::ObjectStore& tuning);

}  // namespace kalam::core
