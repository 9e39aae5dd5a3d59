#include "mikami/interaction_responder.h"

#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "mikami/interaction_deadlines.h"
#include "mikami/rest_error_body.h"
#include "mikami/snowflake_time.h"

namespace mikami {

std::string_view to_string(ResponderError error) {
  switch (error) {
    case ResponderError::kNone:
      return "none";
    case ResponderError::kUnknownInteraction:
      return "unknown interaction";
    case ResponderError::kExpired:
      return "expired";
    case ResponderError::kAlreadyResponded:
      return "already responded";
    case ResponderError::kNotAfterDeferral:
      return "not after deferral";
    case ResponderError::kInvalidResponse:
      return "invalid response";
    case ResponderError::kInitialResponseFailed:
      return "initial response failed";
    case ResponderError::kRejected:
      return "rejected";
    case ResponderError::kNetwork:
      return "network";
    case ResponderError::kShutdown:
      return "shutdown";
    case ResponderError::kDeadlinePassed:
      return "deadline passed";
    case ResponderError::kAlreadyAcknowledged:
      return "already acknowledged";
  }
  return "?";
}

std::string_view to_string(ResponderAction action) {
  switch (action) {
    case ResponderAction::kNone:
      return "nothing";
    case ResponderAction::kCallback:
      return "interaction callback";
    case ResponderAction::kEditOriginal:
      return "edit of the original response";
    case ResponderAction::kFollowUp:
      return "follow-up message";
  }
  return "?";
}

void RestInteractionSender::send(InteractionRequest request, RestClient::Callback done) {
  RestRequestOptions options;
  options.interaction_followup = request.webhook;
  options.authorize = false;
  options.give_up_at = request.give_up_at;
  client_.request(request.method, std::move(request.path), std::move(request.body),
                  std::move(options), std::move(done));
}

namespace {

using TimePoint = core::Clock::TimePoint;

// Discord's deadline for the initial response, from the interaction's creation.
constexpr std::chrono::milliseconds kInitialDeadline{3'000};
constexpr int kFlagEphemeral = 64;
constexpr std::int64_t kAlreadyAcknowledgedCode = 40060;

// Discord's error code in a JSON error body, 0 when there is none.
std::int64_t error_code(const std::string& body) { return parse_rest_error_body(body).code; }

bool is_ephemeral(const boost::json::object& data) {
  const auto* flags = data.if_contains("flags");
  if (!flags || !flags->is_number()) return false;
  boost::system::error_code ec;
  const auto value = flags->to_number<std::int64_t>(ec);
  return !ec && (value & kFlagEphemeral) != 0;
}

bool known_type(InteractionType type) {
  const int value = static_cast<int>(type);
  return value >= 1 && value <= 5;
}

bool is_snowflake(std::string_view text) {
  return !text.empty() && text.size() <= 20 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Unreserved URL characters (RFC 3986): a token made of them needs no escaping in a path.
bool is_path_safe_token(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") ==
         std::string_view::npos;
}

ResponderResult refusal(ResponderError error, std::string message) {
  ResponderResult result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

ResponderResult result_from(RestResponse response, ResponderAction action, const std::string& id) {
  ResponderResult result;
  result.action = action;
  result.status = response.status;
  result.body = std::move(response.body);
  if (response.failure == RestFailure::kDeadlineExceeded) {
    const bool callback = action == ResponderAction::kCallback;
    result.error = callback ? ResponderError::kDeadlinePassed : ResponderError::kExpired;
    result.message =
        "the " + std::string(to_string(action)) + " of interaction " + id +
        " was not sent: " + (callback ? "its 3 s had passed" : "its token had expired");
  } else if (response.failure != RestFailure::kNone) {
    result.error = ResponderError::kNetwork;
    // RestResponse::error never holds a token or a path.
    result.message = "no answer from Discord to the " + std::string(to_string(action)) +
                     " of interaction " + id + ": " + response.error;
  } else if (response.status == 400 && action == ResponderAction::kCallback &&
             error_code(result.body) == kAlreadyAcknowledgedCode) {
    result.error = ResponderError::kAlreadyAcknowledged;
    result.message = "interaction " + id + " was already acknowledged (Discord code 40060)";
  } else if (response.status < 200 || response.status > 299) {
    result.error = ResponderError::kRejected;
    result.message = "Discord answered " + std::to_string(response.status) + " to the " +
                     std::string(to_string(action)) + " of interaction " + id;
  }
  return result;
}

// An edit or follow-up, possibly waiting for the initial response.
struct Answer {
  Method method;
  std::string path;
  std::string body;
  ResponderAction action;
  InteractionResponder::Done done;
};

enum class Initial : std::uint8_t { kNone, kSending, kAccepted, kFailed };

struct Record {
  std::string application_id;
  std::string token;      // cleared when it expires
  TimePoint received_at;  // the interaction's creation (its snowflake), on the clock
  InteractionType type = InteractionType::kApplicationCommand;
  Visibility visibility = Visibility::kPublic;
  CallbackType deferral = CallbackType::kDeferredChannelMessageWithSource;  // when Mikami's
  bool dead = false;  // its 3 s passed with no initial response
  Initial initial = Initial::kNone;
  bool handler_responded = false;
  bool expired = false;
  std::vector<Answer> waiting;  // until the initial response is accepted
};

// What a locked section decided to do once the lock is released.
struct Work {
  struct Send {
    InteractionRequest request;
    RestClient::Callback done;
  };
  std::vector<Send> sends;
  std::vector<std::function<void()>> calls;  // done callbacks and events
};

}  // namespace

struct InteractionResponder::State : std::enable_shared_from_this<State> {
  State(InteractionSender& sender_in, core::Clock& clock_in, ResponderOptions options_in)
      : sender(sender_in),
        clock(clock_in),
        options(options_in),
        deadlines(clock_in, options_in.defer_after, options_in.token_lifetime) {}

  InteractionSender& sender;
  core::Clock& clock;
  const ResponderOptions options;

  mutable std::mutex mutex;
  std::condition_variable changed;        // the timer's schedule moved, or closing
  std::condition_variable idle;           // busy fell to 0
  InteractionDeadlines deadlines;         // guarded by mutex
  std::map<std::string, Record> records;  // guarded by mutex
  // (received_at, id) of the records whose token is still live, and of every record: the
  // timer finds the next expiry and the next record to forget without a scan (a busy bot
  // keeps half an hour of records). Guarded by mutex.
  std::set<std::pair<TimePoint, std::string>> live_tokens;
  std::set<std::pair<TimePoint, std::string>> kept_records;
  ResponderCounters counters;  // guarded by mutex
  EventFn on_event;            // guarded by mutex
  bool closed = false;         // guarded by mutex
  int busy = 0;                // completions running outside the lock; guarded by mutex

  void execute(Work& work) {
    for (auto& send : work.sends) sender.send(std::move(send.request), std::move(send.done));
    for (auto& call : work.calls) call();
  }

  // Wraps a completion from the sender: `handle` runs under the lock unless the responder
  // is gone, the work it produces after the lock; the destructor waits for both.
  RestClient::Callback completion(std::function<void(RestResponse, Work&)> handle) {
    return [self = shared_from_this(), handle = std::move(handle)](RestResponse response) {
      Work work;
      {
        std::lock_guard lock(self->mutex);
        if (self->closed) return;
        ++self->busy;
        handle(std::move(response), work);
      }
      self->execute(work);
      std::lock_guard lock(self->mutex);
      if (--self->busy == 0) self->idle.notify_all();
    };
  }

  void refuse(Work& work, Done done, ResponderError error, std::string message) {
    ++counters.refused;
    work.calls.push_back([done = std::move(done), error, message = std::move(message)]() mutable {
      if (done) done(refusal(error, std::move(message)));
    });
  }

  void emit(Work& work, ResponderEvent event) {
    if (!on_event) return;
    work.calls.push_back([callback = on_event, event = std::move(event)] { callback(event); });
  }

  // An event about `record`, observed now.
  ResponderEvent event_now(ResponderEventKind kind, const std::string& id,
                           const Record& record) const {
    ResponderEvent event;
    event.kind = kind;
    event.interaction_id = id;
    event.since_received =
        std::chrono::duration_cast<std::chrono::microseconds>(clock.now() - record.received_at);
    return event;
  }

  std::string lifetime_text() const {
    return std::to_string(
               std::chrono::duration_cast<std::chrono::seconds>(options.token_lifetime).count()) +
           " s";
  }

  void expire(const std::string& id, Record& record, Work& work) {
    live_tokens.erase({record.received_at, id});
    record.expired = true;
    record.token.clear();
    for (Answer& answer : record.waiting) {
      refuse(work, std::move(answer.done), ResponderError::kExpired,
             "the token of interaction " + id +
                 " expired before its initial response was "
                 "accepted");
    }
    record.waiting.clear();
    emit(work, event_now(ResponderEventKind::kExpired, id, record));
  }

  // The record of a live interaction, or nullptr after refusing `done`.
  Record* find_live(const std::string& id, Done& done, Work& work) {
    if (closed) {
      refuse(work, std::move(done), ResponderError::kShutdown, "the responder is shutting down");
      return nullptr;
    }
    auto it = records.find(id);
    if (it == records.end()) {
      refuse(work, std::move(done), ResponderError::kUnknownInteraction,
             "unknown interaction " + id + ": never received, or its token expired long ago");
      return nullptr;
    }
    Record& record = it->second;
    if (!record.expired && clock.now() >= record.received_at + options.token_lifetime) {
      expire(id, record, work);
    }
    if (record.expired) {
      refuse(work, std::move(done), ResponderError::kExpired,
             "the token of interaction " + id + " has expired (it lives " + lifetime_text() +
                 "); nothing can be sent for it any more");
      return nullptr;
    }
    return &record;
  }

  void send_answer(const std::string& id, const Record& record, Answer answer, Work& work) {
    const ResponderAction action = answer.action;
    work.sends.push_back(Work::Send{
        InteractionRequest{answer.method, std::move(answer.path), std::move(answer.body), true,
                           record.received_at + options.token_lifetime},
        completion([this, id, action, done = std::move(answer.done)](RestResponse response,
                                                                     Work& later) mutable {
          ResponderResult result = result_from(std::move(response), action, id);
          if (!result.ok()) ++counters.failed;
          later.calls.push_back([done = std::move(done), result = std::move(result)]() mutable {
            if (done) done(std::move(result));
          });
        })});
  }

  // Edits and follow-ups go out only after the initial response was accepted: before it,
  // Discord has no message to edit and no webhook to post to.
  void send_or_hold(const std::string& id, Record& record, Answer answer, Work& work) {
    switch (record.initial) {
      case Initial::kAccepted:
        send_answer(id, record, std::move(answer), work);
        break;
      case Initial::kNone:
      case Initial::kSending:
        record.waiting.push_back(std::move(answer));
        break;
      case Initial::kFailed:
        refuse(work, std::move(answer.done), ResponderError::kInitialResponseFailed,
               "the initial response to interaction " + id +
                   " failed, so there is nothing to edit or follow up");
        break;
    }
  }

  // A follow-up (POST /webhooks/{application}/{token}) or an edit of the original response
  // (PATCH .../messages/@original).
  void webhook_answer(const std::string& id, Record& record, ResponderAction action,
                      std::string body, Done done, Work& work) {
    std::string path = "/webhooks/" + record.application_id + "/" + record.token;
    Method method = Method::kPost;
    if (action == ResponderAction::kEditOriginal) {
      path += "/messages/@original";
      method = Method::kPatch;
      ++counters.edits;
    } else {
      ++counters.follow_ups;
    }
    send_or_hold(id, record,
                 Answer{method, std::move(path), std::move(body), action, std::move(done)}, work);
  }

  // Sends an initial response: the handler's (`done` set) or Mikami's deferral.
  void send_initial(const std::string& id, Record& record, std::string body, Done done,
                    Work& work) {
    record.initial = Initial::kSending;
    const bool ours = !done;
    std::string path = "/interactions/" + id + "/" + record.token + "/callback";
    work.sends.push_back(
        Work::Send{InteractionRequest{Method::kPost, std::move(path), std::move(body), false,
                                      record.received_at + kInitialDeadline},
                   completion([this, id, ours, done = std::move(done)](RestResponse response,
                                                                       Work& later) mutable {
                     on_initial_done(id, ours, std::move(done), std::move(response), later);
                   })});
  }

  void on_initial_done(const std::string& id, bool ours, Done done, RestResponse response,
                       Work& work) {
    const auto now = clock.now();
    ResponderResult result = result_from(std::move(response), ResponderAction::kCallback, id);
    // 40060: the interaction is acknowledged (by an earlier try, or another process after a
    // RESUME replayed it), so what waits for the initial response may go out.
    const bool acknowledged = result.ok() || result.error == ResponderError::kAlreadyAcknowledged;
    if (!result.ok()) ++counters.failed;
    auto it = records.find(id);
    if (it != records.end() && !it->second.expired) {
      Record& record = it->second;
      record.initial = acknowledged ? Initial::kAccepted : Initial::kFailed;
      std::vector<Answer> waiting = std::move(record.waiting);
      record.waiting.clear();
      for (Answer& answer : waiting) send_or_hold(id, record, std::move(answer), work);
      if (ours) {
        ResponderEvent event;
        event.kind = result.ok()    ? ResponderEventKind::kDeferred
                     : acknowledged ? ResponderEventKind::kAlreadyAcknowledged
                                    : ResponderEventKind::kDeferralFailed;
        event.interaction_id = id;
        event.since_received =
            std::chrono::duration_cast<std::chrono::microseconds>(now - record.received_at);
        event.status = result.status;
        emit(work, std::move(event));
      }
    }
    if (done) {
      work.calls.push_back([done = std::move(done), result = std::move(result)]() mutable {
        done(std::move(result));
      });
    }
  }

  // An interaction whose 3 s passed before anyone could answer it.
  void miss(const std::string& id, const Record& record, Work& work) {
    ++counters.missed;
    emit(work, event_now(ResponderEventKind::kDeadlinePassed, id, record));
  }

  void respond_locked(const std::string& id, Record& record, InteractionResponse response,
                      Done done, Work& work) {
    boost::json::object data;
    bool valid = true;
    if (!response.data_json.empty()) {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(response.data_json, ec);
      valid = !ec && parsed.is_object();
      if (valid) data = std::move(parsed.as_object());
    }
    const bool autocomplete = record.type == InteractionType::kAutocomplete;
    const bool choices = response.type == CallbackType::kAutocompleteResult;
    if (record.handler_responded) {
      refuse(work, std::move(done), ResponderError::kAlreadyResponded,
             "interaction " + id +
                 " already has the handler's response; use edit_original or follow_up");
      return;
    }
    if (!valid) {
      refuse(work, std::move(done), ResponderError::kInvalidResponse,
             "the response data for interaction " + id + " is not a JSON object");
      return;
    }
    if (autocomplete != choices) {
      refuse(work, std::move(done), ResponderError::kInvalidResponse,
             autocomplete ? "interaction " + id + " is an autocomplete: only a type 8 answers it"
                          : "a type 8 (autocomplete result) cannot answer interaction " + id +
                                ", which is not an autocomplete");
      return;
    }
    if (record.initial == Initial::kNone) {
      if (record.dead || clock.now() >= record.received_at + kInitialDeadline) {
        refuse(work, std::move(done), ResponderError::kDeadlinePassed,
               "interaction " + id +
                   " is older than 3 s: Discord no longer takes an initial response for it");
        return;
      }
      CORE_CHECK(deadlines.begin_answer(id) == AnswerMode::kSendCallback);
      record.handler_responded = true;
      ++counters.callbacks;
      boost::json::object body{{"type", static_cast<int>(response.type)}};
      if (!response.data_json.empty()) body["data"] = std::move(data);
      send_initial(id, record, boost::json::serialize(body), std::move(done), work);
      return;
    }
    // Mikami deferred for this handler.
    switch (response.type) {
      case CallbackType::kChannelMessageWithSource:
      case CallbackType::kUpdateMessage: {
        record.handler_responded = true;
        ResponderAction action = ResponderAction::kEditOriginal;
        if (record.deferral == CallbackType::kDeferredUpdateMessage) {
          // @original is the component's message: only an update edits it.
          if (response.type == CallbackType::kChannelMessageWithSource) {
            action = ResponderAction::kFollowUp;
          }
        } else if (is_ephemeral(data) != (record.visibility == Visibility::kEphemeral)) {
          // The edit would keep the deferral's visibility, not the answer's.
          action = ResponderAction::kFollowUp;
          if (is_ephemeral(data)) ++counters.ephemeral_follow_ups;
        }
        webhook_answer(id, record, action, response.data_json.empty() ? "{}" : response.data_json,
                       std::move(done), work);
        break;
      }
      case CallbackType::kDeferredChannelMessageWithSource:
      case CallbackType::kDeferredUpdateMessage:
        record.handler_responded = true;
        work.calls.push_back([done = std::move(done), id] {
          ResponderResult result;
          result.message = "interaction " + id + " was already deferred by Mikami";
          if (done) done(std::move(result));
        });
        break;
      case CallbackType::kAutocompleteResult:
      case CallbackType::kModal:
        refuse(work, std::move(done), ResponderError::kNotAfterDeferral,
               "interaction " + id +
                   " was already deferred by Mikami; a modal must be the initial response");
        break;
    }
  }

  std::optional<TimePoint> next_wakeup_locked() const {
    std::optional<TimePoint> earliest = deadlines.next_wakeup();
    auto consider = [&earliest](TimePoint at) {
      if (!earliest || at < *earliest) earliest = at;
    };
    // A live token is expired at its lifetime; the record is forgotten a lifetime later.
    if (!live_tokens.empty()) consider(live_tokens.begin()->first + options.token_lifetime);
    if (!kept_records.empty()) {
      consider(kept_records.begin()->first + 2 * options.token_lifetime);
    }
    return earliest;
  }
};

InteractionResponder::InteractionResponder(InteractionSender& sender, core::Clock& clock,
                                           ResponderOptions options)
    : state_(std::make_shared<State>(sender, clock, options)) {
  if (options.run_timer) timer_ = std::thread([this] { run_timer(); });
}

InteractionResponder::~InteractionResponder() {
  Work work;
  {
    std::lock_guard lock(state_->mutex);
    state_->closed = true;
    for (auto& [id, record] : state_->records) {
      for (Answer& answer : record.waiting) {
        state_->refuse(
            work, std::move(answer.done), ResponderError::kShutdown,
            "the responder was destroyed before interaction " + id + " had its initial response");
      }
      record.waiting.clear();
    }
    state_->changed.notify_all();
  }
  if (timer_.joinable()) timer_.join();
  state_->execute(work);
  std::unique_lock lock(state_->mutex);
  state_->idle.wait(lock, [&] { return state_->busy == 0; });
}

void InteractionResponder::set_event_callback(EventFn callback) {
  std::lock_guard lock(state_->mutex);
  state_->on_event = std::move(callback);
}

core::Status InteractionResponder::received(InteractionCreate event) {
  const auto created = snowflake_time(event.id);
  if (!is_snowflake(event.id) || !created) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "interaction id '" + event.id + "' is not a snowflake");
  }
  if (!is_snowflake(event.application_id)) {
    return core::fail(core::ErrorCode::kInvalidArgument, "application id '" + event.application_id +
                                                             "' of interaction " + event.id +
                                                             " is not a snowflake");
  }
  if (!known_type(event.type)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "interaction " + event.id + " has unknown type " +
                          std::to_string(static_cast<int>(event.type)));
  }
  if (event.token.empty() || !is_path_safe_token(event.token)) {
    // The token's value is never echoed.
    return core::fail(
        core::ErrorCode::kInvalidArgument,
        "the token of interaction " + event.id +
            (event.token.empty() ? " is empty" : " has characters a URL path cannot carry"));
  }
  State& s = *state_;
  Work work;
  {
    std::lock_guard lock(s.mutex);
    if (s.closed) {
      return core::fail(core::ErrorCode::kFailedPrecondition, "the responder is shutting down");
    }
    if (s.records.contains(event.id)) return core::ok_status();  // a repeated event
    // What the timer sleeps until now, before this interaction adds its deadlines.
    const std::optional<TimePoint> wakeup = s.next_wakeup_locked();
    const TimePoint now = s.clock.now();
    Record record;
    record.application_id = std::move(event.application_id);
    record.token = event.token;
    record.received_at = monotonic_instant(s.clock, *created);
    record.type = event.type;
    record.visibility = event.visibility;
    record.deferral = event.type == InteractionType::kMessageComponent
                          ? CallbackType::kDeferredUpdateMessage
                          : CallbackType::kDeferredChannelMessageWithSource;
    const bool deferrable = event.type == InteractionType::kApplicationCommand ||
                            event.type == InteractionType::kMessageComponent ||
                            event.type == InteractionType::kModalSubmit;
    record.dead = now >= record.received_at + kInitialDeadline;
    s.deadlines.received(event.id, std::move(event.token), record.received_at,
                         deferrable && !record.dead);
    if (record.dead) s.miss(event.id, record, work);
    s.live_tokens.emplace(record.received_at, event.id);
    s.kept_records.emplace(record.received_at, event.id);
    s.records.emplace(std::move(event.id), std::move(record));
    ++s.counters.received;
    // The timer sleeps until the earliest deadline: wake it only when that moved earlier
    // (an interaction replayed late), not for every interaction (a context switch each).
    if (s.next_wakeup_locked() != wakeup) s.changed.notify_all();
  }
  s.execute(work);
  return core::ok_status();
}

void InteractionResponder::respond(const std::string& id, InteractionResponse response, Done done) {
  State& s = *state_;
  Work work;
  {
    std::lock_guard lock(s.mutex);
    if (Record* record = s.find_live(id, done, work)) {
      s.respond_locked(id, *record, std::move(response), std::move(done), work);
    }
  }
  s.execute(work);
}

void InteractionResponder::follow_up(const std::string& id, std::string message_json, Done done) {
  through_webhook(id, ResponderAction::kFollowUp, std::move(message_json), std::move(done));
}

void InteractionResponder::edit_original(const std::string& id, std::string message_json,
                                         Done done) {
  through_webhook(id, ResponderAction::kEditOriginal, std::move(message_json), std::move(done));
}

void InteractionResponder::through_webhook(const std::string& id, ResponderAction action,
                                           std::string message_json, Done done) {
  State& s = *state_;
  Work work;
  {
    std::lock_guard lock(s.mutex);
    if (Record* record = s.find_live(id, done, work)) {
      s.webhook_answer(id, *record, action, std::move(message_json), std::move(done), work);
    }
  }
  s.execute(work);
}

namespace {

template <class Call>
std::future<ResponderResult> as_future(Call call) {
  auto promise = std::make_shared<std::promise<ResponderResult>>();
  auto future = promise->get_future();
  call([promise](ResponderResult result) { promise->set_value(std::move(result)); });
  return future;
}

}  // namespace

std::future<ResponderResult> InteractionResponder::respond(const std::string& id,
                                                           InteractionResponse response) {
  return as_future([&](Done done) { respond(id, std::move(response), std::move(done)); });
}

std::future<ResponderResult> InteractionResponder::follow_up(const std::string& id,
                                                             std::string message_json) {
  return as_future([&](Done done) { follow_up(id, std::move(message_json), std::move(done)); });
}

std::future<ResponderResult> InteractionResponder::edit_original(const std::string& id,
                                                                 std::string message_json) {
  return as_future([&](Done done) { edit_original(id, std::move(message_json), std::move(done)); });
}

void InteractionResponder::poll() {
  State& s = *state_;
  Work work;
  {
    std::lock_guard lock(s.mutex);
    if (s.closed) return;
    const TimePoint now = s.clock.now();
    for (DueInteraction& due : s.deadlines.take_due()) {
      auto it = s.records.find(due.id);
      if (it == s.records.end() || it->second.expired) continue;
      Record& record = it->second;
      if (now >= record.received_at + kInitialDeadline) {
        // The timer ran late (a stalled machine): a deferral now would only be refused.
        record.dead = true;
        s.miss(due.id, record, work);
        continue;
      }
      ++s.counters.deferred;
      boost::json::object body{{"type", static_cast<int>(record.deferral)}};
      if (record.deferral == CallbackType::kDeferredChannelMessageWithSource &&
          record.visibility == Visibility::kEphemeral) {
        body["data"] = boost::json::object{{"flags", kFlagEphemeral}};
      }
      s.send_initial(due.id, record, boost::json::serialize(body), nullptr, work);
    }
    while (!s.live_tokens.empty() &&
           now >= s.live_tokens.begin()->first + s.options.token_lifetime) {
      const std::string id = s.live_tokens.begin()->second;
      s.expire(id, s.records.at(id), work);  // takes it out of live_tokens
    }
    while (!s.kept_records.empty() &&
           now >= s.kept_records.begin()->first + 2 * s.options.token_lifetime) {
      s.records.erase(s.kept_records.begin()->second);
      s.kept_records.erase(s.kept_records.begin());
    }
  }
  s.execute(work);
}

std::optional<core::Clock::TimePoint> InteractionResponder::next_wakeup() const {
  std::lock_guard lock(state_->mutex);
  return state_->next_wakeup_locked();
}

ResponderCounters InteractionResponder::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

std::size_t InteractionResponder::tracked() const {
  std::lock_guard lock(state_->mutex);
  return state_->records.size();
}

void InteractionResponder::run_timer() {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  while (!s.closed) {
    const auto next = s.next_wakeup_locked();
    if (!next) {
      s.changed.wait(lock);
      continue;
    }
    const auto now = s.clock.now();
    if (now < *next) {
      // Real time runs like the clock's (SystemClock); received() wakes it early.
      s.changed.wait_for(lock, *next - now);
      continue;
    }
    lock.unlock();
    poll();
    lock.lock();
  }
}

}  // namespace mikami
