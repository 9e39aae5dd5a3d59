// The responder on a fake clock with a recording sender: nothing sleeps and nothing touches
// the network; the test decides when each request is answered.
#include "mikami/interaction_responder.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <vector>

namespace mikami {
namespace {

using namespace std::chrono_literals;

constexpr char kToken[] = "SECRET-interaction-token_1";

class FakeSender final : public InteractionSender {
 public:
  struct Sent {
    Method method;
    std::string path;
    std::string body;
    bool webhook;
    core::Clock::TimePoint give_up_at;
    RestClient::Callback done;
  };

  void send(InteractionRequest request, RestClient::Callback done) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(Sent{request.method, std::move(request.path), std::move(request.body),
                         request.webhook, request.give_up_at, std::move(done)});
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  Sent at(std::size_t i) {
    std::lock_guard lock(mutex_);
    return sent_.at(i);
  }
  // Answers request i as Discord would.
  void answer(std::size_t i, int status, std::string body = "{}") {
    RestClient::Callback done;
    {
      std::lock_guard lock(mutex_);
      done = sent_.at(i).done;
    }
    RestResponse response;
    response.status = status;
    response.body = std::move(body);
    done(std::move(response));
  }

 private:
  std::mutex mutex_;
  std::vector<Sent> sent_;
};

class ResponderTest : public ::testing::Test {
 protected:
  ResponderTest() {
    ResponderOptions options;
    options.run_timer = false;
    responder_ = std::make_unique<InteractionResponder>(sender_, clock_, options);
    responder_->set_event_callback([this](const ResponderEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    });
  }

  // The id of interaction `n`: a snowflake created when it is first asked for (the fake
  // clock's wall time then), as Discord's would be for an event that arrives at once.
  std::string id(int n) {
    auto [it, fresh] = ids_.try_emplace(n);
    if (fresh) it->second = snowflake_at(clock_.wall_now(), n);
    return it->second;
  }
  static std::string snowflake_at(core::Clock::WallTime at, int increment) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    return std::to_string((static_cast<std::uint64_t>(ms - 1'420'070'400'000) << 22) |
                          static_cast<std::uint64_t>(increment));
  }
  void receive(int n, InteractionType type = InteractionType::kApplicationCommand,
               Visibility visibility = Visibility::kPublic) {
    ASSERT_TRUE(responder_->received({id(n), kToken, "77", type, visibility}));
  }
  std::string callback_path(int n) { return "/interactions/" + id(n) + "/" + kToken + "/callback"; }
  // Runs the call and returns its result, which must be ready at once.
  static ResponderResult now(std::future<ResponderResult> future) {
    EXPECT_EQ(future.wait_for(0s), std::future_status::ready);
    return future.get();
  }
  static void expect_no_token(const ResponderResult& result) {
    EXPECT_EQ(result.message.find(kToken), std::string::npos) << result.message;
  }

  core::FakeClock clock_;
  FakeSender sender_;
  std::unique_ptr<InteractionResponder> responder_;
  std::mutex mutex_;
  std::vector<ResponderEvent> events_;
  std::map<int, std::string> ids_;
};

InteractionResponse message(const std::string& content) {
  return {CallbackType::kChannelMessageWithSource,
          boost::json::serialize(boost::json::object{{"content", content}})};
}

TEST_F(ResponderTest, FastHandlerGetsExactlyOneCallbackAndNoDeferral) {
  receive(1);
  clock_.advance(500ms);
  auto reply = responder_->respond(id(1), message("hi"));
  ASSERT_EQ(sender_.size(), 1u);
  auto sent = sender_.at(0);
  EXPECT_EQ(sent.method, Method::kPost);
  EXPECT_EQ(sent.path, callback_path(1));
  EXPECT_FALSE(sent.webhook);
  EXPECT_EQ(boost::json::parse(sent.body),
            boost::json::parse(R"({"type":4,"data":{"content":"hi"}})"));
  sender_.answer(0, 204, "");
  ResponderResult result = now(std::move(reply));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kCallback);
  EXPECT_EQ(result.status, 204);
  clock_.advance(5s);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 1u);
  EXPECT_EQ(responder_->counters().deferred, 0u);
  EXPECT_EQ(responder_->counters().callbacks, 1u);
}

