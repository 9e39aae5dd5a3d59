#include "mikami/interaction_deadlines.h"

#include <gtest/gtest.h>

namespace mikami {
namespace {

using namespace std::chrono_literals;

TEST(InteractionDeadlinesTest, AnsweredInTimeIsNeverDeferred) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok");
  clock.advance(1'999ms);
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kSendCallback);
  clock.advance(10s);
  EXPECT_TRUE(deadlines.take_due().empty());
  EXPECT_EQ(deadlines.deferred_count(), 0u);
}

TEST(InteractionDeadlinesTest, SlowHandlerIsDeferredAtTwoSecondsThenEditsTheOriginal) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok");
  EXPECT_EQ(*deadlines.next_wakeup() - clock.now(), 2s);
  clock.advance(1'999ms);
  EXPECT_TRUE(deadlines.take_due().empty());
  clock.advance(1ms);
  auto due = deadlines.take_due();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, "1");
  EXPECT_EQ(due[0].token, "tok");
  EXPECT_TRUE(deadlines.take_due().empty());  // deferred once
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kEditOriginal);
}

TEST(InteractionDeadlinesTest, DueInteractionsComeOldestFirst) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("b", "t1");
  clock.advance(100ms);
  deadlines.received("a", "t2");
  clock.advance(3s);
  auto due = deadlines.take_due();
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].id, "b");
  EXPECT_EQ(due[1].id, "a");
}

TEST(InteractionDeadlinesTest, TokensExpireAfterFifteenMinutes) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok");
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kSendCallback);
  clock.advance(15min);
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kExpired);
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kUnknown);
  deadlines.received("2", "tok");
  clock.advance(15min);
  deadlines.take_due();  // forgets it, and never defers an expired token
  EXPECT_EQ(deadlines.tracked(), 0u);
  EXPECT_FALSE(deadlines.next_wakeup());
}

TEST(InteractionDeadlinesTest, RepeatedCreateIsIgnored) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok");
  clock.advance(1s);
  deadlines.received("1", "tok");
  clock.advance(1s);
  EXPECT_EQ(deadlines.take_due().size(), 1u);  // the first arrival counts
}

TEST(InteractionDeadlinesTest, DeadlineCountsFromCreationNotReceipt) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok", clock.now() - 1500ms);  // replayed 1.5 s late
  EXPECT_EQ(*deadlines.next_wakeup() - clock.now(), 500ms);
  clock.advance(500ms);
  EXPECT_EQ(deadlines.take_due().size(), 1u);
}

TEST(InteractionDeadlinesTest, AutocompleteIsNeverDeferred) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  deadlines.received("1", "tok", clock.now(), /*deferrable=*/false);
  clock.advance(5s);
  EXPECT_TRUE(deadlines.take_due().empty());
  EXPECT_EQ(deadlines.begin_answer("1"), AnswerMode::kSendCallback);
}

// The deadlines are kept in time order (a scan of every tracked interaction on each timer
// wake made a busy bot's responder quadratic): with thousands tracked, answered and
// unanswered ones interleaved, each wakeup and each due list is still exactly right.
TEST(InteractionDeadlinesTest, ManyTrackedInteractionsKeepExactWakeupsAndOrder) {
  core::FakeClock clock;
  InteractionDeadlines deadlines(clock);
  const auto start = clock.now();
  constexpr int kCount = 3'000;
  for (int i = 0; i < kCount; ++i) {
    deadlines.received(std::to_string(i), "t" + std::to_string(i), start + i * 1ms);
    if (i % 3 != 0) {
      EXPECT_EQ(deadlines.begin_answer(std::to_string(i)), AnswerMode::kSendCallback);
    }
  }
  EXPECT_EQ(deadlines.tracked(), std::size_t(kCount));
  EXPECT_EQ(*deadlines.next_wakeup(), start + 2s);  // "0" is unanswered
  clock.advance(2s + 10ms);                         // due: 0, 3, 6, 9 (created by +10 ms)
  auto due = deadlines.take_due();
  ASSERT_EQ(due.size(), 4u);
  for (std::size_t k = 0; k < due.size(); ++k) {
    EXPECT_EQ(due[k].id, std::to_string(3 * k));
    EXPECT_EQ(due[k].token, "t" + std::to_string(3 * k));
  }
  EXPECT_EQ(*deadlines.next_wakeup(), start + 12ms + 2s);
  clock.advance(15min);  // tokens created up to +2010 ms expire; the rest are all overdue
  due = deadlines.take_due();
  ASSERT_EQ(due.size(), 329u);  // unanswered ones created at +2013 ms ... +2997 ms
  EXPECT_EQ(due.front().id, "2013");
  EXPECT_EQ(due.back().id, "2997");
  EXPECT_EQ(deadlines.tracked(), 989u);
  clock.advance(1h);
  deadlines.take_due();
  EXPECT_EQ(deadlines.tracked(), 0u);
  EXPECT_FALSE(deadlines.next_wakeup());
}

}  // namespace
}  // namespace mikami
