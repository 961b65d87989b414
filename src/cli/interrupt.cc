#include "interrupt.h"

#include <signal.h>

#include <atomic>

namespace kalam::cli {
namespace {

// Lock-free, so the signal handler may store to it.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void OnSigint(int) { g_interrupted.store(true); }

}  // namespace

void InstallInterruptHandler() {
  struct sigaction action = {};
  action.sa_handler = OnSigint;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read at the prompt returns, so the prompt can start over.
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  // A pager or a reader that quits early must not end the client.
  signal(SIGPIPE, SIG_IGN);
}

bool InterruptRequested() { return g_interrupted.load(); }
void ClearInterrupt() { g_interrupted.store(false); }

}  // namespace kalam::cli
