#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

#include "http_client.h"

namespace kalam::cli {

enum class DriveOutcome { kDone, kInterrupted, kTimedOut };

// Runs `io` on the calling thread in short slices until `done` is set by the operation's
// completion. Ctrl+C or `deadline` call `abort` once (it closes the sockets, so the pending
// operations complete with an error and `done` follows); `tick` is called between slices.
DriveOutcome Drive(boost::asio::io_context& io, const bool& done, std::chrono::steady_clock::time_point deadline,
                   const std::function<void()>& abort, const WaitTick& tick);

}  // namespace kalam::cli
