#include "table_job_fan_out.h"

namespace kalam::core {

Result<std::string> StartForEveryTable(const std::vector<std::shared_ptr<const TableDefinition>>& tables,
                                       std::string_view what, std::string_view skipped, const StartTableJob& start) {
  std::vector<std::string> job_ids;
  size_t started_tables = 0;
  for (const auto& def : tables) {
    if (def->type == TableType::kStream) continue;
    bool started = false;
    std::optional<JobId> job;
    KALAM_ASSIGN_OR_RETURN(std::string message, start(def, &started, &job));
    if (!started) continue;
    ++started_tables;
    if (job) job_ids.push_back(job->str());
  }
  if (started_tables == 0) return std::string(skipped);
  std::string message = std::string(what) + " started for " + std::to_string(started_tables) + " table(s).";
  if (!job_ids.empty()) {
    message += " Job IDs: ";
    for (size_t i = 0; i < job_ids.size(); ++i) message += (i ? ", " : "") + job_ids[i];
  }
  return message;
}

}  // namespace kalam::core
