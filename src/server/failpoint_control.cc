#include "failpoint_control.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "kalam/commons/failpoint.h"
#include "kalam/commons/manual_clock.h"

namespace kalam::server {
namespace {

// The file's text, or nullopt when it cannot be read (not written yet, or mid-rename).
std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The process clock while a control runs; never destroyed, as threads may read it until exit.
ManualClock& ControlledClock() {
  static ManualClock* clock = new ManualClock(ManualClock::Flow::kRunning);
  return *clock;
}

constexpr std::string_view kClockOffsetKey = "clock.offset_ms=";

// Applies the control text: the clock line (if any) and the failpoint lines (all of them, or
// on the first bad line none). The clock only moves forward.
Status ApplyControlText(std::string_view text) {
  std::string failpoints;
  std::optional<int64_t> offset_ms;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.substr(0, kClockOffsetKey.size()) != kClockOffsetKey) {
      failpoints.append(line).push_back('\n');
      continue;
    }
    const std::string value(line.substr(kClockOffsetKey.size()));
    char* end = nullptr;
    const long long parsed = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || parsed < 0) {
      return Status::InvalidArgument("bad clock offset in '" + std::string(line) + "'");
    }
    offset_ms = parsed;
  }
  const auto target = std::chrono::milliseconds(offset_ms.value_or(0));
  ManualClock& clock = ControlledClock();
  if (offset_ms && target < clock.advanced()) {
    return Status::InvalidArgument("the clock only moves forward: offset " + std::to_string(*offset_ms) +
                                   " ms is behind");
  }
  KALAM_RETURN_IF_ERROR(ApplyFailpointSpec(failpoints));
  if (offset_ms) clock.Advance(std::chrono::duration_cast<std::chrono::microseconds>(target) - clock.advanced());
  return Status::Ok();
}

// Written whole under a temp name and renamed, so a test never reads half an answer.
void WriteText(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
}

}  // namespace

std::unique_ptr<FailpointControl> FailpointControl::StartFromEnvironment() {
  const char* path = std::getenv("KALAMDB_FAILPOINTS_FILE");
  if (path == nullptr || *path == '\0') return nullptr;
  InstallProcessClock(&ControlledClock());
  return std::unique_ptr<FailpointControl>(new FailpointControl(path));
}

FailpointControl::FailpointControl(std::string path) : path_(std::move(path)) {
  thread_ = std::thread([this] { Run(); });
}

FailpointControl::~FailpointControl() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FailpointControl::Run() {
  std::optional<std::string> applied;
  std::string hits;
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    if (std::string now = FailpointHitsText(); now != hits) {
      WriteText(path_ + ".hits", now);
      hits = std::move(now);
    }
    if (auto text = ReadText(path_); text && text != applied) {
      if (const Status applied_status = ApplyControlText(*text); !applied_status.ok()) {
        WriteText(path_ + ".error", applied_status.message());
      } else {
        WriteText(path_ + ".applied", *text);
      }
      applied = std::move(text);
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(5), [this] { return stop_; });
  }
}

}  // namespace kalam::server
