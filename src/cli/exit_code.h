#pragma once

#include "kalam/commons/status.h"

namespace kalam::cli {

// The client's own failures travel as Status with these codes; ExitCodeFor turns them into
// the exit codes of the contract. An error the server answered is not a Status failure: it
// is an answer, printed, and exits 1.
inline constexpr StatusCode kConnectionFailed = StatusCode::kUnavailable;  // refused, reset, timed out
inline constexpr StatusCode kAuthFailed = StatusCode::kPermissionDenied;   // no or bad credentials
inline constexpr StatusCode kCancelled = StatusCode::kInvalidOperation;    // Ctrl+C
inline constexpr StatusCode kUsageError = StatusCode::kInvalidArgument;    // bad flags or input
inline constexpr StatusCode kServerRefused = StatusCode::kInternal;        // e.g. a subscription error

enum class ExitCode : int {
  kOk = 0,
  kServerError = 1,  // the server answered with an error (or a statement failed)
  kConnection = 2,   // connection or authentication failure
  kUsage = 64,       // bad command line (sysexits EX_USAGE)
};

inline ExitCode ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return ExitCode::kOk;
    case kConnectionFailed:
    case kAuthFailed:
      return ExitCode::kConnection;
    case kUsageError:
      return ExitCode::kUsage;
    default:
      return ExitCode::kServerError;
  }
}

}  // namespace kalam::cli
