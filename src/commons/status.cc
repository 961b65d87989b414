#include "kalam/commons/status.h"

namespace kalam {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kConstraintViolation: return "ConstraintViolation";
    case StatusCode::kUnsupported: return "Unsupported";
    case StatusCode::kInvalidOperation: return "InvalidOperation";
    case StatusCode::kIoError: return "IoError";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kUnavailable: return "Unavailable";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status NamespaceNotFound(std::string_view ns, std::string_view detail) {
  std::string message = "Namespace '";
  message.append(ns).append("' does not exist").append(detail);
  return Status::NotFound(std::move(message)).Disclosable();
}

}  // namespace kalam
