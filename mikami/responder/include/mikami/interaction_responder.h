// Answers interactions for their handlers and keeps every one inside Discord's deadlines:
// the initial response within 3 s of the interaction's creation, the token usable for
// 15 minutes. Both count from the interaction id's snowflake timestamp, not from local
// receipt: an INTERACTION_CREATE replayed after a RESUME may arrive with little or no time
// left. Reference: https://discord.com/developers/docs/interactions/receiving-and-responding
//
// The owner feeds received() every INTERACTION_CREATE with its type and the visibility its
// answer will have (a command declares it in its schema, before anything runs). Handlers
// answer through respond(), follow_up() and edit_original(). When nobody has answered
// `defer_after` (about 2 s) after creation, the responder defers itself, as the type asks:
//   - application commands and modal submits: DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (type 5),
//     ephemeral (flags 64) when the declared visibility is kEphemeral;
//   - message components: DEFERRED_UPDATE_MESSAGE (type 6), which acknowledges without a
//     new message (the component's message is the one a later type 7 edits);
//   - autocomplete and ping: never (only a type 8 answer fits an autocomplete).
// A handler's later respond() then goes out as what Discord can show correctly:
//   - after a type 5: a message whose visibility (data.flags & 64) matches the deferral's
//     becomes an edit of @original; one that does not becomes a follow-up with its own
//     flags, so an answer meant for one person is never edited into a public message;
//   - after a type 6: an UPDATE_MESSAGE (type 7) edits @original (the component's message),
//     a new message (type 4) becomes a follow-up.
// Edits and follow-ups wait until the initial response (the handler's or the deferral) has
// been accepted, so Discord never sees them first. A callback answered 400 with code 40060
// ("already acknowledged") means the interaction is acknowledged: the answers waiting for it
// go out, and nothing is retried.
//
// Nothing the responder sends carries the bot's Authorization header: the interaction token
// in the path authorizes it. A callback is never sent (nor resent after a 429 or 5xx) after
// its 3 s, an edit or follow-up never after the token's 15 minutes.
//
// Time comes from a core::Clock. By default a timer thread calls poll() at next_wakeup();
// with ResponderOptions::run_timer off the owner does (unit tests advance a core::FakeClock
// and call poll(), nothing sleeps).
//
// Interaction tokens are credentials: they appear only in request paths, never in a result,
// an event, an error message or a log line.
//
// Threading: every public member is thread safe. `done` callbacks and events run outside
// the responder's lock, on the caller's thread (refusals, before the call returns), the
// timer's thread or the sender's thread; they may call back into the responder but must not
// destroy it. After the destructor returns no callback runs any more.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "mikami/rest_client.h"

namespace mikami {

// One request of the responder. None carries the bot's Authorization.
struct InteractionRequest {
  Method method = Method::kPost;
  std::string path;
  std::string body;
  bool webhook = false;  // a /webhooks/{application}/{token} call, exempt from the global limit
  // Never sent or resent at or after this instant of the responder's clock.
  core::Clock::TimePoint give_up_at;
};

// How the responder sends HTTP: a RestClient in production, a recorder in unit tests.
class InteractionSender {
 public:
  virtual ~InteractionSender() = default;
  // Sends one request without the bot's Authorization. `done` runs exactly once, never
  // inside send().
  virtual void send(InteractionRequest request, RestClient::Callback done) = 0;
};

// Sends through a RestClient, which must outlive it. The responder's clock must then run
// on std::chrono::steady_clock (core::SystemClock), as the client's deadlines do.
class RestInteractionSender final : public InteractionSender {
 public:
  explicit RestInteractionSender(RestClient& client) : client_(client) {}
  void send(InteractionRequest request, RestClient::Callback done) override;

 private:
  RestClient& client_;
};

// Interaction types (Discord's numbers).
enum class InteractionType : int {
  kPing = 1,
  kApplicationCommand = 2,
  kMessageComponent = 3,
  kAutocomplete = 4,
  kModalSubmit = 5,
};

// Who sees the answer to an interaction. Decided before the deferral: Discord keeps the
// deferral's visibility for the message that later edits it.
enum class Visibility : std::uint8_t {
  kPublic,     // the channel
  kEphemeral,  // the invoking user only (flags 64)
};

// The fields of INTERACTION_CREATE the responder needs, and the answer's declared
// visibility.
struct InteractionCreate {
  std::string id;              // snowflake; its timestamp starts the 3 s and the 15 min
  std::string token;           // a credential
  std::string application_id;  // snowflake
  InteractionType type = InteractionType::kApplicationCommand;
  Visibility visibility = Visibility::kPublic;  // of the deferral (type 5) and its edit
};

// Interaction callback types (Discord's numbers).
enum class CallbackType : int {
  kChannelMessageWithSource = 4,
  kDeferredChannelMessageWithSource = 5,
  kDeferredUpdateMessage = 6,
  kUpdateMessage = 7,
  kAutocompleteResult = 8,
  kModal = 9,
};

// An initial response: its type and the JSON object of its `data` (empty for none).
struct InteractionResponse {
  CallbackType type = CallbackType::kChannelMessageWithSource;
  std::string data_json;
};

// Why an answer was not delivered. Stable codes; new ones go at the end.
enum class ResponderError : std::uint8_t {
  kNone = 0,
  kUnknownInteraction,     // never received, or forgotten long after its token expired
  kExpired,                // the token is older than its lifetime (15 minutes)
  kAlreadyResponded,       // respond() was called before for this interaction
  kNotAfterDeferral,       // a modal or autocomplete result cannot follow Mikami's deferral
  kInvalidResponse,        // the data is not a JSON object
  kInitialResponseFailed,  // an edit or follow-up waited for an initial response that failed
  kRejected,               // Discord answered with a non-2xx status (see status, body)
  kNetwork,                // no answer from Discord
  kShutdown,               // the responder was destroyed first
  kDeadlinePassed,         // the interaction's 3 s had passed: no initial response possible
  kAlreadyAcknowledged,    // Discord answered 40060: someone else acknowledged it first
};

std::string_view to_string(ResponderError error);

// What went out for an answer.
enum class ResponderAction : std::uint8_t {
  kNone,          // nothing needed sending (e.g. a type 5 after Mikami had deferred)
  kCallback,      // POST /interactions/{id}/{token}/callback
  kEditOriginal,  // PATCH /webhooks/{application}/{token}/messages/@original
  kFollowUp,      // POST /webhooks/{application}/{token}
};

std::string_view to_string(ResponderAction action);

struct ResponderResult {
  ResponderError error = ResponderError::kNone;
  ResponderAction action = ResponderAction::kNone;
  int status = 0;       // Discord's HTTP status, 0 when nothing was sent or nothing came
  std::string body;     // Discord's response body (e.g. the created message)
  std::string message;  // for people; names the interaction id, never its token

