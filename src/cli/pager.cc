#include "pager.h"

#include <cstdlib>
#include <cstring>

#include "terminal.h"

namespace kalam::cli {
namespace {

std::string PagerCommand() {
  for (const char* name : {"KALAM_PAGER", "PAGER"}) {
    if (const char* value = std::getenv(name)) return value;
  }
  return "less -FRSX";
}

// Whether `text` needs more rows or columns than the terminal has.
bool Overflows(std::string_view text, int rows, int columns) {
  int lines = 0;
  size_t width = 0;
  for (unsigned char c : text) {
    if (c == '\n') {
      if (++lines >= rows - 1 || width > static_cast<size_t>(columns)) return true;
      width = 0;
    } else if ((c & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width > static_cast<size_t>(columns);
}

}  // namespace

PagedOutput::PagedOutput(bool may_page) {
  if (!may_page || !TerminalSize()) return;
  if (PagerCommand().empty()) return;
  if (std::FILE* memory = open_memstream(&buffer_, &size_)) file_ = memory;
}

PagedOutput::~PagedOutput() {
  Finish();
  std::free(buffer_);
}

void PagedOutput::Finish() {
  if (finished_) return;
  finished_ = true;
  if (file_ == stdout) {
    std::fflush(stdout);
    return;
  }
  std::fclose(file_);
  file_ = stdout;
  const std::string_view text(buffer_, size_);
  const auto size = TerminalSize();
  if (size && Overflows(text, size->first, size->second)) {
    if (std::FILE* pager = popen(PagerCommand().c_str(), "w")) {
      std::fwrite(text.data(), 1, text.size(), pager);
      pclose(pager);
      return;
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace kalam::cli
