#include "failpoint_control.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "kalam/commons/failpoint.h"

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
      if (const Status applied_status = ApplyFailpointSpec(*text); !applied_status.ok()) {
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
