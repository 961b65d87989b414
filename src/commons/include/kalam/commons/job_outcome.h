#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace kalam {

// How a job attempt that did not fail ended: the message system.jobs shows, and whether the
// job did its work (status `completed`) or found nothing to do (status `skipped`: the table
// was dropped, the user was reactivated, ...). A failure is a Status instead.
struct JobOutcome {
  std::string message;
  bool skipped = false;

  static JobOutcome Completed(std::string message) { return JobOutcome{std::move(message), false}; }
  // The message reads "Skipped: <reason>".
  static JobOutcome Skipped(std::string_view reason) { return JobOutcome{"Skipped: " + std::string(reason), true}; }
};

}  // namespace kalam