TEST_F(ResponderTest, SilentHandlerIsDeferredAtTwoSecondsAndItsAnswerEditsTheOriginal) {
  receive(1);
  EXPECT_EQ(*responder_->next_wakeup() - clock_.now(), 2s);
  clock_.advance(1'999ms);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 0u);
  clock_.advance(1ms);
  responder_->poll();
  ASSERT_EQ(sender_.size(), 1u);
  EXPECT_EQ(sender_.at(0).path, callback_path(1));
  EXPECT_EQ(boost::json::parse(sender_.at(0).body), boost::json::parse(R"({"type":5})"));
  responder_->poll();
  EXPECT_EQ(sender_.size(), 1u);  // deferred once

  // The handler answers while the deferral is still on its way: the edit waits for it.
  clock_.advance(500ms);
  auto reply = responder_->respond(id(1), message("done"));
  EXPECT_EQ(sender_.size(), 1u);
  clock_.advance(10ms);
  sender_.answer(0, 204, "");
  ASSERT_EQ(sender_.size(), 2u);
  auto edit = sender_.at(1);
  EXPECT_EQ(edit.method, Method::kPatch);
  EXPECT_EQ(edit.path, std::string("/webhooks/77/") + kToken + "/messages/@original");
  EXPECT_TRUE(edit.webhook);
  EXPECT_EQ(boost::json::parse(edit.body), boost::json::parse(R"({"content":"done"})"));
  sender_.answer(1, 200, R"({"id":"900"})");
  ResponderResult result = now(std::move(reply));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kEditOriginal);
  EXPECT_EQ(result.body, R"({"id":"900"})");

  std::lock_guard lock(mutex_);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].kind, ResponderEventKind::kDeferred);
  EXPECT_EQ(events_[0].interaction_id, id(1));
  EXPECT_EQ(events_[0].since_received, 2'510ms);  // when its answer arrived
  EXPECT_EQ(responder_->counters().deferred, 1u);
}

TEST_F(ResponderTest, DeclaredEphemeralCommandIsDeferredEphemerally) {
  receive(5, InteractionType::kApplicationCommand, Visibility::kEphemeral);
  clock_.advance(2s);
  responder_->poll();
  ASSERT_EQ(sender_.size(), 1u);
  EXPECT_EQ(boost::json::parse(sender_.at(0).body),
            boost::json::parse(R"({"type":5,"data":{"flags":64}})"));
  sender_.answer(0, 204, "");
  // A private answer to a private deferral edits it: the edit stays private.
  auto reply = responder_->respond(
      id(5), {CallbackType::kChannelMessageWithSource, R"({"content":"psst","flags":64})"});
  ASSERT_EQ(sender_.size(), 2u);
  EXPECT_EQ(sender_.at(1).method, Method::kPatch);
  sender_.answer(1, 200);
  EXPECT_EQ(now(std::move(reply)).action, ResponderAction::kEditOriginal);
}

