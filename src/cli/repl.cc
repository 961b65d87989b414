#include "repl.h"

#include <editline/readline.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "completer.h"
#include "credentials.h"
#include "exit_code.h"
#include "interrupt.h"
#include "statement_runner.h"
#include "statement_splitter.h"

namespace kalam::cli {
namespace {

constexpr const char* kPrompt = "kalam> ";
constexpr const char* kContinuation = "   ..> ";
constexpr int kHistoryLines = 2000;

// libedit calls completion through plain function pointers: the session's completer.
Completer* g_completer = nullptr;
std::vector<std::string> g_matches;

char* NextMatch(const char*, int state) {
  if (state < 0 || static_cast<size_t>(state) >= g_matches.size()) return nullptr;
  return strdup(g_matches[static_cast<size_t>(state)].c_str());
}

char** CompleteWord(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // no file-name completion after ours
  g_matches = g_completer->Complete(text, rl_line_buffer != nullptr ? rl_line_buffer : "");
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, NextMatch);
}

// Statements that change the catalog make completion read it again.
bool ChangesCatalog(std::string_view statement) {
  statement = Trim(statement);
  for (std::string_view verb : {"CREATE", "DROP", "ALTER", "RESTORE"}) {
    if (statement.size() >= verb.size() && strncasecmp(statement.data(), verb.data(), verb.size()) == 0) return true;
  }
  return false;
}

void ReportFailure(const Status& status) {
  if (status.ok() || status.message().empty()) return;  // the answer was printed already
  if (status.code() == kCancelled) {
    std::fputs("Cancelled.\n", stderr);
  } else {
    std::fprintf(stderr, "error: %s\n", status.message().c_str());
  }
}

}  // namespace

int RunRepl(std::unique_ptr<KalamClient> client, PrintOptions options, Reconnect reconnect) {
  StatementRunner runner(client.get(), options, true);
  Completer completer(client.get());
  MetaCommands meta(&client, &runner, &completer, std::move(reconnect));

  const auto dir = CredentialsFile::KalamDir();
  ::mkdir(dir.c_str(), 0700);
  const std::string history = (dir / "history").string();
  rl_readline_name = "kalam";
  using_history();
  stifle_history(kHistoryLines);
  read_history(history.c_str());
  g_completer = &completer;
  rl_attempted_completion_function = CompleteWord;
  rl_basic_word_break_characters = const_cast<char*>(" \t\n\"'`@$><=;|&{(,)");

  std::fprintf(stderr, "kalam %s connected to %s. Type \\? for help.\n", KALAMDB_VERSION,
               client->url().ToString().c_str());
  std::string pending;
  std::string last_query;
  while (true) {
    ClearInterrupt();
    char* raw = readline(pending.empty() ? kPrompt : kContinuation);
    if (raw == nullptr) {
      if (InterruptRequested()) {
        // Ctrl+C at the prompt: drop what was typed, keep the session.
        pending.clear();
        std::fputs("\n", stdout);
        continue;
      }
      std::fputs("\n", stdout);
      break;
    }
    std::string line(raw);
    std::free(raw);
    if (!Trim(line).empty()) {
      add_history(line.c_str());
      write_history(history.c_str());
    }
    if (pending.empty() && Trim(line).starts_with('\\')) {
      if (meta.Run(line, last_query) == MetaOutcome::kQuit) break;
      continue;
    }
    pending += line;
    pending += '\n';
    std::vector<std::string> statements;
    pending = SplitStatements(pending, &statements);
    if (!pending.empty()) pending += '\n';
    for (const auto& statement : statements) {
      last_query = statement;
      const Status status = runner.Run(statement);
      ReportFailure(status);
      if (ChangesCatalog(statement)) completer.Invalidate();
      if (status.code() == kCancelled) break;
    }
  }
  write_history(history.c_str());
  ::chmod(history.c_str(), 0600);
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace kalam::cli
