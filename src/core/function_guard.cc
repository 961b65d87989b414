#include "function_guard.h"

#include <array>
#include <string>

#include "query_walker.h"

namespace kalam::core {
namespace {

constexpr std::array<std::string_view, 4> kAllowed = {"range", "generate_series", "unnest", "kalam_scan"};

class FunctionGuard final : public QueryWalker {
 public:
  std::string refused;

 protected:
  void OnTableFunction(const std::string& name) override {
    if (!refused.empty()) return;
    for (std::string_view allowed : kAllowed) {
      if (name == allowed) return;
    }
    refused = name.empty() ? std::string("(expression)") : name;
  }
};

}  // namespace

Status CheckTableFunctions(duckdb::SQLStatement& statement) {
  FunctionGuard guard;
  guard.Statement(statement);
  if (guard.refused.empty()) return Status::Ok();
  return Status::PermissionDenied("Access denied: table function '" + guard.refused + "' is not available");
}

}  // namespace kalam::core
