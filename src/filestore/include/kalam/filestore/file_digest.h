#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/filestore/file_backend.h"

namespace kalam::filestore {

// A file's size and SHA-256, as a backup lists them to prove its files intact (docs/backup.md).
struct FileDigest {
  uint64_t size = 0;
  std::string sha256;  // 64 lowercase hex digits

  bool operator==(const FileDigest&) const = default;
};

FileDigest DigestBytes(std::string_view bytes);

// Reads the local file at `absolute_path` once and answers its digest.
Result<FileDigest> DigestLocalFile(const std::string& absolute_path);

// Copies the local file at `source` (an absolute path: FileBackend::AbsolutePath or
// LocalReadPath of another backend) to `to` in `files`, reading it once to digest it on the
// way. Durable and all-or-nothing: written as `to` + ".tmp", synced, then renamed, so a crash
// leaves the old state or the whole copy (plus at most a ".tmp" file, which the cold tier's
// cleanup removes). Object-store backends receive the bytes through WriteAtomic.
//
// With `durable` false (a local `files` only) the copy goes straight to `to`, unsynced: for a
// writer whose commit point comes later and makes everything durable at once
// (SyncWrittenFiles), so that hundreds of small files do not cost an fsync and a rename
// each, which stall other writers of the filesystem (a backup beside a busy write-ahead log).
Result<FileDigest> CopyLocalFileInto(const std::string& source, FileBackend& files, std::string_view to,
                                     bool durable = true);

// Creates directory `dir` of a local `files` and its parents, unsynced (see above): the
// backend's CreateDirectories fsyncs each new directory's parent, one journal commit each.
Status CreateLocalDirectoriesUnsynced(FileBackend& files, std::string_view dir);

// Writes `bytes` as `path` of a local `files`, unsynced (see above), creating its directory.
Status WriteLocalFileUnsynced(FileBackend& files, std::string_view path, std::string_view bytes);

// Makes `paths` of a local `files` durable: an fsync of each file, then of each directory that
// holds one, up to and including the base. Only these files: a syncfs of the whole filesystem
// would also wait for every other writer's dirty pages (a busy write-ahead log, other
// processes) and stall them while it runs.
Status SyncWrittenFiles(FileBackend& files, const std::vector<std::string>& paths);

}  // namespace kalam::filestore
