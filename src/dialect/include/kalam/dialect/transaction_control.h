#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kalam::dialect {

// The statements that open and close a transaction within one request.
enum class TransactionControl : uint8_t {
  kBegin,     // BEGIN [TRANSACTION | WORK], START TRANSACTION
  kCommit,    // COMMIT [TRANSACTION | WORK], END [TRANSACTION | WORK]
  kRollback,  // ROLLBACK [TRANSACTION | WORK]
};

// The transaction statement `sql` is, or nullopt when it is none (any other statement, or
// one of these words followed by something this grammar does not take, which the statement
// parser then refuses).
std::optional<TransactionControl> ParseTransactionControl(std::string_view sql);

// The statement as users write it ("BEGIN", "COMMIT", "ROLLBACK"), for messages.
std::string_view TransactionControlName(TransactionControl control);

}  // namespace kalam::dialect
