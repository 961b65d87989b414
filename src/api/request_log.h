#pragma once

#include <string>
#include <string_view>

namespace kalam::api {

// The access log and what it needs: request ids and a secret-free summary of a SQL request.
// Logs never hold SQL text, passwords, tokens or secrets at info level (docs/configuration.md); debug
// lines may hold SQL text with string literals masked where they could be credentials.
// Pure functions besides the spdlog calls; thread-safe.

// A client-sent X-Request-ID is kept when it is 1..128 characters of [A-Za-z0-9._:-] (safe in
// headers and log lines); otherwise, or when absent, a fresh random UUID (version 4) is used.
std::string AcceptOrGenerateRequestId(std::string_view received);

// The statement kinds of a SQL text, comma separated: the leading keyword of each statement,
// plus the object keyword for DDL-like verbs ("SELECT", "CREATE TABLE,INSERT", "ALTER USER").
// Only words from fixed lists are reported (anything else is "OTHER"), so no name, literal
// or secret can appear; at most kMaxLoggedStatements kinds, then "+N".
inline constexpr size_t kMaxLoggedStatements = 16;
std::string StatementKinds(std::string_view sql);

// `sql` for a debug line: at most 4 KiB, and every quoted string literal replaced by '***'
// when the text mentions PASSWORD, CREDENTIALS or SECRET.
std::string SqlForDebugLog(std::string_view sql);

// `text` with characters outside printable ASCII, '"' and '\' replaced by '?', cut to
// `max_bytes`: safe inside a compact or JSON log line.
std::string LogSafe(std::string_view text, size_t max_bytes = 256);

}  // namespace kalam::api
