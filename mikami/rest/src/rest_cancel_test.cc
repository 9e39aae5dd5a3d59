// Cancelling REST requests from outside, against the real mikami-sandbox: a request that is
// still waiting (behind a bucket, parked on a 429, in a 5xx backoff) is never sent; one on
// the wire completes; the callback runs exactly once either way.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "mikami/rest_client.h"
#include "mikami/testing/sandbox_process.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::unique_ptr<RestClient> client_for(const testing::SandboxProcess& sandbox,
                                       SchedulerOptions scheduler = {}) {
  RestOptions options;
  options.base_url = sandbox.api_url();
  options.token = "sandbox-token";
  options.scheduler = scheduler;
  auto client = RestClient::create(options);
  EXPECT_TRUE(client.has_value());
  return std::move(*client);
}

// Collects the one callback of a request and counts how often it ran.
struct Reply {
  std::promise<RestResponse> promise;
  std::future<RestResponse> future = promise.get_future();
  std::atomic<int> calls{0};

  RestClient::Callback callback() {
    return [this](RestResponse response) {
      if (calls.fetch_add(1) == 0) promise.set_value(std::move(response));
    };
  }
  RestResponse get() {
    EXPECT_EQ(future.wait_for(10s), std::future_status::ready);
    return future.get();
  }
};

// Waits (up to 5 s) until `predicate` holds on the client's counters.
template <class Predicate>
bool wait_for_counters(RestClient& client, Predicate predicate) {
  const auto deadline = SteadyClock::now() + 5s;
  while (SteadyClock::now() < deadline) {
    if (predicate(client.counters())) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST(RestCancelTest, RequestParkedBehindABucketLimitIsNeverSent) {
  testing::SandboxProcess sandbox({"--bucket-limit", "1", "--bucket-window-ms", "1500"});
  auto client = client_for(sandbox);
  ASSERT_EQ(
      client->request(Method::kPost, "/channels/5/messages", R"({"content":"a"})").get().status,
      200);  // the bucket is learned and now empty for 1.5 s
  Reply parked;
  auto handle = client->request(Method::kPost, "/channels/5/messages", R"({"content":"b"})",
                                parked.callback());
  ASSERT_TRUE(
      wait_for_counters(*client, [](const SchedulerCounters& c) { return c.submitted == 2; }));
  const auto cancelled_at = SteadyClock::now();
  handle.cancel();
  RestResponse response = parked.get();
  EXPECT_LT(SteadyClock::now() - cancelled_at, 500ms);  // at once, not at the bucket's reset
  EXPECT_TRUE(response.cancelled());
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error.find("cancelled"), std::string::npos);
  // The next request on the same bucket goes out at the reset, as if b had never existed.
  auto next = client->request(Method::kPost, "/channels/5/messages", R"({"content":"c"})");
  EXPECT_EQ(next.get().status, 200);
  handle.cancel();  // after the fact: nothing happens
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(parked.calls.load(), 1);
  EXPECT_EQ(sandbox.stat("messages_created"), 2);
  EXPECT_EQ(sandbox.stat("rest_requests"), 2);  // b never reached the server
  EXPECT_EQ(sandbox.stat("rest_429_user"), 0);
  auto counters = client->counters();
  EXPECT_EQ(counters.cancelled, 1u);
  EXPECT_EQ(counters.delivered, 2u);
}

TEST(RestCancelTest, RequestParkedOnA429IsNotResent) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_429","count":1,"retry_after_ms":1000})"),
            204);
  Reply reply;
  auto handle = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})",
                                reply.callback());
  ASSERT_TRUE(
      wait_for_counters(*client, [](const SchedulerCounters& c) { return c.requeued == 1; }));
  handle.cancel();
  EXPECT_TRUE(reply.get().cancelled());
  std::this_thread::sleep_for(1200ms);  // past retry_after: it would have been resent by now
  EXPECT_EQ(sandbox.stat("rest_requests"), 1);
  EXPECT_EQ(sandbox.stat("messages_created"), 0);
  EXPECT_EQ(client->counters().cancelled, 1u);
  EXPECT_EQ(reply.calls.load(), 1);
}

TEST(RestCancelTest, RequestWaitingOutA5xxBackoffIsNotResent) {
  testing::SandboxProcess sandbox;
  SchedulerOptions scheduler;
  scheduler.retry_backoff_base = 1000ms;
  auto client = client_for(sandbox, scheduler);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_5xx","count":1})"), 204);
  Reply reply;
  auto handle = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})",
                                reply.callback());
  ASSERT_TRUE(wait_for_counters(
      *client, [](const SchedulerCounters& c) { return c.server_error_retries == 1; }));
  handle.cancel();
  EXPECT_TRUE(reply.get().cancelled());
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(sandbox.stat("rest_requests"), 1);
  EXPECT_EQ(sandbox.stat("rest_5xx"), 1);
  EXPECT_EQ(sandbox.stat("messages_created"), 0);
}

TEST(RestCancelTest, RequestOnTheWireCompletesWithItsAnswer) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"latency","ms":400})"), 204);
  Reply reply;
  auto handle = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})",
                                reply.callback());
  ASSERT_TRUE(
      wait_for_counters(*client, [](const SchedulerCounters& c) { return c.granted == 1; }));
  std::this_thread::sleep_for(150ms);  // written long ago; the answer is 250 ms away
  handle.cancel();
  RestResponse response = reply.get();
  EXPECT_EQ(response.failure, RestFailure::kNone);
  EXPECT_EQ(response.status, 200);  // the server acted on it: the caller learns so
  EXPECT_EQ(sandbox.stat("messages_created"), 1);
  EXPECT_EQ(reply.calls.load(), 1);
}

