#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace kalam::server {

// Arms and disarms storage failpoints (kalam/commons/failpoint.h) from outside the process,
// for fault-injection tests of the real server. Compiled only into the test binary
// kalamdb-server-failpoints: the production kalamdb-server has no such control, and no
// client request reaches it in either binary.
//
// When KALAMDB_FAILPOINTS_FILE names a file, a thread reads it every few milliseconds; when
// its text changes it is applied with ApplyFailpointSpec ("store.wal_append=ENOSPC",
// "filestore.sync=EIO:.parquet", "store.wal_append=off", one per line), then copied to
// "<file>.applied" (or the reason to "<file>.error"), which is what a test waits for. The
// points that have fired, "name=hits" per line, are kept in "<file>.hits" (FailpointHitsText):
// how a test sees that a paused flush or statement has reached its point.
//
// The same file moves the process clock (kalam/commons/clock.h): while the control runs, the
// process clock is a running ManualClock, and a line "clock.offset_ms=<n>" puts it <n> ms
// ahead of real time (never back: a smaller offset than already applied is refused). Token
// times, rate windows, the WebSocket heartbeat and auth timeout, job backoff and the schedulers
// then see that much time pass at once, so an end-to-end test of a timeout takes milliseconds.
class FailpointControl {
 public:
  // Null when KALAMDB_FAILPOINTS_FILE is not set (the process clock is then the system's).
  // Call before any thread that reads the clock starts.
  static std::unique_ptr<FailpointControl> StartFromEnvironment();
  ~FailpointControl();

 private:
  explicit FailpointControl(std::string path);
  void Run();

  const std::string path_;
  std::mutex mu_;  // guards stop_ (with cv_)
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace kalam::server
