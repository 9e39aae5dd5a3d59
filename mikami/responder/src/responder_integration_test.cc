// The responder against the real mikami-sandbox on the system clock, with its own timer
// thread: a fast handler gets exactly one callback; a slow one gets Mikami's deferral before
// 3 s and its answer as an edit of @original; follow-ups; many interactions at once.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "mikami/interaction_responder.h"
#include "mikami/testing/sandbox_process.h"
#include "mikami/testing/snowflake.h"

namespace mikami {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

class ResponderIntegrationTest : public ::testing::Test {
 protected:
  ResponderIntegrationTest() {
    RestOptions options;
    options.base_url = sandbox_.api_url();
    options.token = "sandbox-token";
    auto client = RestClient::create(options);
    EXPECT_TRUE(client.has_value());
    client_ = std::move(*client);
    sender_ = std::make_unique<RestInteractionSender>(*client_);
    responder_ = std::make_unique<InteractionResponder>(*sender_, core::SystemClock::instance());
    responder_->set_event_callback([this](const ResponderEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    });
  }
  ~ResponderIntegrationTest() override {
    responder_.reset();
    client_.reset();
  }

  static std::string token_for(int i) { return "tok-" + std::to_string(i) + "_x.y"; }
  static InteractionResponse message(const std::string& content) {
    return {CallbackType::kChannelMessageWithSource,
            boost::json::serialize(boost::json::object{{"content", content}})};
  }
  static ResponderResult wait(std::future<ResponderResult> future) {
    EXPECT_EQ(future.wait_for(10s), std::future_status::ready);
    return future.get();
  }
  std::vector<ResponderEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

  testing::SandboxProcess sandbox_;
  std::unique_ptr<RestClient> client_;
  std::unique_ptr<RestInteractionSender> sender_;
  std::unique_ptr<InteractionResponder> responder_;
  std::mutex mutex_;
  std::vector<ResponderEvent> events_;
};

TEST_F(ResponderIntegrationTest, FastHandlerGetsExactlyOneCallback) {
  const std::string id = testing::snowflake_now(1);
  ASSERT_TRUE(responder_->received({id, token_for(1), "42"}));
  ResponderResult result = wait(responder_->respond(id, message("pong")));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kCallback);
  EXPECT_EQ(result.status, 204);
  std::this_thread::sleep_for(2500ms);  // past the deferral point: nothing more is sent
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), 1);
  EXPECT_EQ(sandbox_.stat("followups"), 0);
  EXPECT_EQ(responder_->counters().deferred, 0u);
  EXPECT_TRUE(events().empty());
}

TEST_F(ResponderIntegrationTest, SlowHandlerIsDeferredBeforeThreeSecondsThenEditsTheOriginal) {
  const auto received_at = SteadyClock::now();
  const std::string id = testing::snowflake_now(2);
  ASSERT_TRUE(responder_->received({id, token_for(2), "42"}));
  std::this_thread::sleep_for(2500ms);  // the handler works for 2.5 s
  ResponderResult result = wait(responder_->respond(id, message("slow answer")));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kEditOriginal);
  EXPECT_EQ(result.status, 200);
  EXPECT_NE(result.body.find("slow answer"), std::string::npos);
  auto seen = events();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, ResponderEventKind::kDeferred);
  // since_received is measured when the sandbox's answer to the deferral arrived, so the
  // deferral reached the sandbox earlier still.
  EXPECT_GE(seen[0].since_received, 2000ms);
  EXPECT_LT(seen[0].since_received, 3000ms);
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), 1);
  EXPECT_EQ(sandbox_.stat("followups"), 1);  // the sandbox counts every webhook call
  std::printf("responder: deferral accepted %.1f ms after the event; answer edited at %.1f ms\n",
              std::chrono::duration<double, std::milli>(seen[0].since_received).count(),
              std::chrono::duration<double, std::milli>(SteadyClock::now() - received_at).count());
}

