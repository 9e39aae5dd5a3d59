#include "mikami/interaction_deadlines.h"

#include <algorithm>

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
  entries_.emplace(std::move(id), std::move(entry));
}

AnswerMode InteractionDeadlines::begin_answer(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return AnswerMode::kUnknown;
  Entry& entry = it->second;
  if (clock_.now() >= entry.received_at + token_lifetime_) {
    entries_.erase(it);
    return AnswerMode::kExpired;
  }
  if (entry.answered) return AnswerMode::kEditOriginal;
  entry.answered = true;
  return AnswerMode::kSendCallback;
}

std::vector<DueInteraction> InteractionDeadlines::take_due() {
  const core::Clock::TimePoint now = clock_.now();
  std::vector<std::pair<core::Clock::TimePoint, DueInteraction>> due;
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& entry = it->second;
    if (now >= entry.received_at + token_lifetime_) {
      it = entries_.erase(it);
      continue;
    }
    if (!entry.answered && entry.deferrable && now >= entry.received_at + defer_after_) {
      entry.answered = true;
      entry.deferred = true;
      ++deferred_;
      due.emplace_back(entry.received_at, DueInteraction{it->first, entry.token});
    }
    ++it;
  }
  std::stable_sort(due.begin(), due.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<DueInteraction> out;
  out.reserve(due.size());
  for (auto& [at, interaction] : due) out.push_back(std::move(interaction));
  return out;
}

std::optional<core::Clock::TimePoint> InteractionDeadlines::next_wakeup() const {
  std::optional<core::Clock::TimePoint> earliest;
  for (const auto& [id, entry] : entries_) {
    const auto at = entry.answered || !entry.deferrable ? entry.received_at + token_lifetime_
                                                        : entry.received_at + defer_after_;
    if (!earliest || at < *earliest) earliest = at;
  }
  return earliest;
}

}  // namespace mikami
