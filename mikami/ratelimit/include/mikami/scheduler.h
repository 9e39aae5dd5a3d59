// The REST rate-limit scheduler. It knows nothing of HTTP (twilight's model): a caller
// submits a request for a Route, is handed a Permit when the request may be sent, sends it
// however it likes, and completes the Permit with the response status and its parsed
// rate-limit headers. Everything Discord documents about limits lives here:
//   - per-bucket remaining/reset learned from X-RateLimit-* headers, buckets identified by
//     X-RateLimit-Bucket (several routes may share one) and split by major parameter;
//   - a global limit (50 per rolling second by default) that interaction callbacks and
//     webhook follow-ups do not count against;
//   - a 429 requeues its request to be granted again exactly `retry_after` later: a
//     global 429 holds every non-exempt request, a shared-scope 429 holds the bucket, a
//     sublimit 429 (the bucket still showed quota) holds only that request;
//   - a 429 without any X-RateLimit-* header (an HTML or {"code": 0} body, maybe no
//     Retry-After) comes from Cloudflare, not from the API: an IP-level ban. Every request,
//     interaction callbacks included, then waits for its Retry-After, or cloudflare_pause;
//   - 5xx responses and network failures are retried with exponential backoff;
//   - an invalid-request guard counts 401/403/429 (not shared-scope 429s) over 10 minutes
//     and stops granting at a hard ceiling far below Discord's 10,000;
//   - nothing is dropped unless its caller cancels it;
//   - buckets idle for idle_bucket_ttl are forgotten (interaction and webhook tokens are
//     part of their keys: one per interaction would otherwise pile up for ever).
// See https://discord.com/developers/docs/topics/rate-limits.
//
// Threading: a Scheduler has one owner. It is not thread safe; every call (including
// Permit::complete and the callbacks it makes) happens on the owner's thread or strand. The
// owner drives time: it calls poll() whenever next_wakeup() is reached (a timer in
// production, FakeClock::advance in tests). submit(), cancel() and completions poll
// implicitly.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "mikami/ratelimit_headers.h"
#include "mikami/route.h"

