#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace kalam::filestore {

// The local copies of object-store files that DuckDB reads (it reads local files only): a
// directory bounded in bytes, least recently used copies evicted first. Keys are
// "<storage id>/<relative path>", and a key's copy lives at root/key. Object-store backends
// also stage the files they are about to upload under the same root, outside the accounting.
//
// That directory is emptied at construction: a copy left from an earlier run may describe an
// object that changed since, and re-fetching is always correct. An evicted copy that a
// running query already opened stays readable (POSIX unlink); the bound should exceed the
// segments one query reads at once (docs/object-storage.md).
//
// Thread-safe.
class ObjectCache {
 public:
  // Copies live in `dir`/kalamdb-objects.
  ObjectCache(std::string dir, uint64_t max_bytes);

  const std::string& root() const { return root_; }
  std::string PathOf(std::string_view key) const;

  // True (and marks the copy used) when a copy of `key` is held.
  bool Touch(std::string_view key);
  // Accounts a copy just placed at PathOf(key), then evicts down to the bound (never `key`
  // itself, even when it alone exceeds the bound).
  void Added(std::string_view key, uint64_t size);
  // Forgets and removes the copies of `key` and of every key below `key` + "/".
  void Remove(std::string_view key);

  uint64_t bytes() const;
  uint64_t max_bytes() const { return max_bytes_; }

 private:
  void EvictLocked(std::string_view keep);

  const std::string root_;
  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::list<std::string> lru_;  // most recent first
  struct Entry {
    uint64_t size;
    std::list<std::string>::iterator at;
  };
  std::unordered_map<std::string, Entry> entries_;
  uint64_t bytes_ = 0;
};

}  // namespace kalam::filestore
