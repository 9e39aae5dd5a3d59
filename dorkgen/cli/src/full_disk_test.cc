// A disk that fills up in the middle of a staged `dorkgen generate --all`: a clear error
// (exit 3), the finished stages and an existing output file intact, and --resume then
// finishes with the bytes of an uninterrupted run.
//
// The full disk is a file-size limit (RLIMIT_FSIZE, `ulimit -f`, with SIGXFSZ ignored so a
// write past it fails with EFBIG as a full disk fails with ENOSPC): mounting a small tmpfs
// needs privileges that test machines and CI containers do not grant.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/testing/shell_run.h"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class DorkgenFullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    // 30 x 30 x 30 queries of 12 bytes: the stages before the last are a few KiB, the output
    // about 320 KiB.
    for (const char* pool : {"a", "b", "c"}) {
      std::string values;
      for (int i = 0; i < 30; ++i) values += pool + std::to_string(10 + i) + "\n";
      fs::create_directories(dir_.path() / "presets" / "pools");
      dir_.write(std::string("presets/pools/") + pool + ".txt", values);
    }
    fs::create_directories(dir_.path() / "presets" / "templates");
    dir_.write("presets/templates/small.txt", "{a} {b} {c}\n");
  }

  // `dorkgen generate --all` of the small type into `output`, staged in `work`; `limit_kib`
  // caps the size of every file it writes (0: no cap).
  core::testing::ShellRun generate(const std::string& output, const std::string& work,
                                   int limit_kib, const std::string& extra = "") {
    std::string command = "'" + core::testing::bin_dir() +
                          "/dorkgen' generate --all --presets presets -t small -q -o " + output +
                          " --work-dir " + work + " " + extra;
    if (limit_kib > 0) {
      command = "exec bash -c \"trap '' XFSZ; ulimit -f " + std::to_string(limit_kib) + "; exec " +
                command + "\"";
    }
    return core::testing::run_shell_in(dir_.path(), command);
  }

  core::testing::ScratchDir dir_{"dorkgen-full-disk"};
};

TEST_F(DorkgenFullDisk, StagesAndOutputSurviveAndResumeFinishes) {
  core::testing::ShellRun reference = generate("reference.txt", "work-reference", 0);
  ASSERT_EQ(reference.status, 0) << reference.err;
  const std::string expected = slurp(dir_.path() / "reference.txt");
  ASSERT_GT(expected.size(), 256u << 10);

  dir_.write("out.txt", "the previous output\n");
  core::testing::ShellRun full = generate("out.txt", "work", 64);
  EXPECT_EQ(full.status, 3) << full.err;
  EXPECT_NE(full.err.find("dorkgen: error: writing"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("File too large"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("--resume"), std::string::npos) << full.err;
  EXPECT_EQ(slurp(dir_.path() / "out.txt"), "the previous output\n");
  // The finished stages are recorded; no temporary file is left behind.
  EXPECT_NE(slurp(dir_.path() / "work" / "manifest").find("stage 0 "), std::string::npos);
  for (const fs::path& place : {dir_.path(), dir_.path() / "work"}) {
    for (const auto& entry : fs::directory_iterator(place)) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    }
  }

  core::testing::ShellRun resumed = generate("out.txt", "work", 0, "--resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(slurp(dir_.path() / "out.txt"), expected);
  EXPECT_FALSE(fs::exists(dir_.path() / "work"));
}

}  // namespace
