#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/result.h"
#include "kalam/commons/status.h"

namespace kalam {
enum class Failpoint : uint8_t;  // kalam/commons/failpoint.h
}  // namespace kalam

namespace kalam::filestore {

// The files of one storage, addressed by paths RELATIVE to the storage's base, so that an
// object store can implement the same interface later (a "directory" is then a key prefix).
//
// Paths: '/'-separated, non-empty segments, no leading '/', no '.' or '..' segment, no '\'
// or NUL (ValidateRelativePath). "" names the base itself and is accepted only where the
// method says so. Every implementation rejects any other path with InvalidArgument before
// touching storage: ids that reach a path come from clients, so confinement is the backend's
// job, not its callers'.
//
// Errors: a missing file or directory is NotFound; other storage failures are IoError.
// Implementations are thread-safe; operations on different paths may run concurrently, and
// callers serialise writers of one directory (one flush per scope).
class FileBackend {
 public:
  virtual ~FileBackend() = default;

  // Replaces `path` with `bytes` so that a reader or a crash sees the old content or the new,
  // never a mix: temp file in the same directory, fsync, rename, fsync of the directory.
  // Creates missing parent directories.
  virtual Status WriteAtomic(std::string_view path, std::string_view bytes) = 0;
  virtual Result<std::string> Read(std::string_view path) = 0;
  // Names (not paths) of the regular files directly inside `dir` ("" = base), sorted.
  virtual Result<std::vector<std::string>> List(std::string_view dir) = 0;
  // Names of the directories directly inside `dir` ("" = base), sorted. A USER table's
  // directory holds one subdirectory per user.
  virtual Result<std::vector<std::string>> ListDirectories(std::string_view dir) = 0;
  // Whether a file or directory exists at `path` ("" = base).
  virtual Result<bool> Exists(std::string_view path) = 0;
  // Removes one file; NotFound when there is none.
  virtual Status Delete(std::string_view path) = 0;
  // Removes `dir` and everything below it; Ok when it does not exist. The base itself ("")
  // cannot be removed this way.
  virtual Status DeleteRecursive(std::string_view dir) = 0;
  // Removes the directory `dir` if it holds nothing at all: true when it is gone (or was not
  // there), false when something is still inside. The base itself ("") is refused.
  virtual Result<bool> RemoveDirectoryIfEmpty(std::string_view dir) = 0;
  // Atomically renames a file, replacing `to` if it exists; creates `to`'s parent directories
  // and makes the rename durable before returning.
  virtual Status Rename(std::string_view from, std::string_view to) = 0;
  // Makes a file's content durable (fsync) after someone else wrote it, e.g. a Parquet file
  // written by the engine through AbsolutePath.
  virtual Status SyncFile(std::string_view path) = 0;
  // Creates `dir` and its missing parents ("" = base); Ok when it exists already.
  virtual Status CreateDirectories(std::string_view dir) = 0;
  // The location a tool outside this interface (the Parquet writer and reader) should use for
  // `path` ("" = base). The path is checked like any other; when it is refused (invalid, or
  // leading out of the base) the answer is "", which no tool can open, so it never escapes the
  // base. ValidateRelativePath tells a caller why a path is refused.
  virtual std::string AbsolutePath(std::string_view path) = 0;
  // Size in bytes of a file.
  virtual Result<uint64_t> Size(std::string_view path) = 0;
  // A local file with `path`'s content, for a reader outside this interface (DuckDB reads
  // local files only). A local backend answers AbsolutePath; an object store fetches the
  // object into its cache once and answers the copy. NotFound when there is no such file.
  virtual Result<std::string> LocalReadPath(std::string_view path);
  // True when files live in an object store and reads go through a local cache, so that
  // callers keep no local path longer than one operation (the copy may be evicted).
  virtual bool IsRemote() const { return false; }
};

// Checks the path rules above. `allow_base` accepts "" (the base itself).
Status ValidateRelativePath(std::string_view path, bool allow_base = false);

// True when `name` is usable as one path segment: non-empty, at most 255 bytes, no '/', '\\'
// or NUL, not '.' or '..', and not starting with '.' (hidden names are reserved for temp and
// probe files).
bool IsSafePathComponent(std::string_view name);

// The one place where errno becomes a Status: NotFound for a missing file or directory,
// Unavailable for a full disk or quota (ENOSPC, EDQUOT: the write may succeed once space is
// freed), IoError otherwise. Messages name `op` and the relative `path` only, e.g.
// "cannot write 'app/t/manifest.json': No space left on device".
Status ErrnoStatus(int err, std::string_view op, std::string_view path);

// For a file written outside this interface (the Parquet writer writes through AbsolutePath):
// the error `point` injects, worded like the real failure, or Ok when it is not armed.
Status CheckWriteFailpoint(Failpoint point, std::string_view path);

// `dir` + "/" + `name`, or `name` when `dir` is "" (the base).
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace kalam::filestore
