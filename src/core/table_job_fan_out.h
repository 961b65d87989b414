#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kalam/commons/ids.h"
#include "kalam/commons/result.h"
#include "kalam/commons/table_definition.h"

namespace kalam::core {

// Starts (queues, or runs inline) the job of one table; sets `*started` when one began and
// `*job_id` when it was queued. Answers the table's own message.
using StartTableJob = std::function<Result<std::string>(const std::shared_ptr<const TableDefinition>&, bool* started,
                                                        std::optional<JobId>* job_id)>;

// The ALL form of FLUSH and STORAGE COMPACT (docs/sql-reference.md): `start` for every
// USER/SHARED table of `tables`, answered as "<what> started for N table(s). Job IDs: …", or
// `skipped` when none began.
Result<std::string> StartForEveryTable(const std::vector<std::shared_ptr<const TableDefinition>>& tables,
                                       std::string_view what, std::string_view skipped, const StartTableJob& start);

}  // namespace kalam::core
