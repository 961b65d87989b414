#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/poll.h"

namespace kalam::testing {

// The whole text of a file; empty when it cannot be read.
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The control file of kalamdb-server-failpoints (src/server/failpoint_control.h), which the
// test passes as KALAMDB_FAILPOINTS_FILE: arms failpoints and moves the server's clock on,
// waiting until the running server reports each change applied.
class FailpointFile {
 public:
  explicit FailpointFile(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  // Writes `spec` (failpoint lines) without waiting (for a server that is not running). The
  // clock offset reached so far is part of every write, so re-arming never moves it back.
  std::string Write(const std::string& spec) {
    spec_ = spec;
    // A generation line makes every write a change, even of the same spec.
    std::string text = "# " + std::to_string(++generation_) + "\n" + spec + "\n";
    if (clock_offset_.count() > 0) text += "clock.offset_ms=" + std::to_string(clock_offset_.count()) + "\n";
    {
      std::ofstream out(path_ + ".new", std::ios::binary | std::ios::trunc);
      out << text;
    }
    std::filesystem::rename(path_ + ".new", path_);
    return text;
  }

  ::testing::AssertionResult Apply(const std::string& spec) {
    const std::string text = Write(spec);
    if (PollUntil([&] { return ReadWholeFile(path_ + ".applied") == text; }, std::chrono::seconds(10))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "control '" << text << "' not applied: " << ReadWholeFile(path_ + ".error");
  }

  // Moves the server's clock `by` ahead (token times, rate windows, WebSocket heartbeat and
  // auth timeout, job backoff, schedulers) and waits until the server has applied it.
  ::testing::AssertionResult AdvanceClock(std::chrono::milliseconds by) {
    clock_offset_ += by;
    return Apply(spec_);
  }

 private:
  std::string path_;
  std::string spec_;
  std::chrono::milliseconds clock_offset_{0};
  int generation_ = 0;
};

}  // namespace kalam::testing
