#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "completer.h"
#include "kalam/commons/result.h"
#include "kalam_client.h"
#include "statement_runner.h"

namespace kalam::cli {

// A new client for `\connect TARGET` (an instance name of the credentials file, or a URL).
using Reconnect = std::function<Result<std::unique_ptr<KalamClient>>(const std::string& target)>;

enum class MetaOutcome { kContinue, kQuit };

// The backslash commands of the prompt (docs/cli.md and the additions): each ends at
// the end of its line. Failures are reported on stderr and the session goes on.
// `client`, `runner` and `completer` must outlive it. Not thread-safe.
class MetaCommands {
 public:
  MetaCommands(std::unique_ptr<KalamClient>* client, StatementRunner* runner, Completer* completer,
               Reconnect reconnect)
      : client_(client), runner_(runner), completer_(completer), reconnect_(std::move(reconnect)) {}

  // `line` starts with a backslash. `last_query` is what \watch re-runs.
  MetaOutcome Run(std::string_view line, const std::string& last_query);

  static const char* HelpText();

 private:
  void Report(const Status& status) const;
  void Watch(std::string_view seconds, const std::string& last_query);

  std::unique_ptr<KalamClient>* client_;
  StatementRunner* runner_;
  Completer* completer_;
  Reconnect reconnect_;
};

}  // namespace kalam::cli