// Issue 10, section 0, "Deferral type": a component is acknowledged with type 6, and the
// component's message is then @original.
TEST_F(ResponderTest, ComponentInteractionIsDeferredWithTypeSix) {
  receive(1, InteractionType::kMessageComponent);
  clock_.advance(2s);
  responder_->poll();
  ASSERT_EQ(sender_.size(), 1u);
  EXPECT_EQ(sender_.at(0).path, callback_path(1));
  EXPECT_EQ(boost::json::parse(sender_.at(0).body), boost::json::parse(R"({"type":6})"));
  sender_.answer(0, 204, "");
  // An update (type 7) edits the component's message ...
  auto update = responder_->respond(id(1), {CallbackType::kUpdateMessage, R"({"content":"on"})"});
  ASSERT_EQ(sender_.size(), 2u);
  EXPECT_EQ(sender_.at(1).method, Method::kPatch);
  EXPECT_EQ(sender_.at(1).path, std::string("/webhooks/77/") + kToken + "/messages/@original");
  sender_.answer(1, 200);
  EXPECT_EQ(now(std::move(update)).action, ResponderAction::kEditOriginal);

  // ... a new message (type 4) never overwrites it: it is a follow-up.
  receive(2, InteractionType::kMessageComponent);
  clock_.advance(2s);
  responder_->poll();
  ASSERT_EQ(sender_.size(), 3u);
  sender_.answer(2, 204, "");
  auto reply = responder_->respond(id(2), message("a new message"));
  ASSERT_EQ(sender_.size(), 4u);
  EXPECT_EQ(sender_.at(3).method, Method::kPost);
  EXPECT_EQ(sender_.at(3).path, std::string("/webhooks/77/") + kToken);
  sender_.answer(3, 200);
  EXPECT_EQ(now(std::move(reply)).action, ResponderAction::kFollowUp);
}

// Issue 10, section 0, "Deferral type": only a type 8 answers an autocomplete, so Mikami
// never defers one.
TEST_F(ResponderTest, AutocompleteIsNeverDeferred) {
  receive(1, InteractionType::kAutocomplete);
  clock_.advance(2'999ms);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 0u);
  EXPECT_EQ(responder_->counters().deferred, 0u);
  ResponderResult wrong = now(responder_->respond(id(1), message("not a choice")));
  EXPECT_EQ(wrong.error, ResponderError::kInvalidResponse);
  auto choices = responder_->respond(
      id(1), {CallbackType::kAutocompleteResult, R"({"choices":[{"name":"a","value":"a"}]})"});
  ASSERT_EQ(sender_.size(), 1u);
  EXPECT_EQ(boost::json::parse(sender_.at(0).body).at("type"), 8);
  sender_.answer(0, 204, "");
  EXPECT_TRUE(now(std::move(choices)).ok());
  // And a type 8 answers nothing else.
  receive(2);
  EXPECT_EQ(now(responder_->respond(id(2), {CallbackType::kAutocompleteResult, "{}"})).error,
            ResponderError::kInvalidResponse);
}

// Issue 10, section 0, "Ephemeral leak": a private answer after a public deferral would be
// shown to the whole channel if it edited the deferral's message.
TEST_F(ResponderTest, PrivateAnswerAfterPublicDeferralIsAnEphemeralFollowUpNeverAnEdit) {
  receive(1);  // a public command
  clock_.advance(2s);
  responder_->poll();
  sender_.answer(0, 204, "");
  auto reply = responder_->respond(
      id(1), {CallbackType::kChannelMessageWithSource, R"({"content":"your balance","flags":64})"});
  ASSERT_EQ(sender_.size(), 2u);
  const auto sent = sender_.at(1);
  EXPECT_EQ(sent.method, Method::kPost);
  EXPECT_EQ(sent.path, std::string("/webhooks/77/") + kToken);
  EXPECT_EQ(boost::json::parse(sent.body).at("flags"), 64);
  sender_.answer(1, 200);
  ResponderResult result = now(std::move(reply));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.action, ResponderAction::kFollowUp);
  EXPECT_EQ(responder_->counters().ephemeral_follow_ups, 1u);
  EXPECT_EQ(responder_->counters().edits, 0u);
}

