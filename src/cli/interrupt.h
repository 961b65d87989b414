#pragma once

namespace kalam::cli {

// Ctrl+C. The handler only records the signal; whoever is waiting (a request, a subscription,
// the prompt, \watch) polls InterruptRequested, gives up what it was doing and clears it, so
// one Ctrl+C cancels the running request and never the session.
void InstallInterruptHandler();
bool InterruptRequested();
void ClearInterrupt();

}  // namespace kalam::cli
