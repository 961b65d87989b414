#include "exec_context.h"

#include <algorithm>

namespace kalam::core {

Status InvalidParameter(ExecContext& ctx, size_t number, std::string_view reason) {
  if (!ctx.state.invalid_parameter) ctx.state.invalid_parameter = number;
  return Status::InvalidArgument("Parameter $" + std::to_string(number) + " invalid: " + std::string(reason));
}

Status CheckParameterCount(ExecContext& ctx, size_t expected) {
  if (expected == ctx.params.size()) return Status::Ok();
  return InvalidParameter(ctx, std::min(expected, ctx.params.size()) + 1,
                          expected > ctx.params.size() ? "no value given" : "not used by the statement");
}

}  // namespace kalam::core
