#pragma once

#include <functional>

namespace kalam::core {

// Runs `work` on a thread of its own at background priority (nice +10, and the idle I/O class
// where the kernel's I/O scheduler honours it) and waits for it. For long jobs that copy a
// lot (BACKUP): they take the CPU and disk the request workers leave, so that INSERT latency
// holds while they run. A fresh thread, because an unprivileged process may lower a thread's
// priority but not raise it back, and job threads are reused. An exception `work` throws is
// rethrown here.
void RunAtBackgroundPriority(const std::function<void()>& work);

}  // namespace kalam::core
