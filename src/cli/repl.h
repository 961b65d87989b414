#pragma once

#include <memory>

#include "kalam_client.h"
#include "meta_commands.h"
#include "output_format.h"

namespace kalam::cli {

// The interactive session (no -c/-f, stdin a terminal): prompt `kalam> ` with line editing,
// history in ~/.kalam/history and tab completion (libedit); statements end with ';' and may
// span lines (the continuation prompt is `   ..> `); lines starting with a backslash are
// meta-commands. Ctrl+C at the prompt drops the line being typed, during a request cancels
// it; Ctrl+D or \q ends the session. Returns the exit code (0).
int RunRepl(std::unique_ptr<KalamClient> client, PrintOptions options, Reconnect reconnect);

}  // namespace kalam::cli
