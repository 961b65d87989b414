#include "merging_iterator.h"

namespace kalam::tables {

MergingIterator::MergingIterator(std::vector<std::unique_ptr<ChildIterator>> children, ScanOrder order)
    : children_(std::move(children)), order_(order) {
  FindCurrent();
}

void MergingIterator::FindCurrent() {
  while (true) {
    ChildIterator* best = nullptr;
    for (const auto& child : children_) {
      if (!child->status().ok()) {
        current_ = nullptr;  // status() reports it
        return;
      }
      if (child->opened() && !child->Valid()) continue;
      if (best == nullptr || Before(child->SortKey(), best->SortKey())) best = child.get();
    }
    if (best == nullptr || best->opened()) {
      current_ = best;
      return;
    }
    best->Open();  // its bound comes next: see what it really holds
  }
}

void MergingIterator::Next() {
  current_->Next();
  FindCurrent();
}

Status MergingIterator::status() const {
  for (const auto& child : children_) {
    if (!child->status().ok()) return child->status();
  }
  return Status::Ok();
}

NewestVisibleIterator::NewestVisibleIterator(std::unique_ptr<VersionIterator> merged, ScanOrder order,
                                             bool include_tombstones, std::optional<NewestSeqs> newest)
    : merged_(std::move(merged)), order_(order), include_tombstones_(include_tombstones), newest_(std::move(newest)) {
  SkipHidden();
}

void NewestVisibleIterator::Next() {
  merged_->Next();
  SkipHidden();
}

void NewestVisibleIterator::SkipHidden() {
  for (; merged_->Valid(); merged_->Next()) {
    const std::string_view id = merged_->identity();
    if (order_ == ScanOrder::kNewestFirst) {
      // A newer version of this identity came first (or the same version twice: a hot copy
      // of a flushed version that a crash left behind).
      if (!seen_.emplace(id).second) continue;
    } else if (newest_) {
      auto it = newest_->find(std::string(id));
      if (it == newest_->end() || it->second != merged_->seq()) continue;
      newest_->erase(it);  // shown once, even when a hot copy repeats it
    }
    if (merged_->deleted() && !include_tombstones_) continue;
    return;
  }
}

}  // namespace kalam::tables
