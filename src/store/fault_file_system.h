#pragma once

#include <rocksdb/file_system.h>

#include <memory>

namespace kalam::store {

// RocksDB's file system with the store's failpoints in its write paths (RocksDB's own
// FaultInjectionTestFS, reduced to what the failpoints need): appends and syncs of the
// write-ahead log (store.wal_append, store.wal_sync) and of every other file RocksDB writes
// (store.table_write) fail as the system call would have, with the armed errno. ENOSPC
// becomes RocksDB's retryable NoSpace error, as PosixWritableFile reports a real full disk;
// anything else a plain IOError. Disarmed, each call costs one atomic load and forwards.
// Thread-safe, like the file system it wraps.
class FaultFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target);

  static const char* kClassName() { return "KalamFaultFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
};

}  // namespace kalam::store