namespace mikami {

using RequestId = std::uint64_t;

struct SchedulerOptions {
  // Requests per rolling `global_window`, for all non-exempt routes together. 0 disables.
  int global_limit = 50;
  std::chrono::milliseconds global_window{1000};
  // Added to global_window when deciding whether an old send has left it: the server counts
  // arrivals, not our send times, so network jitter could otherwise squeeze one request too
  // many into the server's window.
  std::chrono::milliseconds global_margin{50};
  // 5xx and network failures: wait base * 2^(failures - 1), at most max, between tries;
  // after `max_attempts` failed tries the failure is final.
  std::chrono::milliseconds retry_backoff_base{250};
  std::chrono::milliseconds retry_backoff_max{8000};
  int max_attempts = 5;
  // Invalid requests (401, 403, non-shared 429) counted over `invalid_window`: an event at
  // the soft limit; at the hard limit nothing more is granted until old ones age out.
  int invalid_request_soft_limit = 250;
  int invalid_request_hard_limit = 1000;
  std::chrono::milliseconds invalid_window{10 * 60 * 1000};
  // Added to every reset learned from X-RateLimit-Reset-After: the header is rounded to the
  // millisecond, and a request sent a hair before the server's reset is a 429. (Requeues
  // after a 429 still happen at exactly retry_after.)
  std::chrono::milliseconds reset_margin{25};
  // Two X-RateLimit-Reset-After readings whose implied reset instants differ by more than
  // this belong to different windows.
  std::chrono::milliseconds window_tolerance{200};
  // How long a Cloudflare ban without Retry-After holds every request. Bans last minutes;
  // probing sooner only extends them.
  std::chrono::milliseconds cloudflare_pause{10 * 60 * 1000};
  // A bucket with nothing queued or in flight, whose window has ended, is forgotten this
  // long after its last use. Under Discord's 15 minutes, so no interaction token outlives
  // its interaction here by more than a bucket window.
  std::chrono::milliseconds idle_bucket_ttl{60'000};
};

// What the caller does after completing a permit.
enum class Outcome : std::uint8_t {
  kDeliver,    // the response is final: hand it to whoever submitted the request
  kRequeued,   // the scheduler will grant this request again; send it again then
  kCancelled,  // the caller cancelled the request meanwhile; discard the response
  kGaveUp,     // network failures exhausted max_attempts; report the failure
};

std::string_view to_string(Outcome outcome);

enum class RateLimitEventKind : std::uint8_t {
  kBucketLearned,          // a route's X-RateLimit-Bucket became known or changed
  kRateLimited,            // a 429 arrived; see scope, sublimit, avoidable, wait_us
  kRetryScheduled,         // a 5xx or network failure will be retried after wait_us
  kInvalidRequestWarning,  // the invalid-request count reached the soft limit
  kInvalidRequestCeiling,  // the hard limit was reached: grants stop for wait_us
  kCloudflareBan,          // a 429 without rate-limit headers: everything waits wait_us
};

std::string_view to_string(RateLimitEventKind kind);

struct RateLimitEvent {
  RateLimitEventKind kind = RateLimitEventKind::kRateLimited;
  std::string route;  // Route::display(): tokens masked
  std::string bucket_hash;
  RateLimitScope scope = RateLimitScope::kNone;
  bool sublimit = false;   // the 429 held only its own request
  bool avoidable = false;  // a 429 on a bucket whose limits were already known
  int status = 0;
  std::chrono::microseconds wait_us{0};
};

struct SchedulerCounters {
  std::uint64_t submitted = 0;
  std::uint64_t granted = 0;  // sends, including resends
  std::uint64_t delivered = 0;
  std::uint64_t requeued = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t gave_up = 0;
  std::uint64_t rate_limited = 0;  // every 429
  std::uint64_t rate_limited_global = 0;
  std::uint64_t rate_limited_shared = 0;
  std::uint64_t rate_limited_sublimit = 0;
  std::uint64_t rate_limited_avoidable = 0;
  std::uint64_t server_error_retries = 0;
  std::uint64_t network_error_retries = 0;
  std::uint64_t invalid_requests = 0;  // total, not windowed
  std::uint64_t guard_ceiling_hits = 0;
  std::uint64_t rate_limited_cloudflare = 0;  // 429s without rate-limit headers (IP bans)
  std::uint64_t buckets_forgotten = 0;        // idle buckets swept
};

// What the scheduler currently believes about the bucket a route maps to.
struct BucketSnapshot {
  std::string hash;  // empty until learned
  std::optional<std::int64_t> limit;
  std::int64_t remaining = 0;
  bool unlimited = false;  // responses carried no rate-limit headers
  std::optional<core::Clock::TimePoint> reset_at;
  std::size_t queued = 0;
  int in_flight = 0;
};

class Scheduler;

// The right to send one request now. Move-only. Must be completed (complete() or
// fail_network()) exactly once, on the scheduler's thread, before the Scheduler is
// destroyed; a Permit destroyed uncompleted is treated as a cancellation. Does not own the
// Scheduler, which must outlive it.
class Permit {
 public:
  Permit(Permit&& other) noexcept;
  Permit& operator=(Permit&& other) noexcept;
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit();

  RequestId id() const { return id_; }
  // 1 for the first send, 2 for the first resend, ...
  int attempt() const { return attempt_; }
  const Route& route() const;

  // Reports the response. `headers` are whatever parse_rate_limit_headers() produced (a
  // default-constructed value when they were malformed).
  Outcome complete(int status, const RateLimitHeaders& headers);
  // Reports that no response arrived (connect/TLS/write/read failure, timeout).
  Outcome fail_network();

 private:
  friend class Scheduler;
  Permit(Scheduler* scheduler, RequestId id, int attempt)
      : scheduler_(scheduler), id_(id), attempt_(attempt) {}

