#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kalam/commons/ids.h"

namespace kalam {

// A row of `system.storages` (docs/sql-reference.md): where the cold tier of the tables that
// name this storage lives. Templates are stored in the normalised `{namespace}`,
// `{tableName}`, `{userId}` form and are relative to `base_directory`; filestore turns them
// into directories (kalam/filestore/path_template.h). `credentials_json` is a secret: it is
// shown as `***` and never logged.
struct StorageDefinition {
  enum class StorageType { kFilesystem, kS3, kGcs, kAzure };

  StorageId id;
  std::string name;
  std::string description;
  StorageType type = StorageType::kFilesystem;
  std::string base_directory;
  std::string credentials_json;
  std::string config_json;
  std::string shared_tables_template = "{namespace}/{tableName}";
  std::string user_tables_template = "{namespace}/{tableName}/{userId}";
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

using StorageType = StorageDefinition::StorageType;

// The lowercase name shown in `system.storages.storage_type`.
inline std::string_view StorageTypeName(StorageType type) {
  switch (type) {
    case StorageType::kFilesystem: return "filesystem";
    case StorageType::kS3: return "s3";
    case StorageType::kGcs: return "gcs";
    case StorageType::kAzure: return "azure";
  }
  return "filesystem";
}

// Case-insensitive; `local` is an alias of `filesystem` (docs/sql-reference.md). Defined inline so that modules
// which may not link filestore (system, dialect) can name storage types too.
inline std::optional<StorageType> ParseStorageType(std::string_view text) {
  auto equals = [text](std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lower[i]) return false;
    }
    return true;
  };
  if (equals("filesystem") || equals("local")) return StorageType::kFilesystem;
  if (equals("s3")) return StorageType::kS3;
  if (equals("gcs")) return StorageType::kGcs;
  if (equals("azure")) return StorageType::kAzure;
  return std::nullopt;
}

}  // namespace kalam