// Issue 10, section 0, "Deadline clock": the 3 s count from the id's snowflake, so an
// interaction replayed late is deferred sooner, or not at all once it is dead.
TEST_F(ResponderTest, DeadlineCountsFromTheSnowflakeNotFromReceipt) {
  const std::string late = snowflake_at(clock_.wall_now() - 1'500ms, 1);
  ASSERT_TRUE(responder_->received({late, kToken, "77"}));
  EXPECT_EQ(*responder_->next_wakeup() - clock_.now(), 500ms);
  clock_.advance(500ms);
  responder_->poll();
  ASSERT_EQ(sender_.size(), 1u);                           // deferred 2 s after its creation
  EXPECT_EQ(sender_.at(0).give_up_at, clock_.now() + 1s);  // never sent past its 3 s

  const std::string dead = snowflake_at(clock_.wall_now() - 3'200ms, 2);
  ASSERT_TRUE(responder_->received({dead, kToken, "77"}));
  clock_.advance(1s);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 1u);  // no deferral for a dead interaction
  ResponderResult refused = now(responder_->respond(dead, message("too late")));
  EXPECT_EQ(refused.error, ResponderError::kDeadlinePassed);
  expect_no_token(refused);
  EXPECT_EQ(sender_.size(), 1u);
  EXPECT_EQ(responder_->counters().missed, 1u);
  std::lock_guard lock(mutex_);
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().kind, ResponderEventKind::kDeadlinePassed);
  EXPECT_EQ(events_.back().interaction_id, dead);
  EXPECT_EQ(events_.back().since_received, 3'200ms);
}

TEST_F(ResponderTest, CallbacksGiveUpAtThreeSecondsAndWebhooksAtTheTokensLifetime) {
  receive(1);
  clock_.advance(700ms);
  auto reply = responder_->respond(id(1), message("x"));
  ASSERT_EQ(sender_.size(), 1u);
  EXPECT_EQ(sender_.at(0).give_up_at, clock_.now() + 2'300ms);
  sender_.answer(0, 204, "");
  EXPECT_TRUE(now(std::move(reply)).ok());
  auto more = responder_->follow_up(id(1), R"({"content":"y"})");
  ASSERT_EQ(sender_.size(), 2u);
  EXPECT_EQ(sender_.at(1).give_up_at, clock_.now() - 700ms + 15min);
  RestResponse late;
  late.failure = RestFailure::kDeadlineExceeded;
  sender_.at(1).done(late);
  EXPECT_EQ(now(std::move(more)).error, ResponderError::kExpired);
}

// Issue 10, section 0, "Deadline clock": 40060 means the interaction is acknowledged: not a
// failure to retry, and what waited for the initial response goes out.
TEST_F(ResponderTest, AlreadyAcknowledged40060IsNotRetriedAndReleasesWaitingAnswers) {
  receive(1);
  clock_.advance(2s);
  responder_->poll();
  auto edit = responder_->edit_original(id(1), R"({"content":"result"})");
  sender_.answer(0, 400,
                 R"({"message":"Interaction has already been acknowledged.","code":40060})");
  ASSERT_EQ(sender_.size(), 2u);  // the edit, and no second deferral
  EXPECT_EQ(sender_.at(1).method, Method::kPatch);
  sender_.answer(1, 200);
  EXPECT_TRUE(now(std::move(edit)).ok());
  clock_.advance(1s);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 2u);
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].kind, ResponderEventKind::kAlreadyAcknowledged);
  }
  // A handler's own callback answered 40060 says so, with its own code.
  receive(2);
  auto reply = responder_->respond(id(2), message("x"));
  sender_.answer(2, 400,
                 R"({"message":"Interaction has already been acknowledged.","code":40060})");
  EXPECT_EQ(now(std::move(reply)).error, ResponderError::kAlreadyAcknowledged);
  EXPECT_EQ(sender_.size(), 3u);
}

