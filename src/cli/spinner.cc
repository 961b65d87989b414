#include "spinner.h"

#include <cstdio>

namespace kalam::cli {
namespace {

constexpr auto kDelay = std::chrono::milliseconds(1000);
constexpr const char* kFrames[] = {"|", "/", "-", "\\"};

}  // namespace

void Spinner::Tick(std::chrono::milliseconds elapsed) {
  if (!enabled_ || elapsed < kDelay) return;
  std::fprintf(stderr, "\r%s running %.1f s (Ctrl+C cancels)", kFrames[frame_++ % 4], elapsed.count() / 1000.0);
  std::fflush(stderr);
  drawn_ = true;
}

void Spinner::Clear() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace kalam::cli
