#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kalam/tables/version_iterator.h"
#include "version_sources.h"

namespace kalam::tables {

// Every version of its children in one `_seq` order (LevelDB's table/merger.h). Children
// are opened lazily: one that is not open yet competes with its bound, and is opened only
// when that bound would come next.
class MergingIterator final : public VersionIterator {
 public:
  MergingIterator(std::vector<std::unique_ptr<ChildIterator>> children, ScanOrder order);

  bool Valid() const override { return current_ != nullptr; }
  void Next() override;
  SeqId seq() const override { return current_->seq(); }
  bool deleted() const override { return current_->deleted(); }
  std::string_view identity() const override { return current_->identity(); }
  const duckdb::DataChunk& chunk() const override { return current_->chunk(); }
  duckdb::idx_t row() const override { return current_->row(); }
  Status status() const override;

 private:
  void FindCurrent();
  bool Before(SeqId a, SeqId b) const { return order_ == ScanOrder::kOldestFirst ? a < b : a > b; }

  std::vector<std::unique_ptr<ChildIterator>> children_;
  ScanOrder order_;
  ChildIterator* current_ = nullptr;
};

// The newest version of each row identity among a merged stream's versions, tombstones
// hidden unless asked for (LevelDB's db/db_iter.cc, for `_seq`-ordered versions). Newest
// first, the first version of an identity is its newest: later ones are skipped, so a read
// can stop after N rows. Oldest first, it needs `newest` (identity -> newest `_seq`, from a
// newest-first pass) to know which version is the last one; nullopt when every identity has
// one version in `merged` (a hot-only read).
class NewestVisibleIterator final : public VersionIterator {
 public:
  using NewestSeqs = std::unordered_map<std::string, SeqId>;
  NewestVisibleIterator(std::unique_ptr<VersionIterator> merged, ScanOrder order, bool include_tombstones,
                        std::optional<NewestSeqs> newest = std::nullopt);

  bool Valid() const override { return merged_->Valid(); }
  void Next() override;
  SeqId seq() const override { return merged_->seq(); }
  bool deleted() const override { return merged_->deleted(); }
  std::string_view identity() const override { return merged_->identity(); }
  const duckdb::DataChunk& chunk() const override { return merged_->chunk(); }
  duckdb::idx_t row() const override { return merged_->row(); }
  Status status() const override { return merged_->status(); }

 private:
  // Moves forward to a version to show, starting with the current one.
  void SkipHidden();

  std::unique_ptr<VersionIterator> merged_;
  ScanOrder order_;
  bool include_tombstones_;
  std::unordered_set<std::string> seen_;  // newest first
  std::optional<NewestSeqs> newest_;      // oldest first; shown ones are erased
};

// An iterator that failed before it started.
class FailedIterator final : public VersionIterator {
 public:
  explicit FailedIterator(Status status) : status_(std::move(status)) {}
  bool Valid() const override { return false; }
  void Next() override {}
  SeqId seq() const override { return 0; }
  bool deleted() const override { return false; }
  std::string_view identity() const override { return {}; }
  const duckdb::DataChunk& chunk() const override { return chunk_; }
  duckdb::idx_t row() const override { return 0; }
  Status status() const override { return status_; }

 private:
  Status status_;
  duckdb::DataChunk chunk_;
};

}  // namespace kalam::tables
