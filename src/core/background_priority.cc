#include "background_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <exception>
#include <thread>

namespace kalam::core {
namespace {

constexpr int kBackgroundNice = 10;
// linux/ioprio.h: IOPRIO_WHO_PROCESS, IOPRIO_CLASS_IDLE, IOPRIO_CLASS_SHIFT.
constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassIdle = 3;
constexpr int kIoprioClassShift = 13;

void LowerThisThread() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  // Best effort: a refusal leaves the thread at normal priority, which is still correct.
  (void)::setpriority(PRIO_PROCESS, tid, kBackgroundNice);
  (void)::syscall(SYS_ioprio_set, kIoprioWhoProcess, static_cast<int>(tid), kIoprioClassIdle << kIoprioClassShift);
}

}  // namespace

void RunAtBackgroundPriority(const std::function<void()>& work) {
  std::exception_ptr thrown;
  std::thread worker([&] {
    LowerThisThread();
    try {
      work();
    } catch (...) {
      thrown = std::current_exception();
    }
  });
  worker.join();
  // Where the caller contains exceptions (EngineMaintenance::RunJob), so does this.
  if (thrown) std::rethrow_exception(thrown);
}

}  // namespace kalam::core
