#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/namespace_definition.h"
#include "kalam/commons/result.h"
#include "kalam/commons/storage_definition.h"
#include "kalam/commons/table_definition.h"
#include "kalam/commons/user_record.h"

namespace kalam::core {

inline constexpr std::string_view kBackupCatalogFile = "catalog.json";

// One table scope a backup holds files of: a USER table's user (`user_id`) or a SHARED table
// (no user), in `dir`, relative to the backup directory, with a manifest.json.
struct BackupScope {
  TableId table;
  std::optional<std::string> user_id;
  std::string dir;
};

// `catalog.json`: the catalog a backup restores (docs/backup.md). Table definitions travel as
// the catalog's own binary records (docs/key-encoding.md), base64-encoded, so that every field
// of every schema version comes back exactly; the readable fields beside them are for people.
//   {"format":1,"namespaces":[{"namespace_id":"app","created_at":<µs>,"options":{…}}],
//    "tables":[{"table_id":"app.t","table_type":"user","storage_id":"local","version":2,
//               "schema_versions":["<base64>",…]}],
//    "scopes":[{"table_id":"app.t","user_id":"alice"|null,"dir":"data/app/t/alice"}],
//    "storages":[{"storage_id":"s3main","definition":"<base64>"}],
//    "users":[{"user_id":"alice","role":"user","definition":"<base64>"}]}
struct BackupCatalog {
  std::vector<NamespaceDefinition> namespaces;
  // Each table's schema versions, oldest first; the last is the one of the snapshot.
  std::vector<std::vector<TableDefinition>> tables;
  std::vector<BackupScope> scopes;
  std::vector<StorageDefinition> storages;  // server backups only
  std::vector<UserRecord> users;            // server backups only (password hashes included)

  std::string ToJson() const;
  // InvalidArgument "Invalid catalog.json: …" for anything malformed.
  static Result<BackupCatalog> FromJson(std::string_view json);
};

}  // namespace kalam::core
