#pragma once

#include <chrono>

namespace kalam::cli {

// The "still running" line on stderr for requests that take more than a second: a turning
// glyph and the elapsed seconds, redrawn in place, erased when the answer comes. Drawn only
// when stderr is a terminal, so pipes and logs never see it. Not thread-safe.
class Spinner {
 public:
  explicit Spinner(bool enabled) : enabled_(enabled) {}
  ~Spinner() { Clear(); }

  void Tick(std::chrono::milliseconds elapsed);
  void Clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  unsigned frame_ = 0;
};

}  // namespace kalam::cli
