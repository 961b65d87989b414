#include "statement_runner.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <vector>

#include "exit_code.h"
#include "pager.h"
#include "sql_answer.h"
#include "spinner.h"
#include "statement_splitter.h"
#include "terminal.h"

namespace kalam::cli {

std::string UsedNamespace(std::string_view statement) {
  std::string_view text = Trim(statement);
  if (text.size() < 4) return {};
  for (size_t i = 0; i < 3; ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != "USE"[i]) return {};
  }
  if (!std::isspace(static_cast<unsigned char>(text[3]))) return {};
  std::string_view name = Trim(text.substr(3));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  std::string out;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return {};
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

Status StatementRunner::Run(std::string_view sql) {
  const auto start = std::chrono::steady_clock::now();
  Result<HttpAnswer> answer = [&] {
    Spinner spinner(StderrIsTty());
    return client_->Sql(sql, [&](std::chrono::milliseconds elapsed) { spinner.Tick(elapsed); });
  }();
  const double millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!answer.ok()) return answer.status();
  PagedOutput output(interactive_ && options_.format == OutputFormat::kTable);
  const bool success = PrintSqlAnswer(*answer, options_, output.file(), stderr);
  output.Finish();
  if (timing_) std::fprintf(stderr, "Time: %.3f ms\n", millis);
  if (!success) // Already printed: no message of its own.
    return Status(kServerRefused, "");
  if (const std::string ns = UsedNamespace(sql); !ns.empty()) client_->set_namespace(ns);
  return Status::Ok();
}

Status StatementRunner::RunScript(std::string_view text) {
  std::vector<std::string> statements;
  const std::string rest = SplitStatements(text, &statements);
  if (!rest.empty()) statements.push_back(rest);
  for (const auto& statement : statements) {
    KALAM_RETURN_IF_ERROR(Run(statement));
  }
  return Status::Ok();
}

}  // namespace kalam::cli
