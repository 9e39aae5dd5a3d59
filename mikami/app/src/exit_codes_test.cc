// `mikami` and `mikami-sandbox` against the suite's exit-code table (docs/exit-codes.md): a
// usage error and bad input are 2, an I/O failure is 3, success is 0.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "core/testing/shell_run.h"

namespace {

class MikamiExitCodes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("file", "a regular file, so file/mikami.db cannot be created\n");
    dir_.write("bad.toml", "[no_such_section]\nkey = 1\n");
    dir_.write("empty-token", "");
  }

  // The exit status of `<bin>/<program> <args>` in the test directory, without a token in
  // the environment; stderr goes to err_.
  int status(const std::string& program, const std::string& args) {
    core::testing::ShellRun run = core::testing::run_shell_in(
        dir_.path(),
        "env -u DISCORD_TOKEN '" + core::testing::bin_dir() + "/" + program + "' " + args);
    err_ = run.err;
    return run.status;
  }

  core::testing::ScratchDir dir_{"mikami-exit"};
  std::string err_;
};

TEST_F(MikamiExitCodes, Mikami) {
  EXPECT_EQ(status("mikami", "--check-config"), 0) << err_;
  EXPECT_EQ(status("mikami", "--no-such-option"), 2) << err_;
  EXPECT_NE(err_.find("mikami: "), std::string::npos) << err_;
  EXPECT_EQ(status("mikami", "--config bad.toml --check-config"), 2) << err_;
  EXPECT_NE(err_.find("bad.toml"), std::string::npos) << err_;
  EXPECT_EQ(status("mikami", "--config missing.toml --check-config"), 2) << err_;
  EXPECT_EQ(status("mikami", "--store file/mikami.db"), 3) << err_;
  EXPECT_NE(err_.find("file/mikami.db"), std::string::npos) << err_;
}

// Regression: mikami-sandbox exited with its argument parser's own codes (105, 106, ...).
TEST_F(MikamiExitCodes, MikamiSandbox) {
  EXPECT_EQ(status("mikami-sandbox", "--port 0 --exit-on-stdin-eof"), 0) << err_;
  EXPECT_EQ(status("mikami-sandbox", "--no-such-option"), 2) << err_;
  EXPECT_NE(err_.find("mikami-sandbox: "), std::string::npos) << err_;
  EXPECT_EQ(status("mikami-sandbox", "--port many"), 2) << err_;
  EXPECT_EQ(status("mikami-sandbox", "--token-file empty-token"), 2) << err_;
  EXPECT_EQ(status("mikami-sandbox", "--token-file missing-token"), 2) << err_;

  // A port someone else listens on.
  int taken = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(taken, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(taken, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(taken, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(taken, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string port = std::to_string(ntohs(address.sin_port));
  EXPECT_EQ(status("mikami-sandbox", "--port " + port + " --exit-on-stdin-eof"), 3) << err_;
  ::close(taken);
}

}  // namespace
