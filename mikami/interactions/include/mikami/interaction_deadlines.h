// Keeps every received interaction inside Discord's response deadline: an interaction must
// get its initial callback within 3 s of its creation (its id's snowflake timestamp, see
// snowflake_time.h), and its token stays usable for follow-ups and edits for 15 minutes.
// Reference: https://discord.com/developers/docs/interactions/receiving-and-responding
//
// The owner records each INTERACTION_CREATE, asks begin_answer() before a handler sends
// anything, and at next_wakeup() sends a deferred callback (type 5) for every interaction
// take_due() returns. Pure: it sends nothing itself.
//
// Every operation costs O(log n) in the interactions tracked (a busy bot tracks 15 minutes
// of them): deadlines are kept in time order, never found by a scan.
//
// Threading: one owner, not thread safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace mikami {

enum class AnswerMode : std::uint8_t {
  kSendCallback,  // nobody answered yet: send the initial callback (types 4, 5, 6, 9 ...)
  kEditOriginal,  // Mikami already deferred: edit @original or send a follow-up instead
  kExpired,       // the token is older than its lifetime: nothing can be sent any more
  kUnknown,       // never received (or forgotten)
};

std::string_view to_string(AnswerMode mode);

struct DueInteraction {
  std::string id;
  std::string token;  // a credential: never log it
};

class InteractionDeadlines {
 public:
  // `clock` must outlive this object.
  explicit InteractionDeadlines(
      core::Clock& clock, std::chrono::milliseconds defer_after = std::chrono::milliseconds(2'000),
      std::chrono::milliseconds token_lifetime = std::chrono::minutes(15));

  // Records an INTERACTION_CREATE as created now. A repeated id is ignored.
  void received(std::string id, std::string token);
  // Records an INTERACTION_CREATE created at `created_at` (on this clock; may be in the
  // past, e.g. replayed after a RESUME): its deferral is due at created_at + defer_after and
  // its token expires at created_at + token_lifetime. Not `deferrable` (autocomplete, which
  // only a type 8 answer fits): never returned by take_due(). A repeated id is ignored.
  void received(std::string id, std::string token, core::Clock::TimePoint created_at,
                bool deferrable = true);
  // Claims the initial response for a handler. The first call for an undeferred interaction
  // returns kSendCallback and marks it answered; later calls return kEditOriginal.
  AnswerMode begin_answer(const std::string& id);
  // Interactions unanswered for defer_after: marked deferred and returned (oldest first);
  // the owner must now send a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE callback for each.
  // Also forgets interactions whose token has expired.
  std::vector<DueInteraction> take_due();
  // When take_due() next has work; nullopt when nothing is pending.
  std::optional<core::Clock::TimePoint> next_wakeup() const;

  std::size_t tracked() const { return entries_.size(); }
  std::uint64_t deferred_count() const { return deferred_; }

 private:
  struct Entry {
    std::string token;
    core::Clock::TimePoint received_at;
    bool answered = false;  // an initial callback went out (by a handler or by us)
    bool deferred = false;  // that callback was our deferral
    bool deferrable = true;
  };

  // (instant, id), earliest first; ties by id as before (a map ordered by id).
  using Queue = std::set<std::pair<core::Clock::TimePoint, std::string>>;

  void forget(std::unordered_map<std::string, Entry>::iterator it);

  core::Clock& clock_;
  std::chrono::milliseconds defer_after_;
  std::chrono::milliseconds token_lifetime_;
  std::unordered_map<std::string, Entry> entries_;
  Queue defer_at_;   // unanswered deferrable interactions, at received_at + defer_after
  Queue expire_at_;  // every interaction, at received_at + token_lifetime
  std::uint64_t deferred_ = 0;
};

}  // namespace mikami