TEST_F(ResponderIntegrationTest, FollowUpsAndEditsGoToTheInteractionWebhook) {
  const std::string id = testing::snowflake_now(3);
  ASSERT_TRUE(responder_->received({id, token_for(3), "42"}));
  auto reply = responder_->respond(id, message("first"));
  auto one = responder_->follow_up(id, R"({"content":"one"})");
  auto two = responder_->follow_up(id, R"({"content":"two"})");
  auto edit = responder_->edit_original(id, R"({"content":"first, edited"})");
  EXPECT_TRUE(wait(std::move(reply)).ok());
  ResponderResult first = wait(std::move(one));
  EXPECT_TRUE(first.ok()) << first.message;
  EXPECT_EQ(first.action, ResponderAction::kFollowUp);
  EXPECT_NE(first.body.find("\"one\""), std::string::npos);
  EXPECT_TRUE(wait(std::move(two)).ok());
  ResponderResult edited = wait(std::move(edit));
  EXPECT_TRUE(edited.ok()) << edited.message;
  EXPECT_EQ(edited.action, ResponderAction::kEditOriginal);
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), 1);
  EXPECT_EQ(sandbox_.stat("followups"), 3);
}

// Many interactions at once from many handler threads, fast and slow: every one gets
// exactly one initial response (the handler's or Mikami's deferral), every deferral lands
// before 3 s, every answer and follow-up is delivered.
TEST_F(ResponderIntegrationTest, ManyInteractionsAtOnce) {
  constexpr int kThreads = 8, kPerThread = 25;
  constexpr int kTotal = kThreads * kPerThread;
  std::atomic<int> slow{0}, failures{0}, edits{0};
  std::vector<std::thread> handlers;
  for (int t = 0; t < kThreads; ++t) {
    handlers.emplace_back([&, t] {
      std::mt19937 random(static_cast<unsigned>(t) + 1);
      std::vector<std::pair<std::string, std::chrono::milliseconds>> mine;
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        const std::string id = testing::snowflake_now(n);
        if (!responder_->received({id, token_for(n), "42"})) failures.fetch_add(1);
        // A third of the handlers take longer than the deferral point.
        const bool is_slow = random() % 3 == 0;
        slow.fetch_add(is_slow ? 1 : 0);
        mine.emplace_back(
            id, std::chrono::milliseconds(is_slow ? 2200 + random() % 500 : random() % 1200));
      }
      const auto start = SteadyClock::now();
      std::sort(mine.begin(), mine.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
      std::vector<std::future<ResponderResult>> results;
      for (auto& [id, delay] : mine) {
        std::this_thread::sleep_until(start + delay);
        results.push_back(responder_->respond(id, message("answer " + id)));
        results.push_back(responder_->follow_up(id, R"({"content":"more"})"));
      }
      for (auto& future : results) {
        ResponderResult result = wait(std::move(future));
        if (!result.ok()) failures.fetch_add(1);
        if (result.action == ResponderAction::kEditOriginal) edits.fetch_add(1);
      }
    });
  }
  for (auto& thread : handlers) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto seen = events();
  int deferred = 0;
  for (const auto& event : seen) {
    EXPECT_EQ(event.kind, ResponderEventKind::kDeferred);
    EXPECT_LT(event.since_received, 3000ms) << event.interaction_id;
    deferred += event.kind == ResponderEventKind::kDeferred;
  }
  // Slow handlers were deferred (a fast one may be too, if the machine stalls); each
  // deferred handler's answer became an edit.
  EXPECT_GE(deferred, slow.load());
  EXPECT_EQ(edits.load(), deferred);
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), kTotal);
  EXPECT_EQ(sandbox_.stat("followups"), kTotal + deferred);
  auto counters = responder_->counters();
  EXPECT_EQ(counters.callbacks + counters.deferred, static_cast<std::uint64_t>(kTotal));
  std::printf("responder: %d interactions, %d deferred by Mikami, all inside 3 s\n", kTotal,
              deferred);
  EXPECT_EQ(sandbox_.stat("interaction_requests_authorized"), 0);
}

// Issue 10, section 0, "Deadline clock": the interaction token authorizes callbacks and
// webhook calls; the bot token never travels with them.
TEST_F(ResponderIntegrationTest, CallbacksAndWebhookCallsCarryNoBotAuthorization) {
  const std::string id = testing::snowflake_now(4);
  ASSERT_TRUE(responder_->received({id, token_for(4), "42"}));
  EXPECT_TRUE(wait(responder_->respond(id, message("hi"))).ok());
  EXPECT_TRUE(wait(responder_->follow_up(id, R"({"content":"more"})")).ok());
  EXPECT_TRUE(wait(responder_->edit_original(id, R"({"content":"hi!"})")).ok());
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), 1);
  EXPECT_EQ(sandbox_.stat("followups"), 2);
  EXPECT_EQ(sandbox_.stat("interaction_requests_authorized"), 0);
}

