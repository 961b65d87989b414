#include "fault_file_system.h"

#include <cerrno>
#include <string>
#include <system_error>

#include "kalam/commons/failpoint.h"

namespace kalam::store {
namespace {

bool IsWriteAheadLog(const std::string& fname) {
  return fname.size() > 4 && fname.compare(fname.size() - 4, 4, ".log") == 0;
}

rocksdb::IOStatus InjectedError(int error, const std::string& fname, const char* op) {
  const std::string what = std::string(op) + " " + fname;
  if (error == ENOSPC) {
    rocksdb::IOStatus s = rocksdb::IOStatus::NoSpace(what, std::system_category().message(error));
    s.SetRetryable(true);
    return s;
  }
  return rocksdb::IOStatus::IOError(what, std::system_category().message(error));
}

// One writable file with its failpoints decided once, from its name.
class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> target, std::string fname)
      : FSWritableFileOwnerWrapper(std::move(target)), fname_(std::move(fname)) {
    const bool wal = IsWriteAheadLog(fname_);
    append_point_ = wal ? Failpoint::kStoreWalAppend : Failpoint::kStoreTableWrite;
    sync_point_ = wal ? Failpoint::kStoreWalSync : Failpoint::kStoreTableWrite;
  }

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(append_point_, fname_)) return InjectedError(err, fname_, "append to");
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(append_point_, fname_)) return InjectedError(err, fname_, "append to");
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(append_point_, fname_)) return InjectedError(err, fname_, "append to");
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset, const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& info,
                                     rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(append_point_, fname_)) return InjectedError(err, fname_, "append to");
    return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(sync_point_, fname_)) return InjectedError(err, fname_, "sync");
    return FSWritableFileOwnerWrapper::Sync(options, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(sync_point_, fname_)) return InjectedError(err, fname_, "sync");
    return FSWritableFileOwnerWrapper::Fsync(options, dbg);
  }
  rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    if (const int err = FailpointCheck(sync_point_, fname_)) return InjectedError(err, fname_, "sync");
    return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
  }

 private:
  const std::string fname_;
  Failpoint append_point_;
  Failpoint sync_point_;
};

rocksdb::IOStatus Wrap(rocksdb::IOStatus s, const std::string& fname,
                       std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (s.ok()) *result = std::make_unique<FaultWritableFile>(std::move(*result), fname);
  return s;
}

}  // namespace

FaultFileSystem::FaultFileSystem(const std::shared_ptr<rocksdb::FileSystem>& target) : FileSystemWrapper(target) {}

rocksdb::IOStatus FaultFileSystem::NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                                   std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                   rocksdb::IODebugContext* dbg) {
  return Wrap(target()->NewWritableFile(fname, options, result, dbg), fname, result);
}

rocksdb::IOStatus FaultFileSystem::ReopenWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                      rocksdb::IODebugContext* dbg) {
  return Wrap(target()->ReopenWritableFile(fname, options, result, dbg), fname, result);
}

rocksdb::IOStatus FaultFileSystem::ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                                     const rocksdb::FileOptions& options,
                                                     std::unique_ptr<rocksdb::FSWritableFile>* result,
                                                     rocksdb::IODebugContext* dbg) {
  return Wrap(target()->ReuseWritableFile(fname, old_fname, options, result, dbg), fname, result);
}

}  // namespace kalam::store
