#pragma once

#include <string>
#include <string_view>

#include "kalam/commons/status.h"
#include "kalam_client.h"
#include "output_format.h"

namespace kalam::cli {

// Sends SQL and prints the answers, the same way for -c, -f, the prompt, \i and \watch:
// spinner while waiting, pager for long interactive answers, `Time:` with \timing, and the
// namespace a successful `USE ns` selects kept for the next requests (the server keeps it
// only within one request). Results go to stdout, errors and notices to stderr.
// Returns Ok, kServerRefused (with no message: the error was printed) when the server answered
// with an error, or the client's failure
// (kConnectionFailed, kAuthFailed, kCancelled). Not thread-safe.
class StatementRunner {
 public:
  StatementRunner(KalamClient* client, PrintOptions options, bool interactive)
      : client_(client), options_(options), interactive_(interactive) {}

  // `sql` as one request.
  Status Run(std::string_view sql);
  // The statements of `text` one request each, stopping at the first that fails.
  Status RunScript(std::string_view text);

  PrintOptions& options() { return options_; }
  bool& timing() { return timing_; }
  KalamClient& client() { return *client_; }
  void set_client(KalamClient* client) { client_ = client; }

 private:
  KalamClient* client_;
  PrintOptions options_;
  bool interactive_;
  bool timing_ = false;
};

// The namespace of a lone `USE ns` statement, lower-cased as the server folds it, or "".
std::string UsedNamespace(std::string_view statement);

}  // namespace kalam::cli
