#include "kalam/store/storage_backend.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "fault_file_system.h"
#include "kalam/store/pending_writes.h"

namespace kalam::store {
namespace {

// The one place RocksDB statuses become ours.
Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return Status::IoError("data directory is locked");
  }
  return Status::IoError(s.ToString());
}

// A write that failed in RocksDB's I/O was not applied (RocksDB writes the log first and
// stops before the memtable): the caller may retry once the storage works again. The message
// names the cause but no file, so it can go to any client.
Status FromRocksWrite(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsNoSpace()) {
    return Status::Unavailable(
        "Write not applied: the disk of the data directory is full (No space left on device). Writes resume "
        "once space is freed");
  }
  if (s.IsIOError() && !s.IsPathNotFound()) {
    return Status::Unavailable(
        "Write not applied: the data directory's storage failed to write or sync (I/O error). Writes resume "
        "once the storage works again");
  }
  return FromRocks(s);
}

Status ClosedStatus() {
  return Status::Unavailable(
      "The hot tier is closed after a storage failure and could not be reopened yet; it reopens on the next "
      "write once the storage works again");
}

// How soon RocksDB retries after a retryable background error (a full disk): RocksDB's default
// waits a second between attempts, longer than a client should wait after space returns.
constexpr uint64_t kResumeRetryIntervalMicros = 100'000;

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

std::string_view PartitionName(Partition p) {
  switch (p) {
    case Partition::kMeta: return "meta";
    case Partition::kRows: return "rows";
    case Partition::kIndex: return "index";
  }
  return "meta";
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(out.back());
    if (c != 0xff) {
      ++c;
      return out;
    }
    out.pop_back();
  }
  return out;  // empty = unbounded
}

// Snapshots and iterators point into one open RocksDB instance; the backend may reopen it
// (after a fatal background error) only while none is open, which `open_views` counts.
// A snapshot over a transaction's PendingWrites reads them over the database; with no
// RocksDB snapshot it reads the database's newest state under them.
class Snapshot {
 public:
  Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snap, std::atomic<int64_t>& open_views,
           rocksdb::WriteBatchWithIndex* pending = nullptr)
      : db_(db), snap_(snap), pending_(pending), open_views_(open_views) {
    open_views_.fetch_add(1);
  }
  ~Snapshot() {
    if (snap_ != nullptr) db_->ReleaseSnapshot(snap_);
    open_views_.fetch_sub(1);
  }
  const rocksdb::Snapshot* get() const { return snap_; }
  rocksdb::WriteBatchWithIndex* pending() const { return pending_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
  rocksdb::WriteBatchWithIndex* pending_;
  std::atomic<int64_t>& open_views_;
};

struct WriteBatch::Rep {
  rocksdb::WriteBatch batch;
  // Column-family handles are bound when the batch is written; keep the partition per op.
  struct Op {
    enum Kind { kPut, kDelete, kDeleteRange } kind;
    Partition partition;
    std::string a, b;
  };
  std::vector<Op> ops;
};

