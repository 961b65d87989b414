#include "kalam/commons/failpoint.h"

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace kalam {
namespace failpoint_detail {

std::array<std::atomic<int>, kFailpointCount> armed_errno{};

namespace {

struct Slot {
  std::string filter;
  uint64_t hits = 0;
};

std::mutex& SlotsMutex() {
  static std::mutex mu;
  return mu;
}

// Signalled, with SlotsMutex(), whenever a point is armed or disarmed: wakes paused threads.
std::condition_variable& ArmedChanged() {
  static std::condition_variable cv;
  return cv;
}

// Guarded by SlotsMutex(); only armed points reach it.
std::array<Slot, kFailpointCount>& Slots() {
  static std::array<Slot, kFailpointCount> slots;
  return slots;
}

}  // namespace

int CheckArmed(Failpoint point, std::string_view path) {
  const size_t i = static_cast<size_t>(point);
  std::unique_lock lock(SlotsMutex());
  int error = armed_errno[i].load(std::memory_order_relaxed);
  if (error == 0) return 0;
  Slot& slot = Slots()[i];
  if (!slot.filter.empty() && path.find(slot.filter) == std::string_view::npos) return 0;
  ++slot.hits;
  if (error == kFailpointPause) {
    ArmedChanged().wait(lock, [&] { return armed_errno[i].load(std::memory_order_relaxed) != kFailpointPause; });
    error = armed_errno[i].load(std::memory_order_relaxed);
  }
  // _Exit, not abort: no core file, no destructors, no buffered writes; RocksDB and the
  // file backend keep exactly what they had made durable, as after SIGKILL.
  if (error == kFailpointCrash) std::_Exit(kFailpointCrashExitCode);
  return error;
}

}  // namespace failpoint_detail

namespace {

constexpr std::array<std::string_view, kFailpointCount> kNames = {
    "store.wal_append", "store.wal_sync", "store.table_write",
    "filestore.write",  "filestore.sync", "filestore.parquet_write",
    "flush.segment_written", "flush.segment_renamed", "flush.manifest_saved",
    "retention.segment_written", "retention.manifest_saved", "sql.statement",
    "alter.validated", "alter.stored",
    "backup.files_written", "restore.files_copied",
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view FailpointName(Failpoint point) { return kNames[static_cast<size_t>(point)]; }

std::optional<Failpoint> FailpointFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Failpoint>(i);
  }
  return std::nullopt;
}

Status CheckStepFailpoint(Failpoint point, std::string_view path) {
  const int error = FailpointCheck(point, path);
  if (error == 0) return Status::Ok();
  return Status::IoError("failpoint " + std::string(FailpointName(point)) + ": " + std::strerror(error));
}

void ArmFailpoint(Failpoint point, int error, std::string path_filter) {
  const size_t i = static_cast<size_t>(point);
  std::lock_guard lock(failpoint_detail::SlotsMutex());
  failpoint_detail::Slots()[i].filter = std::move(path_filter);
  failpoint_detail::armed_errno[i].store(error, std::memory_order_relaxed);
  failpoint_detail::ArmedChanged().notify_all();
}

void DisarmFailpoint(Failpoint point) { ArmFailpoint(point, 0); }

void DisarmAllFailpoints() {
  for (size_t i = 0; i < kFailpointCount; ++i) DisarmFailpoint(static_cast<Failpoint>(i));
}

uint64_t FailpointHits(Failpoint point) {
  std::lock_guard lock(failpoint_detail::SlotsMutex());
  return failpoint_detail::Slots()[static_cast<size_t>(point)].hits;
}

std::string FailpointHitsText() {
  std::lock_guard lock(failpoint_detail::SlotsMutex());
  std::string text;
  for (size_t i = 0; i < kFailpointCount; ++i) {
    const uint64_t hits = failpoint_detail::Slots()[i].hits;
    if (hits > 0) text += std::string(kNames[i]) + "=" + std::to_string(hits) + "\n";
  }
  return text;
}

Status ApplyFailpointSpec(std::string_view spec) {
  struct Setting {
    Failpoint point;
    int error;
    std::string filter;
  };
  std::vector<Setting> settings;
  while (!spec.empty()) {
    const size_t eol = spec.find('\n');
    const std::string_view line = Trim(spec.substr(0, eol));
    spec = eol == std::string_view::npos ? std::string_view() : spec.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const size_t eq = line.find('=');
    const auto point = FailpointFromName(Trim(line.substr(0, eq)));
    if (eq == std::string_view::npos || !point) {
      return Status::InvalidArgument("unknown failpoint in '" + std::string(line) + "'");
    }
    std::string_view action = Trim(line.substr(eq + 1));
    std::string filter;
    if (const size_t colon = action.find(':'); colon != std::string_view::npos) {
      filter = std::string(action.substr(colon + 1));
      action = action.substr(0, colon);
    }
    int error = 0;
    if (action == "ENOSPC") {
      error = ENOSPC;
    } else if (action == "EIO") {
      error = EIO;
    } else if (action == "crash") {
      error = kFailpointCrash;
    } else if (action == "pause") {
      error = kFailpointPause;
    } else if (action != "off") {
      return Status::InvalidArgument("unknown action in '" + std::string(line) + "' (ENOSPC, EIO, crash, pause or off)");
    }
    settings.push_back({*point, error, std::move(filter)});
  }
  for (auto& s : settings) ArmFailpoint(s.point, s.error, std::move(s.filter));
  return Status::Ok();
}

}  // namespace kalam
