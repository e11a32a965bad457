#include "tsdb/status.h"

namespace pharos {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kInternal: return "INTERNAL";
    case StatusCode::kCorruption: return "CORRUPTION";
    case StatusCode::kIOError: return "IO_ERROR";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::Annotate(std::string_view prefix) const {
  if (ok()) return *this;
  std::string msg(prefix);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

#define PHAROS_STATUS_FACTORY(Name, Code) \
  Status Name(std::string message) { return Status(StatusCode::Code, std::move(message)); }
PHAROS_STATUS_FACTORY(CancelledError, kCancelled)
PHAROS_STATUS_FACTORY(InvalidArgumentError, kInvalidArgument)
PHAROS_STATUS_FACTORY(DeadlineExceededError, kDeadlineExceeded)
PHAROS_STATUS_FACTORY(NotFoundError, kNotFound)
PHAROS_STATUS_FACTORY(AlreadyExistsError, kAlreadyExists)
PHAROS_STATUS_FACTORY(ResourceExhaustedError, kResourceExhausted)
PHAROS_STATUS_FACTORY(FailedPreconditionError, kFailedPrecondition)
PHAROS_STATUS_FACTORY(OutOfRangeError, kOutOfRange)
PHAROS_STATUS_FACTORY(UnavailableError, kUnavailable)
PHAROS_STATUS_FACTORY(InternalError, kInternal)
PHAROS_STATUS_FACTORY(CorruptionError, kCorruption)
PHAROS_STATUS_FACTORY(IOError, kIOError)
#undef PHAROS_STATUS_FACTORY

}  // namespace pharos
