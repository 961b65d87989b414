#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/status.h"
#include "kalam/filestore/file_backend.h"

namespace kalam::filestore {

// FileBackend over a directory of the local filesystem (storage type `filesystem`).
//
// Confinement: besides the syntactic checks of ValidateRelativePath, every operation
// resolves the symlinks of the part of the path that exists and refuses it when the result
// leaves the canonical base (a symlink planted inside the base cannot lead reads, writes or
// deletes outside it). New files are created with O_EXCL and renamed into place, so a
// dangling symlink is replaced rather than followed. This guards against hostile names, not
// against a local attacker racing the server on the same directory.
//
// Thread-safe: holds only the immutable base path.
class LocalFileBackend final : public FileBackend {
 public:
  // Creates `base` (and parents) when missing and opens it, reporting why it cannot.
  [[nodiscard]] static Result<std::unique_ptr<LocalFileBackend>> Open(const std::string& base);

  // Best effort, for owners that cannot handle an error at construction: creates `base` when
  // it can; if the base is unusable, every operation fails with an IoError or NotFound later.
  // `base` may be relative to the working directory; it is made absolute (and canonical when
  // it exists) here, once.
  explicit LocalFileBackend(const std::string& base);

  // The absolute base directory (canonical when it existed at construction).
  const std::string& base() const { return base_; }

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

 private:
  // Validates `path` and returns its absolute form, refusing one whose existing prefix
  // resolves (through symlinks) outside the base.
  Result<std::string> Resolve(std::string_view path, bool allow_base) const;
  Result<std::vector<std::string>> ListEntries(std::string_view dir, bool directories) const;
  // Creates the directory `abs` below the base and fsyncs the parent of each directory it
  // created, so that a later durable write inside it is also reachable after a crash.
  Status MakeDirectories(const std::string& abs) const;

  std::string base_;
  // False when the base could not be canonicalised at construction (it did not exist and
  // could not be created): confinement checks then canonicalise it on every call.
  bool base_is_canonical_ = false;
};

// The check CREATE STORAGE runs on a filesystem base directory (docs/sql-reference.md): create it, write a
// probe file, read it back, find it in a listing, delete it. The message names the step that
// failed, e.g. "Storage check failed for '/mnt/x': cannot write a file: Permission denied".
Status ProbeStorage(const std::string& base);

}  // namespace kalam::filestore
