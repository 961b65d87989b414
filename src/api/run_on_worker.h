#pragma once

#include <spdlog/spdlog.h>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <string_view>
#include <utility>

#include "kalam/api/worker_pool.h"

namespace kalam::api {

// co_await RunOnWorker(pool, key, fn): runs `fn` on a worker of `pool` and resumes the calling
// coroutine on its own executor (an I/O thread, or a WebSocket session's strand) when `fn` has
// returned. The answer is kAccepted when `fn` ran; otherwise `fn` never ran (queue full, or
// the pool stopped). `fn` may refer to the coroutine's locals: the coroutine is suspended until
// `fn` has returned. `fn` contains its own failures; one that escapes is logged and the caller
// resumes as if `fn` had returned.
//
// With ResumeOn::kWorker the coroutine goes on on the worker itself, up to its next suspension,
// when `fn` ran: handing it back to an I/O thread costs a thread wake-up per request. Only for
// a coroutine whose executor is the io_context itself (no strand to stay on), and which does
// nothing on the way that may wait (SQL, bcrypt, disk) or block on its socket.
enum class ResumeOn { kExecutor, kWorker };

template <typename Fn>
auto RunOnWorker(WorkerPool& pool, std::string_view key, Fn fn, ResumeOn resume = ResumeOn::kExecutor) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(Admission)>(
      [&pool, key, resume](auto handler, Fn work) {
        using Handler = decltype(handler);
        // The task is a copyable std::function; the completion handler is move-only.
        auto shared = std::make_shared<Handler>(std::move(handler));
        auto complete = [shared, resume](Admission admission) {
          if (resume == ResumeOn::kWorker && admission == Admission::kAccepted) {
            std::move (*shared)(admission);
            return;
          }
          auto executor = boost::asio::get_associated_executor(*shared);
          boost::asio::post(executor, [shared, admission]() mutable { std::move (*shared)(admission); });
        };
        const Admission admission = pool.Submit(key, [work = std::move(work), complete](bool run) mutable {
          if (run) {
            try {
              work();
            } catch (...) {
              // The caller resumes either way; it contains its own failures, so this is a bug
              // we log rather than a request we leave hanging.
              spdlog::error("a worker task threw");
            }
          }
          complete(run ? Admission::kAccepted : Admission::kStopped);
        });
        if (admission != Admission::kAccepted) complete(admission);
      },
      boost::asio::use_awaitable, std::move(fn));
}

}  // namespace kalam::api