WriteBatch::WriteBatch() : rep_(std::make_unique<Rep>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(Partition p, std::string_view key, std::string_view value) {
  rep_->ops.push_back({Rep::Op::kPut, p, std::string(key), std::string(value)});
}
void WriteBatch::Delete(Partition p, std::string_view key) {
  rep_->ops.push_back({Rep::Op::kDelete, p, std::string(key), {}});
}
void WriteBatch::DeleteRange(Partition p, std::string_view begin, std::string_view end) {
  rep_->ops.push_back({Rep::Op::kDeleteRange, p, std::string(begin), std::string(end)});
}
size_t WriteBatch::Count() const { return rep_->ops.size(); }
void WriteBatch::Truncate(size_t count) {
  if (count < rep_->ops.size()) rep_->ops.resize(count);
}
void WriteBatch::Clear() { rep_->ops.clear(); }

struct PendingWrites::Rep {
  // overwrite_key: iterators over the batch and the database need one entry per key.
  rocksdb::WriteBatchWithIndex batch{rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true};
  const StorageBackend* backend = nullptr;
};

struct StorageBackend::Impl {
  std::string path;
  // The file system with the store's failpoints; must outlive the DB that uses its Env.
  std::unique_ptr<rocksdb::Env> env;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  rocksdb::WriteOptions write_options;

  // Shared by every call that uses `db` or `handles`; exclusive only to reopen them. The
  // lock is held for one call on one thread; views that outlive a call (snapshots,
  // iterators) are counted in `open_views` instead, and reopening waits for none.
  mutable std::shared_mutex instance_mu;
  std::atomic<int64_t> open_views{0};
  // Set when a write failed in I/O: the next write first checks whether RocksDB recovered.
  std::atomic<bool> write_failed{false};
  std::unique_ptr<rocksdb::DB> db;                    // null only when a reopen failed
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // indexed by Partition

  rocksdb::ColumnFamilyHandle* cf(Partition p) const { return handles[static_cast<size_t>(p)]; }

  rocksdb::Status OpenDb() {
    std::vector<rocksdb::ColumnFamilyHandle*> opened;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &opened, &raw);
    if (!s.ok()) return s;
    db.reset(raw);
    raw->DestroyColumnFamilyHandle(opened[0]);  // default family unused
    handles.assign(opened.begin() + 1, opened.end());
    return s;
  }

  void CloseDb() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    handles.clear();
    db->Close();
    db.reset();
  }

  // Runs one write against the open instance, first recovering from an earlier failed one.
  template <typename WriteFn>
  Status WriteWithRecovery(const WriteFn& write) {
    if (write_failed.load()) KALAM_RETURN_IF_ERROR(Recover());
    std::shared_lock lock(instance_mu);
    if (!db) return ClosedStatus();
    rocksdb::Status s = write(*db);
    if (s.IsIOError()) write_failed.store(true);
    return FromRocksWrite(s);
  }

  // Resumes RocksDB after a background error, or reopens it after a fatal one.
  Status Recover() {
    {
      std::shared_lock lock(instance_mu);
      if (db) {
        // Ok when RocksDB recovered by itself or there is nothing to recover from; Busy while its
        // own retries of a retryable error (a full disk) are under way: the write then tells.
        const rocksdb::Status resumed = db->Resume();
        if (resumed.ok()) {
          write_failed.store(false);
          return Status::Ok();
        }
        if (resumed.IsBusy()) return Status::Ok();
      }
    }
    // A fatal background error (a failed fsync of the log: the page cache can no longer be
    // trusted) is never resumed; only reopening, which replays the log from disk, clears it.
    std::unique_lock lock(instance_mu, std::try_to_lock);
    if (!lock.owns_lock() || open_views.load() != 0) {
      return Status::Unavailable(
          "Write not applied: the hot tier is reopening after a storage failure; retry shortly");
    }
    CloseDb();
    const rocksdb::Status opened = OpenDb();
    if (!opened.ok()) return FromRocksWrite(opened);
    write_failed.store(false);
    return Status::Ok();
  }

  ~Impl() { CloseDb(); }
};

namespace {

class RocksRangeIterator final : public RangeIterator {
 public:
  // The bounds live in this object because RocksDB keeps pointers to them in ReadOptions.
  RocksRangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snapshot,
                     std::string begin, std::string end, std::atomic<int64_t>& open_views,
                     rocksdb::WriteBatchWithIndex* pending = nullptr)
      : begin_(std::move(begin)), end_(std::move(end)), lower_(begin_), upper_(end_), open_views_(open_views) {
    open_views_.fetch_add(1);
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    ro.total_order_seek = true;
    // Range scans read whole blocks sequentially; block checksums are still verified by
    // compaction and point reads, so scans skip the per-block CRC.
    ro.verify_checksums = false;
    ro.adaptive_readahead = true;
    ro.iterate_lower_bound = &lower_;
    if (!end_.empty()) ro.iterate_upper_bound = &upper_;
    it_.reset(db->NewIterator(ro, cf));
    if (pending != nullptr) {
      // The batch's own entries ignore the bounds, so this iterator checks them itself.
      overlay_ = true;
      it_.reset(pending->NewIteratorWithBase(cf, it_.release()));
    }
  }
  ~RocksRangeIterator() override {
    it_.reset();
    open_views_.fetch_sub(1);
  }

