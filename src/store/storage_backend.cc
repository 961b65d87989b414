#include "kalam/store/storage_backend.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/options_util.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <vector>

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

class Snapshot {
 public:
  Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snap) : db_(db), snap_(snap) {}
  ~Snapshot() { db_->ReleaseSnapshot(snap_); }
  const rocksdb::Snapshot* get() const { return snap_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snap_;
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
void WriteBatch::Clear() { rep_->ops.clear(); }

struct StorageBackend::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // indexed by Partition
  rocksdb::WriteOptions write_options;

  rocksdb::ColumnFamilyHandle* cf(Partition p) const { return handles[static_cast<size_t>(p)]; }

  ~Impl() {
    if (db) {
      for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
      db->Close();
    }
  }
};

namespace {

class RocksRangeIterator final : public RangeIterator {
 public:
  // The bounds live in this object because RocksDB keeps pointers to them in ReadOptions.
  RocksRangeIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Snapshot* snapshot,
                     std::string begin, std::string end)
      : begin_(std::move(begin)), end_(std::move(end)), lower_(begin_), upper_(end_) {
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
  }

  void SeekToFirst() override { it_->Seek(lower_); }
  void SeekToLast() override {
    // With an upper bound set, SeekToLast lands on the last key below it.
    it_->SeekToLast();
  }
  void Seek(std::string_view target) override {
    it_->Seek(target < std::string_view(begin_) ? lower_ : ToSlice(target));
  }
  // RocksDB enforces both bounds, so validity needs no key comparison here.
  bool Valid() const override { return it_->Valid(); }
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
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

StorageBackend::StorageBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StorageBackend::~StorageBackend() = default;

Result<std::unique_ptr<StorageBackend>> StorageBackend::Open(const std::string& path,
                                                             const StoreOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::IoError("cannot create " + path + ": " + ec.message());

  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 3;

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

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (int i = 0; i < kPartitionCount; ++i) {
    descriptors.emplace_back(std::string(PartitionName(static_cast<Partition>(i))), cf_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s);

  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  raw->DestroyColumnFamilyHandle(handles[0]);  // default family unused
  impl->handles.assign(handles.begin() + 1, handles.end());
  impl->write_options.sync = options.sync_writes;
  return std::unique_ptr<StorageBackend>(new StorageBackend(std::move(impl)));
}

Result<std::optional<std::string>> StorageBackend::Get(Partition p, std::string_view key,
                                                       const Snapshot* snapshot) const {
  rocksdb::ReadOptions ro;
  if (snapshot) ro.snapshot = snapshot->get();
  std::string value;
  rocksdb::Status s = impl_->db->Get(ro, impl_->cf(p), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s);
  return std::optional<std::string>(std::move(value));
}

Status StorageBackend::Put(Partition p, std::string_view key, std::string_view value) {
  return FromRocks(impl_->db->Put(impl_->write_options, impl_->cf(p), ToSlice(key), ToSlice(value)));
}

Status StorageBackend::Delete(Partition p, std::string_view key) {
  return FromRocks(impl_->db->Delete(impl_->write_options, impl_->cf(p), ToSlice(key)));
}

Status StorageBackend::Write(WriteBatch& batch) {
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
    if (!s.ok()) return FromRocks(s);
  }
  return FromRocks(impl_->db->Write(impl_->write_options, &wb));
}

std::unique_ptr<RangeIterator> StorageBackend::Scan(Partition p, std::string_view begin,
                                                    std::string_view end,
                                                    const Snapshot* snapshot) const {
  return std::make_unique<RocksRangeIterator>(impl_->db.get(), impl_->cf(p), snapshot ? snapshot->get() : nullptr,
                                              std::string(begin), std::string(end));
}

std::unique_ptr<RangeIterator> StorageBackend::ScanPrefix(Partition p, std::string_view prefix,
                                                          const Snapshot* snapshot) const {
  return Scan(p, prefix, PrefixSuccessor(prefix), snapshot);
}

std::shared_ptr<const Snapshot> StorageBackend::GetSnapshot() const {
  return std::make_shared<const Snapshot>(impl_->db.get(), impl_->db->GetSnapshot());
}

uint64_t StorageBackend::EstimateKeys(Partition p) const {
  uint64_t n = 0;
  impl_->db->GetIntProperty(impl_->cf(p), "rocksdb.estimate-num-keys", &n);
  return n;
}

Status StorageBackend::FlushAll() {
  rocksdb::FlushOptions fo;
  for (auto* h : impl_->handles) {
    KALAM_RETURN_IF_ERROR(FromRocks(impl_->db->Flush(fo, h)));
  }
  return Status::Ok();
}

}  // namespace kalam::store
