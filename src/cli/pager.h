#pragma once

#include <cstdio>
#include <string>

namespace kalam::cli {

// Output of one interactive answer. On a terminal it is collected first; when it is taller
// or wider than the terminal it goes through the pager ($KALAM_PAGER, else $PAGER, else
// `less -FRSX`; an empty value turns paging off), otherwise straight to stdout. Elsewhere it
// is stdout itself, streamed. Not thread-safe.
class PagedOutput {
 public:
  explicit PagedOutput(bool may_page);
  ~PagedOutput();
  PagedOutput(const PagedOutput&) = delete;
  PagedOutput& operator=(const PagedOutput&) = delete;

  std::FILE* file() const { return file_; }
  // Shows what was written (through the pager when it is needed).
  void Finish();

 private:
  std::FILE* file_ = stdout;
  char* buffer_ = nullptr;
  size_t size_ = 0;
  bool finished_ = false;
};

}  // namespace kalam::cli
