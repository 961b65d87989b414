#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "kalam/commons/result.h"

namespace kalam::cli {

bool StdinIsTty();
bool StdoutIsTty();
bool StderrIsTty();
// The terminal's rows and columns, or nullopt when stdout is not a terminal.
std::optional<std::pair<int, int>> TerminalSize();

// Reads one line from the controlling terminal, echo off when `hidden` (passwords). Fails
// with kAuthFailed when there is no terminal to ask.
Result<std::string> PromptOnTty(const std::string& prompt, bool hidden);

}  // namespace kalam::cli
