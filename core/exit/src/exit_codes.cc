#include "core/exit_codes.h"

#include <csignal>

namespace core {

int exit_code_for_signal(int signal) { return kExitSignalBase + signal; }

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kCorrupt:
      return kExitUsage;
    case ErrorCode::kCancelled:
      return exit_code_for_signal(SIGINT);
    case ErrorCode::kIo:
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal:
      return kExitIo;
  }
  return kExitIo;  // a code from a newer build of a library: treat it as operating
}

int exit_code_for(const Error& error) { return exit_code_for(error.code()); }

}  // namespace core