  void SeekToFirst() override { it_->Seek(lower_); }
  void SeekToLast() override {
    if (overlay_ && !end_.empty()) {
      it_->SeekForPrev(upper_);
      if (it_->Valid() && it_->key().compare(upper_) >= 0) it_->Prev();
      return;
    }
    // With an upper bound set, SeekToLast lands on the last key below it.
    it_->SeekToLast();
  }
  void Seek(std::string_view target) override {
    it_->Seek(target < std::string_view(begin_) ? lower_ : ToSlice(target));
  }
  // RocksDB enforces both bounds on the database's keys; a pending batch's keys are checked.
  bool Valid() const override {
    if (!it_->Valid()) return false;
    if (!overlay_) return true;
    const rocksdb::Slice k = it_->key();
    return k.compare(lower_) >= 0 && (end_.empty() || k.compare(upper_) < 0);
  }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { auto k = it_->key(); return {k.data(), k.size()}; }
  std::string_view value() const override { auto v = it_->value(); return {v.data(), v.size()}; }
  Status status() const override { return FromRocks(it_->status()); }

 private:
  std::string begin_;
  std::string end_;
  rocksdb::Slice lower_;
  rocksdb::Slice upper_;
  std::atomic<int64_t>& open_views_;
  bool overlay_ = false;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// What a scan gets while the database could not be reopened: no keys, and the reason.
class FailedRangeIterator final : public RangeIterator {
 public:
  explicit FailedRangeIterator(Status status) : status_(std::move(status)) {}
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  bool Valid() const override { return false; }
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return status_; }

 private:
  Status status_;
};

}  // namespace

StorageBackend::StorageBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StorageBackend::~StorageBackend() = default;

Result<std::unique_ptr<StorageBackend>> StorageBackend::Open(const std::string& path,
                                                             const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IoError("cannot create " + path + ": " + ec.message());

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->env = rocksdb::NewCompositeEnv(std::make_shared<FaultFileSystem>(rocksdb::FileSystem::Default()));
  rocksdb::DBOptions& db_options = impl->db_options;
  db_options.env = impl->env.get();
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;
  db_options.bgerror_resume_retry_interval = kResumeRetryIntervalMicros;

  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Rows are small and read in key order: bigger blocks mean fewer cache lookups per row.
  table_options.block_size = 16 * 1024;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  cf_options.compression = rocksdb::kLZ4Compression;
  cf_options.bottommost_compression = rocksdb::kZSTD;
  cf_options.write_buffer_size = 64 << 20;

  impl->descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (int i = 0; i < kPartitionCount; ++i) {
    impl->descriptors.emplace_back(std::string(PartitionName(static_cast<Partition>(i))), cf_options);
  }
  rocksdb::Status s = impl->OpenDb();
  if (!s.ok()) return FromRocks(s);
  impl->write_options.sync = options.sync_writes;
  return std::unique_ptr<StorageBackend>(new StorageBackend(std::move(impl)));
}

