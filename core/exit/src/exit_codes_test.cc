#include "core/exit_codes.h"

#include <gtest/gtest.h>

#include <csignal>

namespace core {
namespace {

TEST(ExitCodes, NumbersAreThePublishedOnes) {
  // docs/exit-codes.md publishes these; scripts compare against the numbers.
  EXPECT_EQ(kExitOk, 0);
  EXPECT_EQ(kExitFindings, 1);
  EXPECT_EQ(kExitUsage, 2);
  EXPECT_EQ(kExitIo, 3);
  EXPECT_EQ(kExitTimeout, 124);
  EXPECT_EQ(kExitLaunchFailed, 125);
  EXPECT_EQ(kExitCannotRun, 126);
  EXPECT_EQ(kExitNotFound, 127);
  EXPECT_EQ(exit_code_for_signal(SIGINT), 130);
  EXPECT_EQ(exit_code_for_signal(SIGPIPE), 141);
  EXPECT_EQ(exit_code_for_signal(SIGTERM), 143);
}

TEST(ExitCodes, InputErrorsAreUsageErrors) {
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
        ErrorCode::kFailedPrecondition, ErrorCode::kCorrupt}) {
    EXPECT_EQ(exit_code_for(code), kExitUsage) << to_string(code);
  }
}

TEST(ExitCodes, EnvironmentErrorsAreOperatingErrors) {
  for (ErrorCode code : {ErrorCode::kIo, ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    EXPECT_EQ(exit_code_for(code), kExitIo) << to_string(code);
  }
}

TEST(ExitCodes, CancelledIsInterrupted) {
  EXPECT_EQ(exit_code_for(Error(ErrorCode::kCancelled, "stopped")), 130);
}

TEST(ExitCodes, NoErrorIsFindingsOrSuccess) {
  for (int number = static_cast<int>(ErrorCode::kInvalidArgument);
       number <= static_cast<int>(ErrorCode::kInternal); ++number) {
    int status = exit_code_for(static_cast<ErrorCode>(number));
    EXPECT_NE(status, kExitOk) << number;
    EXPECT_NE(status, kExitFindings) << number;
  }
}

}  // namespace
}  // namespace core