// Issue 10, section 0, "Ephemeral leak", against the sandbox: the private answer is a
// follow-up flagged 64, and the public deferral's message is never edited with it.
TEST_F(ResponderIntegrationTest, PrivateAnswerAfterPublicDeferralIsAnEphemeralFollowUpNeverAnEdit) {
  const std::string id = testing::snowflake_now(5);
  ASSERT_TRUE(responder_->received({id, token_for(5), "42"}));
  std::this_thread::sleep_for(2200ms);  // past Mikami's deferral
  ResponderResult result = wait(responder_->respond(
      id, {CallbackType::kChannelMessageWithSource, R"({"content":"for you","flags":64})"}));
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kFollowUp);
  EXPECT_EQ(boost::json::parse(result.body).at("flags"), 64);
  EXPECT_EQ(responder_->counters().edits, 0u);
}

// Issue 10, section 0, "Deadline clock": an interaction replayed after its 3 s (by its
// snowflake) gets no deferral and no callback; the sandbox, like Discord, would refuse it.
TEST_F(ResponderIntegrationTest, InteractionReplayedPastItsDeadlineIsNotAnswered) {
  const std::string id = testing::snowflake_at(std::chrono::system_clock::now() - 3500ms, 6);
  ASSERT_TRUE(responder_->received({id, token_for(6), "42"}));
  EXPECT_EQ(wait(responder_->respond(id, message("late"))).error, ResponderError::kDeadlinePassed);
  // Sent anyway, Discord's answer is 10062.
  auto direct =
      client_->request(Method::kPost, "/interactions/" + id + "/" + token_for(6) + "/callback",
                       R"({"type":4,"data":{"content":"late"}})");
  RestResponse late = direct.get();
  EXPECT_EQ(late.status, 404);
  EXPECT_NE(late.body.find("10062"), std::string::npos);
  EXPECT_EQ(sandbox_.stat("interaction_callbacks"), 0);
  EXPECT_EQ(responder_->counters().missed, 1u);
}

// Issue 10, section 0, "Deadline clock": another process acknowledged the interaction (a
// RESUME replayed it to both): Discord's 40060 releases what waited, and is not retried.
TEST_F(ResponderIntegrationTest, AlreadyAcknowledged40060IsNotRetried) {
  const std::string id = testing::snowflake_now(7);
  auto other = client_->request(
      Method::kPost, "/interactions/" + id + "/" + token_for(7) + "/callback", R"({"type":5})");
  ASSERT_EQ(other.get().status, 204);
  ASSERT_TRUE(responder_->received({id, token_for(7), "42"}));
  auto edit = responder_->edit_original(id, R"({"content":"result"})");
  ResponderResult reply = wait(responder_->respond(id, message("x")));
  EXPECT_EQ(reply.error, ResponderError::kAlreadyAcknowledged);
  EXPECT_EQ(reply.status, 400);
  EXPECT_TRUE(wait(std::move(edit)).ok());
  EXPECT_EQ(sandbox_.stat("interaction_callbacks_repeated"), 1);
  EXPECT_EQ(sandbox_.stat("rest_400"), 1);
}

// Issue 10, section 0, "Deadline clock": a callback that keeps getting 502s is retried with
// backoff only while its 3 s last; the try that would come after them is never sent.
TEST_F(ResponderIntegrationTest, CallbackIsNotRetriedPastItsDeadline) {
  ASSERT_EQ(sandbox_.control("fault", R"({"kind":"rest_5xx","count":100})"), 204);
  const auto start = SteadyClock::now();
  const std::string id = testing::snowflake_now(8);
  ASSERT_TRUE(responder_->received({id, token_for(8), "42"}));
  ResponderResult result = wait(responder_->respond(id, message("x")));
  const auto took = SteadyClock::now() - start;
  EXPECT_EQ(result.error, ResponderError::kDeadlinePassed) << result.message;
  EXPECT_LT(took, 3500ms);
  // Tries at 0, 0.25, 0.75 and 1.75 s; the fifth would be at 3.75 s.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(sandbox_.stat("rest_5xx"), 4);
}

}  // namespace
}  // namespace mikami
