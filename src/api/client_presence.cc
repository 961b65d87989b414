#include "kalam/api/client_presence.h"

#include "kalam/core/session.h"

namespace kalam::api {

void ClientPresence::MarkGone() {
  std::lock_guard lock(mu_);
  gone_ = true;
  if (running_ != nullptr) running_->Interrupt();
}

bool ClientPresence::BeginStatement(core::Session* session) {
  std::lock_guard lock(mu_);
  if (gone_) return false;
  running_ = session;
  return true;
}

void ClientPresence::EndStatement() {
  std::lock_guard lock(mu_);
  running_ = nullptr;
}

}  // namespace kalam::api
