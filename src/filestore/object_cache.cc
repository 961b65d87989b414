#include "kalam/filestore/object_cache.h"

#include <filesystem>
#include <vector>

namespace kalam::filestore {

namespace fs = std::filesystem;

// Only this subdirectory of the configured one is emptied at start, so that a cache_dir set to a
// shared directory by mistake loses nothing but our own copies.
ObjectCache::ObjectCache(std::string dir, uint64_t max_bytes)
    : root_(std::move(dir) + "/kalamdb-objects"), max_bytes_(max_bytes) {
  std::error_code ec;
  fs::remove_all(root_, ec);
  fs::create_directories(root_, ec);
}

std::string ObjectCache::PathOf(std::string_view key) const { return root_ + "/" + std::string(key); }

bool ObjectCache::Touch(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) return false;
  std::error_code ec;
  if (!fs::exists(PathOf(key), ec)) {  // removed behind our back: fetch again
    bytes_ -= it->second.size;
    lru_.erase(it->second.at);
    entries_.erase(it);
    return false;
  }
  lru_.splice(lru_.begin(), lru_, it->second.at);
  return true;
}

void ObjectCache::Added(std::string_view key, uint64_t size) {
  std::lock_guard lock(mu_);
  const std::string k(key);
  if (auto it = entries_.find(k); it != entries_.end()) {
    bytes_ -= it->second.size;
    lru_.erase(it->second.at);
    entries_.erase(it);
  }
  lru_.push_front(k);
  entries_.emplace(k, Entry{size, lru_.begin()});
  bytes_ += size;
  EvictLocked(k);
}

void ObjectCache::EvictLocked(std::string_view keep) {
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const std::string victim = lru_.back();
    if (victim == keep) break;  // the newest copy is the only one left
    std::error_code ec;
    fs::remove(PathOf(victim), ec);
    auto it = entries_.find(victim);
    bytes_ -= it->second.size;
    entries_.erase(it);
    lru_.pop_back();
  }
}

void ObjectCache::Remove(std::string_view key) {
  std::lock_guard lock(mu_);
  const std::string k(key);
  const std::string below = k + "/";
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first == k || it->first.rfind(below, 0) == 0) {
      bytes_ -= it->second.size;
      lru_.erase(it->second.at);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  std::error_code ec;
  fs::remove_all(PathOf(k), ec);
}

uint64_t ObjectCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace kalam::filestore
