// The real `mikami` binary: a scripted console session against its embedded sandbox
// (piped input, as `printf '/ping\n/help\n' | mikami`), --check-config, and the SIGTERM
// drain of a bot run with a token against a sandbox.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "core/process.h"
#include "mikami/app/local_http.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami::app {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One run of build/bin/mikami with `input` on stdin, stdout and stderr in files.
class MikamiRun {
 public:
  MikamiRun(std::vector<std::string> args, const std::string& input,
            std::vector<std::string> env = {}) {
    dir_ = std::filesystem::temp_directory_path() /
           ("mikami-console-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "in") << input;
    const std::string binary = std::string(std::getenv("PROJECT_BIN_DIR")) + "/mikami";
    args.insert(args.begin(), binary);
    core::SpawnOptions options;
    options.env = core::environment_with(env, {"DISCORD_TOKEN"});
    options.in = core::Stdio::file(dir_ / "in");
    options.out = core::Stdio::file(dir_ / "out");
    options.err = core::Stdio::file(dir_ / "err");
    auto child = core::Child::spawn(binary, args, options);
    EXPECT_TRUE(child.has_value() && child->started()) << binary;
    if (child) child_ = std::move(*child);
  }
  ~MikamiRun() {
    child_.reset();  // killed and reaped when still running
    std::filesystem::remove_all(dir_);
  }

  // The exit code, 128 + N when signal N ended it.
  int wait() {
    auto status = child_->wait();
    return status ? status->shell_code() : -1;
  }
  void signal(int sig) { child_->kill(sig); }
  std::string out() const { return read_file(dir_ / "out"); }
  std::string err() const { return read_file(dir_ / "err"); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::optional<core::Child> child_;
};

TEST(ConsoleTest, AScriptedSessionPrintsEveryAnswerAndExitsZero) {
  MikamiRun run({}, "/ping\n/help\n/module list\n\nas alice\n/module disable name:utility\n");
  ASSERT_EQ(run.wait(), 0) << run.out() << run.err();
  const std::string out = run.out();
  EXPECT_NE(out.find("> /ping\npong: gateway heartbeat "), std::string::npos) << out;
  EXPECT_NE(out.find("REST round trip "), std::string::npos);
  EXPECT_NE(out.find("(only you can see this)\n| Commands you can use here"), std::string::npos)
      << out;
  EXPECT_NE(out.find("/module enable name: - Turn a module on in this server"), std::string::npos);
  EXPECT_NE(out.find("on   utility - ping, help and module switches (always on)"),
            std::string::npos);
  EXPECT_NE(out.find("now acting as alice"), std::string::npos);
  EXPECT_NE(out.find("you need Manage Server to use /module"), std::string::npos) << out;
}

TEST(ConsoleTest, ASessionWithACommandThatGotNoAnswerExitsNonZero) {
  MikamiRun run({}, "/ping\n/nosuch thing\n");
  EXPECT_EQ(run.wait(), 1);
  EXPECT_NE(run.out().find("error: unknown command /nosuch"), std::string::npos) << run.out();
  EXPECT_NE(run.out().find("pong"), std::string::npos);
}

TEST(ConsoleTest, ActingAsSomeoneWhoIsNotAMemberIsRefusedAndChangesNothing) {
  MikamiRun run({}, "as alice\nas nosuch\n/module disable name:utility\n");
  EXPECT_EQ(run.wait(), 1);  // the refused line counts as a line without an answer
  const std::string out = run.out();
  EXPECT_NE(out.find("no member named nosuch here (type members); still acting as alice"),
            std::string::npos)
      << out;
  // Still alice, who cannot manage the server.
  EXPECT_NE(out.find("you need Manage Server to use /module"), std::string::npos) << out;
}

TEST(ConsoleTest, CheckConfigNamesTheBadKey) {
  MikamiRun good({"--check-config"}, "");
  EXPECT_EQ(good.wait(), 0);
  EXPECT_NE(good.out().find("configuration ok"), std::string::npos);
  const auto config = std::filesystem::temp_directory_path() /
                      ("mikami-bad-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(config) << "[pipeline]\nworkers = 4\nlock_wiat_ms = 10\n";
  MikamiRun bad({"--check-config", "--config", config.string()}, "");
  EXPECT_EQ(bad.wait(), 2);
  EXPECT_NE(bad.err().find("unknown key pipeline.lock_wiat_ms"), std::string::npos) << bad.err();
  std::ofstream(config) << "[log]\nlevel = 3\n";
  MikamiRun typed({"--check-config", "--config", config.string()}, "");
  EXPECT_EQ(typed.wait(), 2);
  EXPECT_NE(typed.err().find("log.level must be a string"), std::string::npos) << typed.err();
  std::filesystem::remove(config);
}

TEST(ConsoleTest, CheckConfigRefusesAShardRangeOutsideTheShardCount) {
  MikamiRun good({"--check-config", "--shards", "0-3", "--shard-count", "16"}, "");
  EXPECT_EQ(good.wait(), 0) << good.err();
  MikamiRun no_count({"--check-config", "--shards", "0-3"}, "");
  EXPECT_EQ(no_count.wait(), 2);
  EXPECT_NE(no_count.err().find("shards 0-3 needs shard_count"), std::string::npos)
      << no_count.err();
  MikamiRun outside({"--check-config", "--shards", "12-16", "--shard-count", "16"}, "");
  EXPECT_EQ(outside.wait(), 2);
  EXPECT_NE(outside.err().find("shards 12-16 is not within shard_count 16 (shards 0-15)"),
            std::string::npos)
      << outside.err();
  MikamiRun garbled({"--check-config", "--shards", "a-b", "--shard-count", "16"}, "");
  EXPECT_EQ(garbled.wait(), 2);
  EXPECT_NE(garbled.err().find("a range of shard ids such as 0-3, got 'a-b'"), std::string::npos)
      << garbled.err();
  const auto config = std::filesystem::temp_directory_path() /
                      ("mikami-shards-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(config) << "[discord]\nshards = \"4-7\"\nshard_count = 4\n";
  MikamiRun toml({"--check-config", "--config", config.string()}, "");
  EXPECT_EQ(toml.wait(), 2);
  EXPECT_NE(toml.err().find("shards 4-7 is not within shard_count 4"), std::string::npos)
      << toml.err();
  std::filesystem::remove(config);
}

TEST(ConsoleTest, SigtermFinishesTheCommandInFlightAndExitsZero) {
  testing::SandboxProcess sandbox;
  LocalHttpClient http("127.0.0.1", sandbox.port());
  const auto store = std::filesystem::temp_directory_path() /
                     ("mikami-drain-" + std::to_string(::getpid()) + ".db");
  MikamiRun run({"--log-level", "debug", "--log-format", "json", "--metrics-listen", "127.0.0.1:0",
                 "--store", store.string()},
                "", {"DISCORD_TOKEN=sandbox-token", "MIKAMI_API_URL=" + sandbox.api_url()});
  // Ready once the commands are registered.
  for (int i = 0; i < 2000; ++i) {
    auto commands = http.request("GET", "/_sandbox/commands");
    if (commands && json::parse(commands->body).at("puts").as_int64() > 0) break;
    std::this_thread::sleep_for(5ms);
  }
  // Every REST answer now takes 400 ms: the /ping is still in flight at SIGTERM.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"latency","ms":400})"), 204);
  auto sent = http.request("POST", "/_sandbox/interact", R"({"line":"/ping","user":"owner"})");
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(sent->status, 200) << sent->body;
  const std::string id(json::parse(sent->body).at("id").as_string());
  std::this_thread::sleep_for(100ms);
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(), 0) << run.err();
  auto record = http.request("GET", "/_sandbox/interactions/" + id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(json::parse(record->body).at("callback_type").as_int64(), 4) << record->body;
  const std::string err = run.err();
  EXPECT_EQ(err.find("sandbox-token"), std::string::npos);  // the token is never logged
  EXPECT_NE(err.find(R"("level":"info","msg":"stopped")"), std::string::npos) << err;
  std::filesystem::remove(store);
  std::filesystem::remove(store.string() + "-wal");
  std::filesystem::remove(store.string() + "-shm");
}

}  // namespace
}  // namespace mikami::app
