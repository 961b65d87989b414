#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kalam_client.h"

namespace kalam::cli {

// Tab completion words for the prompt: SQL keywords and meta-commands, namespaces and
// tables (read from the server with SHOW NAMESPACES / SHOW TABLES the first time they are
// needed, and again after \connect or DDL), and the columns of the tables the line names
// (DESCRIBE, cached per table). `client` must outlive it. Not thread-safe.
class Completer {
 public:
  explicit Completer(KalamClient* client) : client_(client) {}

  // Candidates that start with `prefix` (case-insensitive; keywords keep the case of the
  // prefix), given the whole line being edited.
  std::vector<std::string> Complete(std::string_view prefix, std::string_view line);
  // Forgets what was read from the server (after DDL or \connect).
  void Invalidate();
  void set_client(KalamClient* client) {
    client_ = client;
    Invalidate();
  }

 private:
  void LoadCatalog();
  const std::vector<std::string>& ColumnsOf(const std::string& table);

  KalamClient* client_;
  bool loaded_ = false;
  std::vector<std::string> namespaces_;
  std::vector<std::string> tables_;  // "ns.t" and "t"
  std::map<std::string, std::vector<std::string>> columns_;
};

}  // namespace kalam::cli