Result<std::optional<std::string>> StorageBackend::Get(Partition p, std::string_view key,
                                                       const Snapshot* snapshot) const {
  std::shared_lock lock(impl_->instance_mu);
  if (!impl_->db) return ClosedStatus();
  rocksdb::ReadOptions ro;
  if (snapshot) ro.snapshot = snapshot->get();
  std::string value;
  rocksdb::Status s = snapshot && snapshot->pending()
                          ? snapshot->pending()->GetFromBatchAndDB(impl_->db.get(), ro, impl_->cf(p), ToSlice(key), &value)
                          : impl_->db->Get(ro, impl_->cf(p), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

Status StorageBackend::Put(Partition p, std::string_view key, std::string_view value) {
  return impl_->WriteWithRecovery([&](rocksdb::DB& db) {
    return db.Put(impl_->write_options, impl_->cf(p), ToSlice(key), ToSlice(value));
  });
}

Status StorageBackend::Delete(Partition p, std::string_view key) {
  return impl_->WriteWithRecovery([&](rocksdb::DB& db) { return db.Delete(impl_->write_options, impl_->cf(p), ToSlice(key)); });
}

Status StorageBackend::Write(WriteBatch& batch) {
  return impl_->WriteWithRecovery([&](rocksdb::DB& db) {
    rocksdb::WriteBatch& wb = batch.rep_->batch;
    wb.Clear();
    for (const auto& op : batch.rep_->ops) {
      rocksdb::Status s;
      switch (op.kind) {
        case WriteBatch::Rep::Op::kPut: s = wb.Put(impl_->cf(op.partition), op.a, op.b); break;
        case WriteBatch::Rep::Op::kDelete: s = wb.Delete(impl_->cf(op.partition), op.a); break;
        case WriteBatch::Rep::Op::kDeleteRange:
          s = wb.DeleteRange(impl_->cf(op.partition), op.a, op.b);
          break;
      }
      if (!s.ok()) return s;
    }
    return db.Write(impl_->write_options, &wb);
  });
}

std::unique_ptr<RangeIterator> StorageBackend::Scan(Partition p, std::string_view begin,
                                                    std::string_view end,
                                                    const Snapshot* snapshot) const {
  std::shared_lock lock(impl_->instance_mu);
  if (!impl_->db) return std::make_unique<FailedRangeIterator>(ClosedStatus());
  return std::make_unique<RocksRangeIterator>(impl_->db.get(), impl_->cf(p), snapshot ? snapshot->get() : nullptr,
                                              std::string(begin), std::string(end), impl_->open_views,
                                              snapshot ? snapshot->pending() : nullptr);
}

std::unique_ptr<RangeIterator> StorageBackend::ScanPrefix(Partition p, std::string_view prefix,
                                                          const Snapshot* snapshot) const {
  return Scan(p, prefix, PrefixSuccessor(prefix), snapshot);
}

std::shared_ptr<const Snapshot> StorageBackend::GetSnapshot() const {
  std::shared_lock lock(impl_->instance_mu);
  // Without a database a snapshot pins nothing; reads through it fail like every other read.
  if (!impl_->db) return std::make_shared<const Snapshot>(nullptr, nullptr, impl_->open_views);
  return std::make_shared<const Snapshot>(impl_->db.get(), impl_->db->GetSnapshot(), impl_->open_views);
}

std::shared_ptr<const Snapshot> StorageBackend::GetSnapshot(const PendingWrites& pending, bool newest) const {
  std::shared_lock lock(impl_->instance_mu);
  if (!impl_->db) return std::make_shared<const Snapshot>(nullptr, nullptr, impl_->open_views);
  return std::make_shared<const Snapshot>(impl_->db.get(), newest ? nullptr : impl_->db->GetSnapshot(),
                                          impl_->open_views, &pending.rep_->batch);
}

std::unique_ptr<PendingWrites> StorageBackend::NewPendingWrites() const {
  auto rep = std::make_unique<PendingWrites::Rep>();
  rep->backend = this;
  return std::unique_ptr<PendingWrites>(new PendingWrites(std::move(rep)));
}

PendingWrites::PendingWrites(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
PendingWrites::~PendingWrites() = default;

Status PendingWrites::Apply(const WriteBatch& batch) {
  const StorageBackend::Impl& impl = *rep_->backend->impl_;
  std::shared_lock lock(impl.instance_mu);
  if (!impl.db) return ClosedStatus();
  for (const auto& op : batch.rep_->ops) {
    rocksdb::Status s;
    switch (op.kind) {
      case WriteBatch::Rep::Op::kPut: s = rep_->batch.Put(impl.cf(op.partition), op.a, op.b); break;
      case WriteBatch::Rep::Op::kDelete: s = rep_->batch.Delete(impl.cf(op.partition), op.a); break;
      case WriteBatch::Rep::Op::kDeleteRange:
        return Status::InvalidArgument("a range delete cannot be held in pending writes");
    }
    if (!s.ok()) return FromRocks(s);
  }
  return Status::Ok();
}

size_t PendingWrites::Count() const { return rep_->batch.GetWriteBatch()->Count(); }

uint64_t StorageBackend::EstimateKeys(Partition p) const {
  std::shared_lock lock(impl_->instance_mu);
  uint64_t n = 0;
  if (impl_->db) impl_->db->GetIntProperty(impl_->cf(p), "rocksdb.estimate-num-keys", &n);
  return n;
}

StoreStats StorageBackend::Stats() const {
  std::shared_lock lock(impl_->instance_mu);
  StoreStats out;
  if (!impl_->db) return out;
  rocksdb::DB& db = *impl_->db;
  auto add_int = [&](rocksdb::ColumnFamilyHandle* h, const std::string& name, uint64_t* sum) {
    uint64_t v = 0;
    if (db.GetIntProperty(h, name, &v)) *sum += v;
  };
  // The "cfstats" map holds the cumulative figures the int properties lack: stall counts and
  // per-level compaction runs ("Sum" is every level together; flushes count as L0 runs).
  auto add_map = [&](const std::map<std::string, std::string>& stats, const std::string& key, uint64_t* sum) {
    auto it = stats.find(key);
    if (it != stats.end()) *sum += static_cast<uint64_t>(std::strtod(it->second.c_str(), nullptr));
  };
  for (auto* h : impl_->handles) {
    add_int(h, rocksdb::DB::Properties::kLiveSstFilesSize, &out.sst_bytes);
    add_int(h, rocksdb::DB::Properties::kCurSizeAllMemTables, &out.memtable_bytes);
    add_int(h, rocksdb::DB::Properties::kEstimatePendingCompactionBytes, &out.pending_compaction_bytes);
    std::map<std::string, std::string> stats;
    if (db.GetMapProperty(h, rocksdb::DB::Properties::kCFStats, &stats)) {
      add_map(stats, "io_stalls.total_stop", &out.write_stalls);
      add_map(stats, "io_stalls.total_slowdown", &out.write_stalls);
      add_map(stats, "compaction.Sum.CompCount", &out.compactions);
    }
  }
  // DB-wide properties: any handle answers them.
  uint64_t v = 0;
  if (db.GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &v)) out.running_compactions = v;
  if (db.GetIntProperty(rocksdb::DB::Properties::kNumRunningFlushes, &v)) out.running_flushes = v;
  if (db.GetIntProperty(rocksdb::DB::Properties::kActualDelayedWriteRate, &v)) out.delayed_write_rate = v;
  if (db.GetIntProperty(rocksdb::DB::Properties::kIsWriteStopped, &v)) out.writes_stopped = v != 0;
  return out;
}

Status StorageBackend::FlushAll() {
  std::shared_lock lock(impl_->instance_mu);
  if (!impl_->db) return ClosedStatus();
  rocksdb::FlushOptions fo;
  for (auto* h : impl_->handles) {
    const rocksdb::Status s = impl_->db->Flush(fo, h);
    if (s.IsIOError()) impl_->write_failed.store(true);
    KALAM_RETURN_IF_ERROR(FromRocksWrite(s));
  }
  return Status::Ok();
}

}  // namespace kalam::store
