// The failure-mode row "gateway connection drops -> resume with session id + last seq; no
// event lost; full re-identify if resume is refused", over a real WebSocket with
// zlib-stream against the sandbox binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mikami/gateway_client.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;

class Recorder {
 public:
  void on_dispatch(const DispatchAction& d) {
    std::lock_guard lock(mutex_);
    events_.push_back(d.event_name);
    if (d.event_name == "MESSAGE_CREATE") {
      // "id" is a strictly increasing snowflake in the sandbox.
      messages_.push_back(std::stoll(std::string(d.data.at("id").as_string())));
    }
    changed_.notify_all();
  }
  void on_fatal(const FatalAction& f) {
    std::lock_guard lock(mutex_);
    fatal_ = f.message;
    changed_.notify_all();
  }
  bool wait_messages(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return messages_.size() >= count; });
  }
  bool wait_event(const std::string& name, std::size_t occurrences) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] {
      return static_cast<std::size_t>(std::count(events_.begin(), events_.end(), name)) >=
             occurrences;
    });
  }
  bool wait_fatal() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return !fatal_.empty(); });
  }
  std::vector<long long> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::string fatal() {
    std::lock_guard lock(mutex_);
    return fatal_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> events_;
  std::vector<long long> messages_;
  std::string fatal_;
};

TEST(GatewayIntegrationTest, EveryKindOfDropResumesWithoutLosingOrRepeatingAnEvent) {
  testing::SandboxProcess sandbox({"--heartbeat-interval-ms", "250"});
  Recorder recorder;
  GatewayClientOptions options;
  options.token = "sandbox-token";
  options.shard.gateway_url = sandbox.gateway_url();
  options.shard.intents = 513;
  auto client = GatewayClient::create(
      options, [&](const DispatchAction& d) { recorder.on_dispatch(d); },
      [&](const FatalAction& f) { recorder.on_fatal(f); });
  ASSERT_TRUE(client) << client.error().message();
  (*client)->start();
  ASSERT_TRUE(recorder.wait_event("READY", 1));
  ASSERT_TRUE(recorder.wait_event("GUILD_CREATE", 1));

  const std::vector<std::string> faults = {
      R"({"kind":"reset"})",
      R"({"kind":"close","code":4000})",
      R"({"kind":"close","code":1001})",
      R"({"kind":"reconnect"})",
      R"({"kind":"invalid_session","resumable":true})",
      R"({"kind":"stop_acks"})",
  };
  std::size_t expected = 0;
  std::size_t resumes = 0;
  for (const auto& fault : faults) {
    ASSERT_EQ(sandbox.control("dispatch", R"({"count":25})"), 204);
    expected += 25;
    ASSERT_EQ(sandbox.control("fault", fault), 204);
    // Events while the connection is down are buffered by the server and replayed.
    ASSERT_EQ(sandbox.control("dispatch", R"({"count":25})"), 204);
    expected += 25;
    ++resumes;
    ASSERT_TRUE(recorder.wait_event("RESUMED", resumes)) << fault;
    ASSERT_TRUE(recorder.wait_messages(expected)) << fault;
  }
  auto messages = recorder.messages();
  ASSERT_EQ(messages.size(), expected);
  for (std::size_t i = 1; i < messages.size(); ++i) {
    ASSERT_LT(messages[i - 1], messages[i]) << "event " << i << " out of order or repeated";
  }
  auto counters = (*client)->counters();
  EXPECT_EQ(counters.identifies, 1u);
  EXPECT_EQ(counters.resumed, faults.size());
  EXPECT_EQ(counters.duplicates_dropped, 0u);
  EXPECT_GE(counters.zombies, 1u);
  EXPECT_EQ(sandbox.stat("resume_failures"), 0);

  // A refused session: op 9 d=false -> a fresh IDENTIFY.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"invalid_session","resumable":false})"), 204);
  ASSERT_TRUE(recorder.wait_event("READY", 2));
  EXPECT_EQ((*client)->counters().identifies, 2u);

  // Fatal: authentication failed stops for good with a clear message.
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"close","code":4004})"), 204);
  ASSERT_TRUE(recorder.wait_fatal());
  EXPECT_NE(recorder.fatal().find("4004"), std::string::npos);
  const auto connections = sandbox.stat("connections");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sandbox.stat("connections"), connections);
  EXPECT_EQ((*client)->state(), ShardState::kFatallyClosed);
  (*client)->stop(false);
}

TEST(GatewayIntegrationTest, ASavedSessionResumesInANewClient) {
  testing::SandboxProcess sandbox;
  GatewayClientOptions options;
  options.token = "sandbox-token";
  options.shard.gateway_url = sandbox.gateway_url();
  Recorder first;
  auto a = GatewayClient::create(
      options, [&](const DispatchAction& d) { first.on_dispatch(d); }, nullptr);
  ASSERT_TRUE(a);
  (*a)->start();
  ASSERT_TRUE(first.wait_event("GUILD_CREATE", 1));
  GatewaySession saved = (*a)->stop(true);
  ASSERT_TRUE(saved.resumable());
  ASSERT_EQ(sandbox.control("dispatch", R"({"count":10})"), 204);  // while nobody listens

  Recorder second;
  options.restore = saved;
  auto b = GatewayClient::create(
      options, [&](const DispatchAction& d) { second.on_dispatch(d); }, nullptr);
  ASSERT_TRUE(b);
  (*b)->start();
  ASSERT_TRUE(second.wait_event("RESUMED", 1));
  ASSERT_TRUE(second.wait_messages(10));
  EXPECT_EQ((*b)->counters().identifies, 0u);
  EXPECT_EQ(sandbox.stat("identifies"), 1);
  (*b)->stop(false);
}

}  // namespace
}  // namespace mikami