  bool ok() const { return error == ResponderError::kNone; }
};

enum class ResponderEventKind : std::uint8_t {
  kDeferred,             // Mikami's deferral was accepted; since_received says when
  kDeferralFailed,       // Mikami's deferral was refused or got no answer
  kExpired,              // a token reached its lifetime; waiting edits or follow-ups failed
  kDeadlinePassed,       // nobody answered within 3 s of creation (or it arrived later than that)
  kAlreadyAcknowledged,  // Mikami's deferral got 40060: the interaction was acknowledged
};

struct ResponderEvent {
  ResponderEventKind kind = ResponderEventKind::kDeferred;
  std::string interaction_id;
  // When the event was observed, counted from the interaction's creation (its snowflake).
  std::chrono::microseconds since_received{0};
  int status = 0;
};

struct ResponderCounters {
  std::uint64_t received = 0;
  std::uint64_t callbacks = 0;  // initial responses sent for handlers
  std::uint64_t deferred = 0;   // deferrals sent by Mikami
  std::uint64_t edits = 0;
  std::uint64_t follow_ups = 0;
  std::uint64_t refused = 0;               // answers refused without sending anything
  std::uint64_t failed = 0;                // answers Discord refused or never answered
  std::uint64_t missed = 0;                // interactions that got no initial response within 3 s
  std::uint64_t ephemeral_follow_ups = 0;  // private answers after a public deferral
};

struct ResponderOptions {
  // When Mikami defers for a silent handler, from the interaction's creation; must be
  // below Discord's 3 s.
  std::chrono::milliseconds defer_after{2'000};
  std::chrono::milliseconds token_lifetime{15 * 60 * 1000};
  // A thread of the responder's own calls poll() at next_wakeup(). Off: the owner does.
  bool run_timer = true;
};

class InteractionResponder {
 public:
  using Done = std::function<void(ResponderResult)>;
  using EventFn = std::function<void(const ResponderEvent&)>;

  // `sender` and `clock` must outlive the responder.
  InteractionResponder(InteractionSender& sender, core::Clock& clock,
                       ResponderOptions options = {});
  // Waits for callbacks already running; answers still waiting get kShutdown.
  ~InteractionResponder();
  InteractionResponder(const InteractionResponder&) = delete;
  InteractionResponder& operator=(const InteractionResponder&) = delete;

  // Receives every event; set it before the first received().
  void set_event_callback(EventFn callback);

  // Records an INTERACTION_CREATE; its 3 s and 15 min count from its id's snowflake
  // timestamp (never later than now). One older than 3 s is tracked, but gets no deferral
  // (a kDeadlinePassed event says so) and its initial response is refused. A repeated id is
  // ignored. kInvalidArgument (naming the field, never the token's value) for ids that are
  // not snowflakes, an unknown type, or a token with characters a URL path cannot carry.
  core::Status received(InteractionCreate event);

  // The handler's initial response. Sent as the interaction callback when nobody answered
  // yet (refused with kDeadlinePassed after the 3 s); an autocomplete takes only a type 8,
  // and a type 8 fits only an autocomplete (kInvalidResponse). When Mikami has deferred, a
  // message (types 4 and 7) becomes an edit of @original or a follow-up as the file comment
  // says, a deferral (types 5 and 6) needs nothing, and a modal is refused.
  void respond(const std::string& id, InteractionResponse response, Done done);
  // Creates a follow-up message (`message_json`: a webhook message object).
  void follow_up(const std::string& id, std::string message_json, Done done);
  // Edits the initial response's message.
  void edit_original(const std::string& id, std::string message_json, Done done);

  std::future<ResponderResult> respond(const std::string& id, InteractionResponse response);
  std::future<ResponderResult> follow_up(const std::string& id, std::string message_json);
  std::future<ResponderResult> edit_original(const std::string& id, std::string message_json);

  // Sends the deferrals that are due and forgets expired tokens. Called by the timer thread;
  // with run_timer off, by the owner at next_wakeup().
  void poll();
  // When poll() next has work; nullopt when nothing is tracked.
  std::optional<core::Clock::TimePoint> next_wakeup() const;

  ResponderCounters counters() const;
  std::size_t tracked() const;

 private:
  struct State;
  void through_webhook(const std::string& id, ResponderAction action, std::string message_json,
                       Done done);
  void run_timer();

  std::shared_ptr<State> state_;  // shared with the sender's callbacks in flight
  std::thread timer_;
};

}  // namespace mikami
