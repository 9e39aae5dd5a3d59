#include "mikami/interaction_deadlines.h"

#include "core/status.h"

namespace mikami {

std::string_view to_string(AnswerMode mode) {
  switch (mode) {
    case AnswerMode::kSendCallback:
      return "send callback";
    case AnswerMode::kEditOriginal:
      return "edit original";
    case AnswerMode::kExpired:
      return "expired";
    case AnswerMode::kUnknown:
      return "unknown";
  }
  return "?";
}

InteractionDeadlines::InteractionDeadlines(core::Clock& clock,
                                           std::chrono::milliseconds defer_after,
                                           std::chrono::milliseconds token_lifetime)
    : clock_(clock), defer_after_(defer_after), token_lifetime_(token_lifetime) {
  // Deferring at or after Discord's 3 s deadline would be useless.
  CORE_CHECK(defer_after_ > std::chrono::milliseconds(0));
  CORE_CHECK(defer_after_ < std::chrono::milliseconds(3'000));
  CORE_CHECK(token_lifetime_ > defer_after_);
}

void InteractionDeadlines::received(std::string id, std::string token) {
  received(std::move(id), std::move(token), clock_.now());
}

void InteractionDeadlines::received(std::string id, std::string token,
                                    core::Clock::TimePoint created_at, bool deferrable) {
  Entry entry;
  entry.token = std::move(token);
  entry.received_at = created_at;
  entry.deferrable = deferrable;
  auto [it, inserted] = entries_.emplace(std::move(id), std::move(entry));
  if (!inserted) return;
  expire_at_.emplace(created_at + token_lifetime_, it->first);
  if (deferrable) defer_at_.emplace(created_at + defer_after_, it->first);
}

void InteractionDeadlines::forget(std::unordered_map<std::string, Entry>::iterator it) {
  const Entry& entry = it->second;
  expire_at_.erase({entry.received_at + token_lifetime_, it->first});
  if (!entry.answered && entry.deferrable) {
    defer_at_.erase({entry.received_at + defer_after_, it->first});
  }
  entries_.erase(it);
}

AnswerMode InteractionDeadlines::begin_answer(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return AnswerMode::kUnknown;
  Entry& entry = it->second;
  if (clock_.now() >= entry.received_at + token_lifetime_) {
    forget(it);
    return AnswerMode::kExpired;
  }
  if (entry.answered) return AnswerMode::kEditOriginal;
  if (entry.deferrable) defer_at_.erase({entry.received_at + defer_after_, id});
  entry.answered = true;
  return AnswerMode::kSendCallback;
}

std::vector<DueInteraction> InteractionDeadlines::take_due() {
  const core::Clock::TimePoint now = clock_.now();
  while (!expire_at_.empty() && expire_at_.begin()->first <= now) {
    forget(entries_.find(expire_at_.begin()->second));
  }
  std::vector<DueInteraction> out;
  while (!defer_at_.empty() && defer_at_.begin()->first <= now) {
    auto node = defer_at_.extract(defer_at_.begin());
    Entry& entry = entries_.at(node.value().second);
    entry.answered = true;
    entry.deferred = true;
    ++deferred_;
    out.push_back(DueInteraction{std::move(node.value().second), entry.token});
  }
  return out;
}

std::optional<core::Clock::TimePoint> InteractionDeadlines::next_wakeup() const {
  std::optional<core::Clock::TimePoint> earliest;
  if (!expire_at_.empty()) earliest = expire_at_.begin()->first;
  if (!defer_at_.empty() && (!earliest || defer_at_.begin()->first < *earliest)) {
    earliest = defer_at_.begin()->first;
  }
  return earliest;
}

}  // namespace mikami