  Scheduler* scheduler_;  // null once completed or moved from
  RequestId id_;
  int attempt_;
};

class Scheduler {
 public:
  // Called with the Permit each time the request may be sent (again after kRequeued).
  using GrantFn = std::function<void(Permit)>;
  using EventFn = std::function<void(const RateLimitEvent&)>;

  // `clock` must outlive the scheduler.
  explicit Scheduler(core::Clock& clock, SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Queues a request; `on_grant` runs (possibly inside this call) when it may be sent.
  RequestId submit(Route route, GrantFn on_grant);
  // Forgets a queued request, or marks an in-flight one so its completion returns
  // kCancelled. Returns false when the id is unknown or already finished.
  bool cancel(RequestId id);
  // Grants every request that may be sent now.
  void poll();
  // The earliest instant at which poll() could grant something that cannot be granted now;
  // nullopt when nothing waits on time (idle, or only waiting for in-flight responses).
  std::optional<core::Clock::TimePoint> next_wakeup() const;

  // Receives every rate-limit event, synchronously, on the owner's thread.
  void set_event_callback(EventFn callback) { on_event_ = std::move(callback); }
  const SchedulerCounters& counters() const { return counters_; }
  std::size_t pending() const { return requests_.size(); }
  // Buckets currently remembered (learned or probing), for memory accounting.
  std::size_t buckets() const;
  // Invalid requests inside the current window.
  std::size_t invalid_requests_in_window() const;
  std::optional<BucketSnapshot> bucket_of(const Route& route) const;

 private:
  friend class Permit;
  struct Bucket;
  struct Request;
  struct QueueEntry {
    std::uint64_t seq;
    RequestId id;
  };

  Outcome finish(RequestId id, std::optional<int> status, const RateLimitHeaders& headers);
  void abandon(RequestId id);
  std::shared_ptr<Bucket> bucket_for_route(const Route& route);
  std::shared_ptr<Bucket> learn_bucket(const Route& route, const std::string& hash);
  void apply_headers(Bucket& bucket, const Request& request, const RateLimitHeaders& headers,
                     int status);
  Outcome handle_429(Request& request, Bucket& bucket, bool bucket_was_known,
                     const RateLimitHeaders& headers);
  Outcome retry_later(Request& request, std::chrono::microseconds wait_us);
  void enqueue(Bucket& bucket, const Request& request);
  void note_invalid_request();
  void refill_if_due(Bucket& bucket, core::Clock::TimePoint now);
  bool bucket_open(const Bucket& bucket, core::Clock::TimePoint now) const;
  std::optional<core::Clock::TimePoint> global_ready_at(core::Clock::TimePoint now) const;
  std::optional<core::Clock::TimePoint> guard_ready_at() const;
  void prune(core::Clock::TimePoint now);
  void sweep_idle_buckets(core::Clock::TimePoint now);
  void emit(RateLimitEvent event);

  core::Clock& clock_;
  SchedulerOptions options_;
  EventFn on_event_;
  SchedulerCounters counters_;
  RequestId next_id_ = 1;
  std::uint64_t next_seq_ = 1;
  std::unordered_map<RequestId, Request> requests_;
  // Bucket per route key (method + template + major parameter).
  std::unordered_map<std::string, std::shared_ptr<Bucket>> bucket_by_route_;
  // Learned buckets by "hash @major".
  std::unordered_map<std::string, std::shared_ptr<Bucket>> bucket_by_hash_;
  // Learned X-RateLimit-Bucket per route template key.
  std::unordered_map<std::string, std::string> hash_by_template_;
  std::unordered_set<Bucket*> active_;               // buckets with a non-empty queue
  std::deque<core::Clock::TimePoint> global_sends_;  // within the last global_window
  core::Clock::TimePoint global_parked_until_{};
  core::Clock::TimePoint banned_until_{};  // a Cloudflare ban: nothing at all is granted
  core::Clock::TimePoint next_sweep_{};
  std::deque<core::Clock::TimePoint> invalid_requests_;  // within the last invalid_window
  bool warned_soft_limit_ = false;
  bool held_by_guard_ = false;
  bool polling_ = false;
  bool repoll_ = false;
};

}  // namespace mikami