TEST_F(ResponderTest, FollowUpsAndEditsWaitForTheInitialResponse) {
  receive(1);
  auto early_follow_up = responder_->follow_up(id(1), R"({"content":"early"})");
  EXPECT_EQ(sender_.size(), 0u);  // no initial response yet: nothing to follow up
  auto reply = responder_->respond(id(1), message("first"));
  auto edit = responder_->edit_original(id(1), R"({"content":"edited"})");
  ASSERT_EQ(sender_.size(), 1u);
  sender_.answer(0, 204, "");
  ASSERT_EQ(sender_.size(), 3u);
  EXPECT_EQ(sender_.at(1).method, Method::kPost);
  EXPECT_EQ(sender_.at(1).path, std::string("/webhooks/77/") + kToken);
  EXPECT_TRUE(sender_.at(1).webhook);
  EXPECT_EQ(sender_.at(2).method, Method::kPatch);
  sender_.answer(1, 200);
  sender_.answer(2, 200);
  EXPECT_EQ(now(std::move(early_follow_up)).action, ResponderAction::kFollowUp);
  EXPECT_EQ(now(std::move(edit)).action, ResponderAction::kEditOriginal);
  EXPECT_TRUE(now(std::move(reply)).ok());
  // Once the initial response is accepted, follow-ups go out at once.
  auto later = responder_->follow_up(id(1), R"({"content":"later"})");
  ASSERT_EQ(sender_.size(), 4u);
  sender_.answer(3, 200);
  EXPECT_TRUE(now(std::move(later)).ok());
  EXPECT_EQ(responder_->counters().follow_ups, 2u);
}

TEST_F(ResponderTest, FailedDeferralFailsTheAnswersWaitingForIt) {
  receive(1);
  clock_.advance(2s);
  responder_->poll();
  auto reply = responder_->respond(id(1), message("late"));
  sender_.answer(0, 404, R"({"message":"Unknown interaction","code":10062})");
  ResponderResult result = now(std::move(reply));
  EXPECT_EQ(result.error, ResponderError::kInitialResponseFailed);
  expect_no_token(result);
  EXPECT_EQ(sender_.size(), 1u);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].kind, ResponderEventKind::kDeferralFailed);
  EXPECT_EQ(events_[0].status, 404);
}

TEST_F(ResponderTest, DiscordRefusalsAndNetworkFailuresAreReportedWithoutTheToken) {
  receive(1);
  auto reply = responder_->respond(id(1), message("x"));
  sender_.answer(0, 400, R"({"message":"Invalid Form Body"})");
  ResponderResult result = now(std::move(reply));
  EXPECT_EQ(result.error, ResponderError::kRejected);
  EXPECT_EQ(result.status, 400);
  EXPECT_NE(result.message.find("400"), std::string::npos);
  expect_no_token(result);

  receive(2);
  auto second = responder_->respond(id(2), message("x"));
  RestResponse failure;
  failure.failure = RestFailure::kNetwork;
  failure.error = "network failure talking to 127.0.0.1:1: refused";
  sender_.at(1).done(failure);
  result = now(std::move(second));
  EXPECT_EQ(result.error, ResponderError::kNetwork);
  expect_no_token(result);
  EXPECT_EQ(responder_->counters().failed, 2u);
}

TEST_F(ResponderTest, ExpiredTokensAreRefusedClearlyAndForgottenLater) {
  receive(1);
  auto reply = responder_->respond(id(1), message("x"));
  sender_.answer(0, 204, "");
  EXPECT_TRUE(now(std::move(reply)).ok());
  clock_.advance(15min - 1ms);
  auto in_time = responder_->follow_up(id(1), "{}");
  ASSERT_EQ(sender_.size(), 2u);
  sender_.answer(1, 200);
  EXPECT_TRUE(now(std::move(in_time)).ok());
  clock_.advance(1ms);
  ResponderResult expired = now(responder_->follow_up(id(1), "{}"));
  EXPECT_EQ(expired.error, ResponderError::kExpired);
  EXPECT_NE(expired.message.find("expired"), std::string::npos);
  expect_no_token(expired);
  EXPECT_EQ(now(responder_->edit_original(id(1), "{}")).error, ResponderError::kExpired);
  EXPECT_EQ(sender_.size(), 2u);
  EXPECT_EQ(responder_->tracked(), 1u);
  clock_.advance(15min);
  responder_->poll();
  EXPECT_EQ(responder_->tracked(), 0u);
  EXPECT_FALSE(responder_->next_wakeup());
  EXPECT_EQ(now(responder_->follow_up(id(1), "{}")).error, ResponderError::kUnknownInteraction);
}

