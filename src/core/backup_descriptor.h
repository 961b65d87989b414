#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/filestore/file_digest.h"

namespace kalam::core {

// The name of the file that makes a directory a backup: written last, so a directory without
// it holds no valid backup (docs/backup.md).
inline constexpr std::string_view kBackupDescriptorFile = "backup.json";

enum class BackupKind { kNamespace, kServer };

// One file of a backup, relative to the backup directory, with the digest RESTORE checks.
struct BackupFile {
  std::string path;
  filestore::FileDigest digest;
};

// `backup.json`: what a backup holds and how to prove it intact:
//   {"format":1,"kind":"namespace"|"server","namespace":"app"|null,"created_at":<µs>,
//    "snapshot_seq":"<_seq>","tables":["app.messages",…],
//    "files":[{"path":"catalog.json","size":123,"sha256":"…"},…]}
struct BackupDescriptor {
  static constexpr int64_t kFormat = 1;

  BackupKind kind = BackupKind::kNamespace;
  std::optional<NamespaceId> namespace_id;  // kNamespace only
  int64_t created_at_us = 0;
  SeqId snapshot_seq = 0;
  std::vector<TableId> tables;
  std::vector<BackupFile> files;

  std::string ToJson() const;
  // InvalidArgument "Invalid backup.json: …" for anything else, or another format.
  static Result<BackupDescriptor> FromJson(std::string_view json);
};

}  // namespace kalam::core
