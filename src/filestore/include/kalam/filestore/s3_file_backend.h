#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kalam/filestore/file_backend.h"
#include "kalam/filestore/object_cache.h"
#include "kalam/filestore/s3_client.h"

namespace kalam::filestore {

// FileBackend over an S3 bucket and prefix (storage type `s3`, docs/object-storage.md). A
// "directory" is a key prefix. DuckDB reads and writes local files only, so:
//
// - AbsolutePath names a staging file under the object cache, where the Parquet writer writes;
//   Rename(staged temp, final) uploads it (multipart when large), checks the object's size,
//   and keeps the file as the cached copy of `final`.
// - LocalReadPath fetches an object into the cache once and answers the local copy.
// - WriteAtomic (manifests) is conditional: If-Match on the ETag this backend last saw for the
//   path, If-None-Match: * when it saw none, and then read back and compared (servers that
//   ignore conditions still cannot leave a half-written or foreign manifest unnoticed). A
//   manifest is only written after the segments it names were uploaded and checked, so no
//   crash leaves a manifest naming a missing object.
//
// Thread-safe; callers serialise the writers of one directory, as for every backend.
class S3FileBackend final : public FileBackend {
 public:
  // `cache_prefix` is the storage id: this storage's copies are cache keys below it.
  S3FileBackend(std::unique_ptr<S3Client> client, std::shared_ptr<ObjectCache> cache, std::string cache_prefix);

  Status WriteAtomic(std::string_view path, std::string_view bytes) override;
  Result<std::string> Read(std::string_view path) override;
  Result<std::vector<std::string>> List(std::string_view dir) override;
  Result<std::vector<std::string>> ListDirectories(std::string_view dir) override;
  Result<bool> Exists(std::string_view path) override;
  Status Delete(std::string_view path) override;
  Status DeleteRecursive(std::string_view dir) override;
  Result<bool> RemoveDirectoryIfEmpty(std::string_view dir) override;
  Status Rename(std::string_view from, std::string_view to) override;
  Status SyncFile(std::string_view path) override;
  Status CreateDirectories(std::string_view dir) override;
  std::string AbsolutePath(std::string_view path) override;
  Result<uint64_t> Size(std::string_view path) override;
  Result<std::string> LocalReadPath(std::string_view path) override;
  bool IsRemote() const override { return true; }

  const S3Client& client() const { return *client_; }

 private:
  std::string CacheKey(std::string_view path) const;
  // Rename of objects not staged here: one object, or every key below a "directory".
  Status RenameRemote(std::string_view from, std::string_view to);
  void RememberEtag(std::string_view path, std::string etag);

  std::unique_ptr<S3Client> client_;
  std::shared_ptr<ObjectCache> cache_;
  const std::string cache_prefix_;
  std::mutex mu_;  // guards etags_
  // The last ETag read or written per path ("" = known to be absent), for conditional writes.
  std::unordered_map<std::string, std::string> etags_;
};

// The check CREATE STORAGE and STORAGE CHECK run on an s3 storage: list, put a probe object,
// get it back, delete it. Each failed step is one line of `failures`, e.g.
// "put: cannot write '.kalamdb-probe-..' in bucket 'b': S3 refused access (InvalidAccessKeyId)".
struct S3ProbeReport {
  std::vector<std::string> steps;     // "list", "put", "get", "delete", in order
  std::vector<std::string> failures;  // parallel to steps: "" when the step passed
  bool ok() const;
  std::string FirstFailure() const;  // "step: message", or "" when all passed
};
S3ProbeReport ProbeS3(const S3Client& client);

}  // namespace kalam::filestore
