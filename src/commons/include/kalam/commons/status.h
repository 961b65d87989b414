#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace kalam {

// What went wrong, in terms a caller can act on. The api layer maps each code to an HTTP
// status and a protocol error code; nothing below it knows about HTTP.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input that is the caller's fault (parse errors, bad values)
  kNotFound,           // a named object does not exist
  kAlreadyExists,      // a named object exists already
  kPermissionDenied,   // the role matrix refuses the statement
  kConstraintViolation,// NOT NULL, primary key, type mismatch on write
  kUnsupported,        // a feature that is planned but not built yet
  kInvalidOperation,   // well-formed but not allowed in the current state
  kIoError,            // storage failed underneath
  kCorruption,         // stored bytes could not be decoded
  kInternal,           // a bug
  kUnavailable,        // storage cannot take writes now (disk full, failed fsync): nothing was
                       // applied, and the same request may succeed once the cause is fixed
};

// Outcome of an operation that can fail in an expected way. Cheap to return when ok.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status ConstraintViolation(std::string msg) { return {StatusCode::kConstraintViolation, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status InvalidOperation(std::string msg) { return {StatusCode::kInvalidOperation, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }

  // Marks the message as naming only what any caller may know (e.g. that a namespace does
  // not exist), so the api layer shows it to every role instead of a generic text.
  Status Disclosable() && {
    disclosable_ = true;
    return std::move(*this);
  }

  // The same status (code and disclosability) with `prefix` put before its message.
  Status Prefixed(std::string_view prefix) const {
    Status out(code_, std::string(prefix) + message_);
    out.disclosable_ = disclosable_;
    return out;
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool disclosable() const { return disclosable_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  bool disclosable_ = false;
  std::string message_;
};

// "Namespace 'ns' does not exist" + `detail`: NotFound, and disclosable, since which
// namespaces exist is no secret.
Status NamespaceNotFound(std::string_view ns, std::string_view detail = {});

std::string_view StatusCodeName(StatusCode code);

}  // namespace kalam

#define KALAM_RETURN_IF_ERROR(expr)             \
  do {                                          \
    ::kalam::Status _kalam_status = (expr);     \
    if (!_kalam_status.ok()) return _kalam_status; \
  } while (0)

#define KALAM_CONCAT_INNER(a, b) a##b
#define KALAM_CONCAT(a, b) KALAM_CONCAT_INNER(a, b)
#define KALAM_ASSIGN_OR_RETURN(lhs, expr) \
  KALAM_ASSIGN_OR_RETURN_IMPL(KALAM_CONCAT(_kalam_result_, __LINE__), lhs, expr)
#define KALAM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
