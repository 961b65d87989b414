#include "terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "exit_code.h"

namespace kalam::cli {

bool StdinIsTty() { return ::isatty(STDIN_FILENO) == 1; }
bool StdoutIsTty() { return ::isatty(STDOUT_FILENO) == 1; }
bool StderrIsTty() { return ::isatty(STDERR_FILENO) == 1; }

std::optional<std::pair<int, int>> TerminalSize() {
  struct winsize size = {};
  if (!StdoutIsTty() || ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row == 0) return std::nullopt;
  return std::make_pair(static_cast<int>(size.ws_row), static_cast<int>(size.ws_col));
}

Result<std::string> PromptOnTty(const std::string& prompt, bool hidden) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0 || !StdinIsTty()) {
    if (fd >= 0) ::close(fd);
    return Status(kAuthFailed, "no credentials: pass --user and --password, --token, or save credentials");
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  struct termios saved = {};
  const bool restore = hidden && ::tcgetattr(fd, &saved) == 0;
  if (restore) {
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  bool got_line = false;
  while (::read(fd, &c, 1) == 1) {
    if (c == '\n' || c == '\r') {
      got_line = true;
      break;
    }
    line.push_back(c);
  }
  if (restore) {
    ::tcsetattr(fd, TCSAFLUSH, &saved);
    (void)!::write(fd, "\n", 1);
  }
  ::close(fd);
  if (!got_line && line.empty()) return Status(kAuthFailed, "no input at the prompt");
  return line;
}

}  // namespace kalam::cli