TEST(RestCancelTest, RequestOnTheWireWhoseAnswerIsA429IsNotResent) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"latency","ms":400})"), 204);
  ASSERT_EQ(sandbox.control("fault", R"({"kind":"rest_429","count":1,"retry_after_ms":100})"), 204);
  Reply reply;
  auto handle = client->request(Method::kPost, "/channels/7/messages", R"({"content":"x"})",
                                reply.callback());
  ASSERT_TRUE(
      wait_for_counters(*client, [](const SchedulerCounters& c) { return c.granted == 1; }));
  std::this_thread::sleep_for(150ms);
  handle.cancel();
  EXPECT_TRUE(reply.get().cancelled());
  std::this_thread::sleep_for(600ms);  // a resend would have answered by now
  EXPECT_EQ(sandbox.stat("rest_requests"), 1);
  EXPECT_EQ(sandbox.stat("messages_created"), 0);
  EXPECT_EQ(client->counters().cancelled, 1u);
}

TEST(RestCancelTest, HandlesAreSafeAfterTheClientIsGoneAndEmptyHandlesDoNothing) {
  testing::SandboxProcess sandbox;
  RestRequestHandle empty;
  EXPECT_FALSE(empty.valid());
  empty.cancel();
  RestRequestHandle handle;
  {
    auto client = client_for(sandbox);
    Reply reply;
    handle = client->request(Method::kGet, "/gateway/bot", "", reply.callback());
    EXPECT_TRUE(handle.valid());
    EXPECT_EQ(reply.get().status, 200);
  }
  handle.cancel();  // the client is destroyed: a no-op
}

TEST(RestCancelTest, MalformedPathIsRefusedWithoutSendingOrEchoingIt) {
  testing::SandboxProcess sandbox;
  auto client = client_for(sandbox);
  Reply reply;
  client->request(Method::kPost, "/webhooks/1/secret token", "{}", reply.callback(), true);
  RestResponse response = reply.get();
  EXPECT_EQ(response.failure, RestFailure::kInvalidRequest);
  EXPECT_NE(response.error.find("request path"), std::string::npos);
  EXPECT_EQ(response.error.find("secret"), std::string::npos);
  EXPECT_EQ(sandbox.stat("rest_requests"), 0);
}

// Many threads submit while others cancel at random moments, some from inside callbacks:
// every callback runs exactly once, each answer is either the server's or kCancelled, and
// the server created exactly the messages whose callers saw a 200.
TEST(RestCancelTest, ConcurrentSubmitsAndCancelsKeepExactlyOnce) {
  testing::SandboxProcess sandbox({"--bucket-limit", "5", "--bucket-window-ms", "300"});
  auto client = client_for(sandbox);
  constexpr int kThreads = 4, kPerThread = 60;
  constexpr int kTotal = kThreads * kPerThread;
  std::vector<std::atomic<int>> calls(kTotal);
  std::vector<std::atomic<int>> outcome(kTotal);  // 1 = 200, 2 = cancelled, 3 = other
  std::vector<RestRequestHandle> handles(kTotal);
  std::mutex handles_mutex;
  std::atomic<int> finished{0};
  auto on_done = [&](int index) {
    return [&, index](RestResponse response) {
      calls[index].fetch_add(1);
      outcome[index] = response.status == 200 ? 1 : response.cancelled() ? 2 : 3;
      if (index % 7 == 0) {  // cancel a neighbour from inside a callback
        std::lock_guard lock(handles_mutex);
        handles[(index + 1) % kTotal].cancel();
      }
      finished.fetch_add(1);
    };
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t));
      for (int i = 0; i < kPerThread; ++i) {
        const int index = t * kPerThread + i;
        const std::string path = "/channels/" + std::to_string(index % 8) + "/messages";
        auto handle = client->request(Method::kPost, path, R"({"content":"m"})", on_done(index));
        {
          std::lock_guard lock(handles_mutex);
          handles[index] = handle;
        }
        if (random() % 3 == 0) {  // cancel an earlier request of this thread
          const int victim = t * kPerThread + static_cast<int>(random() % (i + 1));
          std::lock_guard lock(handles_mutex);
          handles[victim].cancel();
        }
        if (random() % 10 == 0) std::this_thread::sleep_for(5ms);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto deadline = SteadyClock::now() + 60s;
  while (finished.load() < kTotal && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(finished.load(), kTotal);
  int ok = 0, cancelled = 0;
  for (int i = 0; i < kTotal; ++i) {
    EXPECT_EQ(calls[i].load(), 1) << i;
    EXPECT_NE(outcome[i].load(), 3) << i;
    ok += outcome[i].load() == 1;
    cancelled += outcome[i].load() == 2;
  }
  EXPECT_GT(cancelled, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(sandbox.stat("messages_created"), ok);
  auto counters = client->counters();
  EXPECT_EQ(counters.delivered, static_cast<std::uint64_t>(ok));
  EXPECT_EQ(counters.cancelled, static_cast<std::uint64_t>(cancelled));
  std::printf("rest cancel: %d delivered, %d cancelled of %d\n", ok, cancelled, kTotal);
}

}  // namespace
}  // namespace mikami
