#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "http_client.h"
#include "output_format.h"

namespace kalam::cli {

// Prints one /v1/api/sql answer in `options.format` (docs/cli.md): json = the body
// verbatim; csv = per row result an RFC 4180 header and rows, NULL empty; table = per result a
// grid with `(N rows)` or its message, `As: <user>`, then `Took: <ms> ms`. Errors go to `err`
// (code, message, and the failing statement when the server sends it). Returns whether the
// answer was a success.
bool PrintSqlAnswer(const HttpAnswer& answer, const PrintOptions& options, std::FILE* out, std::FILE* err);

// The cells of the first row result of a successful answer, as text (NULL as ""): what
// completion and the meta-commands read from the server.
std::vector<std::vector<std::string>> FirstResultRows(const HttpAnswer& answer);

}  // namespace kalam::cli
