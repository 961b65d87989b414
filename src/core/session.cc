#include "kalam/core/session.h"

#include "duckdb.hpp"

namespace kalam::core {

Session::Session(UserId user, Role role, std::unique_ptr<duckdb::Connection> connection, QueryState* state)
    : user_id_(std::move(user)), role_(role), connection_(std::move(connection)), state_(state) {}

Session::~Session() = default;

void Session::Interrupt() {
  interrupted_.store(true);
  // Safe from another thread: the running query unwinds with an INTERRUPT error.
  connection_->Interrupt();
}

}  // namespace kalam::core
