#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

namespace kalam::tables {

// Group commit: writers that arrive while another writer is committing wait in line, and the
// next one to lead commits everyone in line at once. With the write-ahead log fsynced per
// write, N concurrent writers then share one fsync instead of queueing for N; without fsync
// they still share one storage write. A writer alone leads at once and pays only two
// uncontended lock round trips.
//
// Members are the callers' own objects (derive from Member); the commit function sees the
// whole group, in arrival order, and must give each member its outcome. Thread-safe.
class GroupCommitQueue {
 public:
  struct Member {
    bool done = false;  // guarded by the queue's mutex
  };

  // Returns once `me` was committed, by this thread (which then called `commit` with a group
  // that starts with the members queued before it and includes `me`) or by another leader.
  // If `commit` throws, the group is released all the same (members keep whatever outcome
  // they had, so give them a failing one up front) and the exception reaches the leader.
  template <typename Commit>
  void Join(Member& me, Commit&& commit) {
    std::unique_lock lock(mu_);
    queue_.push_back(&me);
    cv_.wait(lock, [&] { return me.done || !leading_; });
    if (me.done) return;
    leading_ = true;
    std::vector<Member*> group;
    group.swap(queue_);
    lock.unlock();
    Release release{*this, group};
    commit(group);
  }

 private:
  // Marks the group done and hands the lead on, also when the commit threw.
  struct Release {
    GroupCommitQueue& queue;
    std::vector<Member*>& group;
    ~Release() {
      {
        std::lock_guard lock(queue.mu_);
        for (Member* m : group) m->done = true;
        queue.leading_ = false;
      }
      queue.cv_.notify_all();
    }
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Member*> queue_;  // waiting for the next leader, in arrival order
  bool leading_ = false;        // a leader is committing a group
};

}  // namespace kalam::tables