TEST_F(ResponderTest, AnswersWaitingWhenTheTokenExpiresFail) {
  receive(1);
  clock_.advance(2s);
  responder_->poll();  // the deferral is sent but never answered
  auto edit = responder_->edit_original(id(1), "{}");
  clock_.advance(15min);
  responder_->poll();
  EXPECT_EQ(now(std::move(edit)).error, ResponderError::kExpired);
  std::lock_guard lock(mutex_);
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().kind, ResponderEventKind::kExpired);
}

TEST_F(ResponderTest, HandlerMistakesAreRefusedWithoutSending) {
  EXPECT_EQ(now(responder_->respond(id(404), message("x"))).error,
            ResponderError::kUnknownInteraction);
  receive(1);
  EXPECT_EQ(now(responder_->respond(id(1), {CallbackType::kChannelMessageWithSource, "[1]"})).error,
            ResponderError::kInvalidResponse);
  EXPECT_EQ(now(responder_->respond(id(1), {CallbackType::kChannelMessageWithSource, "{"})).error,
            ResponderError::kInvalidResponse);
  auto first = responder_->respond(id(1), message("x"));
  ResponderResult twice = now(responder_->respond(id(1), message("y")));
  EXPECT_EQ(twice.error, ResponderError::kAlreadyResponded);
  expect_no_token(twice);
  EXPECT_EQ(sender_.size(), 1u);

  receive(2);
  clock_.advance(2s);
  responder_->poll();  // Mikami defers "2"
  EXPECT_EQ(now(responder_->respond(id(2), {CallbackType::kModal, R"({"custom_id":"m"})"})).error,
            ResponderError::kNotAfterDeferral);
  ResponderResult defer =
      now(responder_->respond(id(2), {CallbackType::kDeferredChannelMessageWithSource, ""}));
  EXPECT_TRUE(defer.ok());
  EXPECT_EQ(defer.action, ResponderAction::kNone);
  EXPECT_EQ(sender_.size(), 2u);
  EXPECT_EQ(responder_->counters().refused, 5u);
}

TEST_F(ResponderTest, MalformedEventsAreRefusedNamingTheFieldButNotTheToken) {
  auto bad_id = responder_->received({"12a", kToken, "77"});
  ASSERT_FALSE(bad_id);
  EXPECT_NE(bad_id.error().message().find("interaction id '12a'"), std::string::npos);
  auto bad_app = responder_->received({"12", kToken, ""});
  ASSERT_FALSE(bad_app);
  EXPECT_NE(bad_app.error().message().find("application id"), std::string::npos);
  auto bad_token = responder_->received({"12", "a/b SECRET", "77"});
  ASSERT_FALSE(bad_token);
  EXPECT_NE(bad_token.error().message().find("token"), std::string::npos);
  EXPECT_EQ(bad_token.error().message().find("SECRET"), std::string::npos);
  EXPECT_FALSE(responder_->received({"12", "", "77"}));
  EXPECT_EQ(responder_->tracked(), 0u);
}

TEST_F(ResponderTest, RepeatedEventKeepsTheFirstArrival) {
  receive(1);
  clock_.advance(1s);
  receive(1);
  clock_.advance(1s);
  responder_->poll();
  EXPECT_EQ(sender_.size(), 1u);
  EXPECT_EQ(responder_->counters().received, 1u);
}

TEST_F(ResponderTest, DestructionFailsWaitingAnswersAndSilencesLateCompletions) {
  receive(1);
  clock_.advance(2s);
  responder_->poll();
  auto edit = responder_->edit_original(id(1), "{}");
  responder_.reset();
  EXPECT_EQ(now(std::move(edit)).error, ResponderError::kShutdown);
  sender_.answer(0, 204, "");  // the deferral's answer after destruction: nothing runs
  std::lock_guard lock(mutex_);
  EXPECT_TRUE(events_.empty());
}

}  // namespace
}  // namespace mikami
