#include "mikami/scheduler.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mikami {

using core::Clock;
using std::chrono::microseconds;

struct Scheduler::Bucket {
  Bucket(std::string key_in, std::string hash_in)
      : key(std::move(key_in)), hash(std::move(hash_in)) {}

  std::string key;   // route key while unlearned, "hash @major" once learned
  std::string hash;  // X-RateLimit-Bucket, empty until learned
  std::optional<std::int64_t> limit;
  bool known = false;      // remaining/reset have been read from a response
  bool unlimited = false;  // responses carry no rate-limit headers
  std::int64_t remaining = 0;
  bool reset_known = false;
  // After a local refill the reset instant is a guess (previous window length) until the
  // first response of the new window tells the truth.
  bool reset_provisional = false;
  Clock::TimePoint reset_at{};
  Clock::Duration window_length{};
  Clock::TimePoint parked_until{};  // a shared or user 429 holds the bucket until then
  Clock::TimePoint last_used{};     // last grant or completion
  std::uint64_t epoch = 0;          // bumped at every local refill
  int in_flight = 0;
  int in_flight_epoch = 0;       // in flight and granted in the current epoch
  std::deque<QueueEntry> queue;  // ordered by seq
};

struct Scheduler::Request {
  Request(RequestId id_in, std::uint64_t seq_in, Route route_in,
          std::shared_ptr<GrantFn> on_grant_in)
      : id(id_in), seq(seq_in), route(std::move(route_in)), on_grant(std::move(on_grant_in)) {}

  RequestId id;
  std::uint64_t seq;
  Route route;
  std::shared_ptr<GrantFn> on_grant;
  int attempt = 0;   // sends so far
  int failures = 0;  // 5xx and network failures so far
  Clock::TimePoint not_before{};
  bool in_flight = false;
  bool cancelled = false;
  std::shared_ptr<Bucket> granted_bucket;
  std::uint64_t granted_epoch = 0;
};

namespace {

RateLimitEvent make_event(RateLimitEventKind kind, std::string route, std::string hash) {
  RateLimitEvent event;
  event.kind = kind;
  event.route = std::move(route);
  event.bucket_hash = std::move(hash);
  return event;
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDeliver:
      return "deliver";
    case Outcome::kRequeued:
      return "requeued";
    case Outcome::kCancelled:
      return "cancelled";
    case Outcome::kGaveUp:
      return "gave up";
  }
  return "?";
}

std::string_view to_string(RateLimitEventKind kind) {
  switch (kind) {
    case RateLimitEventKind::kBucketLearned:
      return "bucket learned";
    case RateLimitEventKind::kRateLimited:
      return "rate limited";
    case RateLimitEventKind::kRetryScheduled:
      return "retry scheduled";
    case RateLimitEventKind::kInvalidRequestWarning:
      return "invalid request warning";
    case RateLimitEventKind::kInvalidRequestCeiling:
      return "invalid request ceiling";
    case RateLimitEventKind::kCloudflareBan:
      return "cloudflare ban";
  }
  return "?";
}

// ---- Permit ----

Permit::Permit(Permit&& other) noexcept
    : scheduler_(std::exchange(other.scheduler_, nullptr)),
      id_(other.id_),
      attempt_(other.attempt_) {}

Permit& Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    if (scheduler_ != nullptr) scheduler_->abandon(id_);
    scheduler_ = std::exchange(other.scheduler_, nullptr);
    id_ = other.id_;
    attempt_ = other.attempt_;
  }
  return *this;
}

Permit::~Permit() {
  if (scheduler_ != nullptr) scheduler_->abandon(id_);
}

const Route& Permit::route() const {
  CORE_CHECK(scheduler_ != nullptr);
  return scheduler_->requests_.at(id_).route;
}

Outcome Permit::complete(int status, const RateLimitHeaders& headers) {
  CORE_CHECK(scheduler_ != nullptr);
  return std::exchange(scheduler_, nullptr)->finish(id_, status, headers);
}

Outcome Permit::fail_network() {
  CORE_CHECK(scheduler_ != nullptr);
  return std::exchange(scheduler_, nullptr)->finish(id_, std::nullopt, RateLimitHeaders{});
}

// ---- Scheduler ----

Scheduler::Scheduler(core::Clock& clock, SchedulerOptions options)
    : clock_(clock), options_(options) {
  CORE_CHECK(options_.max_attempts >= 1);
  CORE_CHECK(options_.invalid_request_hard_limit >= 1);
}

Scheduler::~Scheduler() = default;

RequestId Scheduler::submit(Route route, GrantFn on_grant) {
  RequestId id = next_id_++;
  Request request(id, next_seq_++, std::move(route),
                  std::make_shared<GrantFn>(std::move(on_grant)));
  request.not_before = clock_.now();
  auto bucket = bucket_for_route(request.route);
  auto [it, inserted] = requests_.emplace(id, std::move(request));
  CORE_CHECK(inserted);
  enqueue(*bucket, it->second);
  ++counters_.submitted;
  poll();
  return id;
}

bool Scheduler::cancel(RequestId id) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second.cancelled) return false;
  Request& request = it->second;
  if (request.in_flight) {
    request.cancelled = true;  // the completion reports kCancelled and frees the slot
    return true;
  }
  auto bucket = bucket_for_route(request.route);
  auto& queue = bucket->queue;
  auto pos = std::find_if(queue.begin(), queue.end(),
                          [&](const QueueEntry& entry) { return entry.id == id; });
  CORE_CHECK(pos != queue.end());
  queue.erase(pos);
  if (queue.empty()) active_.erase(bucket.get());
  requests_.erase(it);
  ++counters_.cancelled;
  poll();  // the cancelled request may have been the one holding others back
  return true;
}

std::shared_ptr<Scheduler::Bucket> Scheduler::bucket_for_route(const Route& route) {
  std::string route_key = route.key();
  if (auto it = bucket_by_route_.find(route_key); it != bucket_by_route_.end()) {
    return it->second;
  }
  std::shared_ptr<Bucket> bucket;
  if (auto hash = hash_by_template_.find(route.template_key()); hash != hash_by_template_.end()) {
    std::string key = hash->second + " @" + route.major_parameter();
    auto& slot = bucket_by_hash_[key];
    if (!slot) slot = std::make_shared<Bucket>(key, hash->second);
    bucket = slot;
  } else {
    bucket = std::make_shared<Bucket>(route_key, std::string());
  }
  bucket_by_route_.emplace(std::move(route_key), bucket);
  return bucket;
}

std::shared_ptr<Scheduler::Bucket> Scheduler::learn_bucket(const Route& route,
                                                           const std::string& hash) {
  std::string& known_hash = hash_by_template_[route.template_key()];
  const bool changed = known_hash != hash;
  known_hash = hash;
  std::string route_key = route.key();
  std::shared_ptr<Bucket> current = bucket_for_route(route);
  std::string target_key = hash + " @" + route.major_parameter();
  if (current->key == target_key) return current;

  std::shared_ptr<Bucket> target;
  auto existing = bucket_by_hash_.find(target_key);
  if (existing == bucket_by_hash_.end() && current->hash.empty()) {
    // The route's private probe bucket becomes the learned bucket; its state carries over.
    current->hash = hash;
    current->key = target_key;
    bucket_by_hash_.emplace(target_key, current);
    target = current;
  } else {
    if (existing == bucket_by_hash_.end()) {
      existing =
          bucket_by_hash_.emplace(target_key, std::make_shared<Bucket>(target_key, hash)).first;
    }
    target = existing->second;
    // Move this route's waiting requests to the shared bucket, keeping submission order.
    std::deque<QueueEntry> keep;
    for (const QueueEntry& entry : current->queue) {
      if (requests_.at(entry.id).route.key() == route_key) {
        auto pos = std::upper_bound(
            target->queue.begin(), target->queue.end(), entry.seq,
            [](std::uint64_t seq, const QueueEntry& other) { return seq < other.seq; });
        target->queue.insert(pos, entry);
      } else {
        keep.push_back(entry);
      }
    }
    current->queue = std::move(keep);
    if (current->queue.empty()) active_.erase(current.get());
    if (!target->queue.empty()) active_.insert(target.get());
  }
  bucket_by_route_[route_key] = target;
  if (changed) {
    emit(make_event(RateLimitEventKind::kBucketLearned, route.display(), hash));
  }
  return target;
}

void Scheduler::enqueue(Bucket& bucket, const Request& request) {
  auto pos =
      std::upper_bound(bucket.queue.begin(), bucket.queue.end(), request.seq,
                       [](std::uint64_t seq, const QueueEntry& other) { return seq < other.seq; });
  bucket.queue.insert(pos, QueueEntry{request.seq, request.id});
  active_.insert(&bucket);
}

void Scheduler::apply_headers(Bucket& bucket, const Request& request,
                              const RateLimitHeaders& headers, int status) {
  const Clock::TimePoint now = clock_.now();
  if (!headers.remaining || !headers.reset_after_us) {
    // No usable limit information. A successful or client-error answer without any
    // rate-limit header means the route is not limited per bucket.
    const bool none =
        !headers.remaining && !headers.reset_after_us && !headers.limit && !headers.bucket;
    if (none && status < 500 && status != 429 && !bucket.known) bucket.unlimited = true;
    return;
  }
  bucket.unlimited = false;
  if (headers.limit) {
    bucket.limit = headers.limit;
  } else if (!bucket.limit) {
    bucket.limit = *headers.remaining + 1;
  }
  const Clock::Duration reset_after = *headers.reset_after_us;
  const Clock::TimePoint new_reset = now + reset_after + options_.reset_margin;
  bucket.window_length = std::max(bucket.window_length, reset_after);
  // Requests of this window still in flight have been counted by us but perhaps not yet by
  // the server; subtracting them keeps the estimate conservative.
  const std::int64_t fresh = std::max<std::int64_t>(0, *headers.remaining - bucket.in_flight_epoch);

  if (!bucket.known) {
    bucket.known = true;
    bucket.remaining = fresh;
    bucket.reset_at = new_reset;
    bucket.reset_known = true;
    bucket.reset_provisional = false;
    return;
  }
  const bool same_bucket = request.granted_bucket.get() == &bucket;
  if (same_bucket && request.granted_epoch != bucket.epoch) return;  // an older window
  if (bucket.reset_provisional || !bucket.reset_known) {
    bucket.reset_at = new_reset;
    bucket.reset_known = true;
    bucket.reset_provisional = false;
    bucket.remaining = std::min(bucket.remaining, fresh);
  } else if (new_reset > bucket.reset_at + options_.window_tolerance) {
    // The server has already moved to a later window than the one we were counting.
    bucket.reset_at = new_reset;
    bucket.remaining = fresh;
  } else {
    // Every reading is receipt time + reset-after, never earlier than the server's true
    // reset, so the smallest reading of one window is both safe and the most precise.
    bucket.remaining = std::min(bucket.remaining, fresh);
    bucket.reset_at = std::min(bucket.reset_at, new_reset);
  }
}

Outcome Scheduler::retry_later(Request& request, microseconds wait_us) {
  request.not_before = clock_.now() + wait_us;
  ++counters_.requeued;
  enqueue(*bucket_for_route(request.route), request);
  return Outcome::kRequeued;
}

Outcome Scheduler::handle_429(Request& request, Bucket& bucket, bool bucket_was_known,
                              const RateLimitHeaders& headers) {
  const Clock::TimePoint now = clock_.now();
  microseconds wait_us =
      headers.retry_after_us.value_or(headers.reset_after_us.value_or(microseconds(1'000'000)));
  RateLimitEvent event =
      make_event(RateLimitEventKind::kRateLimited, request.route.display(), bucket.hash);
  event.scope = headers.scope;
  event.status = 429;
  event.wait_us = wait_us;
  ++counters_.rate_limited;
  if (headers.global || headers.scope == RateLimitScope::kGlobal) {
    event.scope = RateLimitScope::kGlobal;
    global_parked_until_ = std::max(global_parked_until_, now + wait_us);
    ++counters_.rate_limited_global;
    note_invalid_request();
  } else if (headers.scope == RateLimitScope::kShared) {
    // Someone else exhausted a resource-wide limit: not our fault, not an invalid request.
    bucket.parked_until = std::max(bucket.parked_until, now + wait_us);
    ++counters_.rate_limited_shared;
  } else if (headers.remaining && *headers.remaining > 0) {
    // A sublimit (e.g. a per-endpoint action limit inside a bucket that still has quota):
    // only this request waits.
    event.sublimit = true;
    ++counters_.rate_limited_sublimit;
    note_invalid_request();
  } else {
    // The server says the bucket is empty: its retry_after is the bucket's reset.
    bucket.remaining = 0;
    bucket.parked_until = std::max(bucket.parked_until, now + wait_us);
    if (bucket.known) {
      bucket.reset_at = now + wait_us;
      bucket.reset_known = true;
      bucket.reset_provisional = false;
    }
    if (bucket_was_known) {
      event.avoidable = true;
      ++counters_.rate_limited_avoidable;
    }
    note_invalid_request();
  }
  Outcome outcome = retry_later(request, wait_us);
  emit(std::move(event));
  return outcome;
}

Outcome Scheduler::finish(RequestId id, std::optional<int> status,
                          const RateLimitHeaders& headers) {
  auto it = requests_.find(id);
  CORE_CHECK(it != requests_.end() && it->second.in_flight);
  Request& request = it->second;
  std::shared_ptr<Bucket> granted = request.granted_bucket;
  granted->last_used = clock_.now();
  --granted->in_flight;
  if (request.granted_epoch == granted->epoch) --granted->in_flight_epoch;
  request.in_flight = false;
  const Clock::TimePoint now = clock_.now();
  refill_if_due(*granted, now);

  Outcome outcome = Outcome::kDeliver;
  if (request.cancelled) {
    ++counters_.cancelled;
    outcome = Outcome::kCancelled;
  } else if (!status) {
    ++request.failures;
    if (request.failures >= options_.max_attempts) {
      ++counters_.gave_up;
      outcome = Outcome::kGaveUp;
    } else {
      ++counters_.network_error_retries;
      auto wait = std::min<microseconds>(
          options_.retry_backoff_base * (1 << std::min(request.failures - 1, 20)),
          options_.retry_backoff_max);
      RateLimitEvent event =
          make_event(RateLimitEventKind::kRetryScheduled, request.route.display(), "");
      event.wait_us = wait;
      emit(std::move(event));
      outcome = retry_later(request, wait);
    }
  } else {
    std::shared_ptr<Bucket> bucket = headers.bucket ? learn_bucket(request.route, *headers.bucket)
                                                    : bucket_for_route(request.route);
    refill_if_due(*bucket, now);
    const bool was_known = bucket->known && !bucket->unlimited;
    const bool global_429 =
        *status == 429 && (headers.global || headers.scope == RateLimitScope::kGlobal);
    // Discord's own 429s always carry X-RateLimit-* headers; Cloudflare's never do.
    const bool cloudflare_429 = *status == 429 && !headers.global &&
                                headers.scope == RateLimitScope::kNone && !headers.bucket &&
                                !headers.limit && !headers.remaining && !headers.reset_after_us;
    if (!global_429 && !cloudflare_429) apply_headers(*bucket, request, headers, *status);
    if (cloudflare_429) {
      const microseconds wait_us = headers.retry_after_us.value_or(
          std::chrono::duration_cast<microseconds>(options_.cloudflare_pause));
      banned_until_ = std::max(banned_until_, now + wait_us);
      ++counters_.rate_limited;
      ++counters_.rate_limited_cloudflare;
      note_invalid_request();
      RateLimitEvent event =
          make_event(RateLimitEventKind::kCloudflareBan, request.route.display(), "");
      event.status = 429;
      event.wait_us = wait_us;
      outcome = retry_later(request, wait_us);
      emit(std::move(event));
    } else if (*status == 429) {
      outcome = handle_429(request, *bucket, was_known, headers);
    } else {
      if (*status == 401 || *status == 403) note_invalid_request();
      if (*status >= 500 && *status <= 599 && request.failures + 1 < options_.max_attempts) {
        ++request.failures;
        ++counters_.server_error_retries;
        auto wait = std::min<microseconds>(
            options_.retry_backoff_base * (1 << std::min(request.failures - 1, 20)),
            options_.retry_backoff_max);
        RateLimitEvent event =
            make_event(RateLimitEventKind::kRetryScheduled, request.route.display(), bucket->hash);
        event.status = *status;
        event.wait_us = wait;
        emit(std::move(event));
        outcome = retry_later(request, wait);
      }
    }
  }
  if (outcome == Outcome::kDeliver) ++counters_.delivered;
  if (outcome != Outcome::kRequeued) requests_.erase(id);
  poll();
  return outcome;
}

void Scheduler::abandon(RequestId id) {
  auto it = requests_.find(id);
  CORE_CHECK(it != requests_.end() && it->second.in_flight);
  it->second.cancelled = true;
  (void)finish(id, std::nullopt, RateLimitHeaders{});
}

void Scheduler::note_invalid_request() {
  const Clock::TimePoint now = clock_.now();
  invalid_requests_.push_back(now);
  ++counters_.invalid_requests;
  if (!warned_soft_limit_ &&
      invalid_requests_.size() >= static_cast<std::size_t>(options_.invalid_request_soft_limit)) {
    warned_soft_limit_ = true;
    emit(make_event(RateLimitEventKind::kInvalidRequestWarning, "", ""));
  }
}

std::size_t Scheduler::invalid_requests_in_window() const {
  const Clock::TimePoint now = clock_.now();
  return static_cast<std::size_t>(
      std::count_if(invalid_requests_.begin(), invalid_requests_.end(),
                    [&](Clock::TimePoint t) { return t + options_.invalid_window > now; }));
}

void Scheduler::refill_if_due(Bucket& bucket, Clock::TimePoint now) {
  if (!bucket.known || bucket.unlimited || !bucket.reset_known || now < bucket.reset_at) return;
  // A guessed reset is only a fallback for windows whose requests all failed: while one of
  // them is still in flight its answer will tell the real reset, so wait for it.
  if (bucket.reset_provisional && bucket.in_flight_epoch > 0) return;
  bucket.remaining = bucket.limit.value_or(1);
  ++bucket.epoch;
  bucket.in_flight_epoch = 0;
  // Until a response of the new window arrives, guess it lasts as long as the last one, so
  // a window whose every request fails can never leave the bucket stuck.
  bucket.reset_at =
      now + std::max<Clock::Duration>(bucket.window_length, std::chrono::milliseconds(1));
  bucket.reset_provisional = true;
}

bool Scheduler::bucket_open(const Bucket& bucket, Clock::TimePoint now) const {
  if (now < bucket.parked_until) return false;
  if (bucket.unlimited) return true;
  if (!bucket.known) return bucket.in_flight == 0;  // one probe until the limits are known
  return bucket.remaining > 0;
}

void Scheduler::prune(Clock::TimePoint now) {
  while (!global_sends_.empty() &&
         global_sends_.front() + options_.global_window + options_.global_margin <= now) {
    global_sends_.pop_front();
  }
  while (!invalid_requests_.empty() && invalid_requests_.front() + options_.invalid_window <= now) {
    invalid_requests_.pop_front();
  }
  const auto count = invalid_requests_.size();
  if (count * 2 < static_cast<std::size_t>(options_.invalid_request_soft_limit)) {
    warned_soft_limit_ = false;
  }
  const bool held = count >= static_cast<std::size_t>(options_.invalid_request_hard_limit);
  if (held && !held_by_guard_) {
    ++counters_.guard_ceiling_hits;
    auto ready = guard_ready_at();
    RateLimitEvent event = make_event(RateLimitEventKind::kInvalidRequestCeiling, "", "");
    event.wait_us = std::chrono::duration_cast<microseconds>(*ready - now);
    emit(std::move(event));
  }
  held_by_guard_ = held;
  sweep_idle_buckets(now);
}

void Scheduler::sweep_idle_buckets(Clock::TimePoint now) {
  if (now < next_sweep_) return;
  // A sweep walks every bucket: at most a few times per TTL.
  next_sweep_ =
      now + std::max<Clock::Duration>(options_.idle_bucket_ttl / 4, std::chrono::milliseconds(1));
  auto idle = [&](const Bucket& bucket) {
    return bucket.queue.empty() && bucket.in_flight == 0 && now >= bucket.parked_until &&
           (!bucket.reset_known || now >= bucket.reset_at) &&
           now >= bucket.last_used + options_.idle_bucket_ttl;
  };
  const std::size_t before = buckets();
  std::erase_if(bucket_by_route_, [&](const auto& entry) { return idle(*entry.second); });
  std::erase_if(bucket_by_hash_, [&](const auto& entry) { return idle(*entry.second); });
  counters_.buckets_forgotten += before - buckets();
}

std::size_t Scheduler::buckets() const {
  std::unordered_set<const Bucket*> distinct;
  for (const auto& [key, bucket] : bucket_by_route_) distinct.insert(bucket.get());
  for (const auto& [key, bucket] : bucket_by_hash_) distinct.insert(bucket.get());
  return distinct.size();
}

std::optional<Clock::TimePoint> Scheduler::global_ready_at(Clock::TimePoint now) const {
  if (options_.global_limit <= 0) return now;
  Clock::TimePoint ready = std::max(now, global_parked_until_);
  const auto limit = static_cast<std::size_t>(options_.global_limit);
  if (global_sends_.size() >= limit) {
    ready = std::max(ready, global_sends_[global_sends_.size() - limit] + options_.global_window +
                                options_.global_margin);
  }
  return ready;
}

std::optional<Clock::TimePoint> Scheduler::guard_ready_at() const {
  const auto hard = static_cast<std::size_t>(options_.invalid_request_hard_limit);
  if (invalid_requests_.size() < hard) return std::nullopt;
  return invalid_requests_[invalid_requests_.size() - hard] + options_.invalid_window;
}

void Scheduler::poll() {
  if (polling_) {
    repoll_ = true;  // a callback completed or submitted something: look again afterwards
    return;
  }
  polling_ = true;
  do {
    repoll_ = false;
    const Clock::TimePoint now = clock_.now();
    prune(now);
    std::vector<RequestId> granted;
    while (!held_by_guard_ && now >= banned_until_) {
      const bool global_open = *global_ready_at(now) <= now;
      Bucket* best = nullptr;
      std::size_t best_index = 0;
      std::uint64_t best_seq = std::numeric_limits<std::uint64_t>::max();
      for (Bucket* bucket : active_) {
        refill_if_due(*bucket, now);
        if (!bucket_open(*bucket, now)) continue;
        for (std::size_t i = 0; i < bucket->queue.size(); ++i) {
          const Request& request = requests_.at(bucket->queue[i].id);
          if (request.not_before > now) continue;  // parked alone (sublimit or backoff)
          if (!request.route.global_exempt() && !global_open) break;
          if (request.seq < best_seq) {
            best = bucket;
            best_index = i;
            best_seq = request.seq;
          }
          break;
        }
      }
      if (best == nullptr) break;
      RequestId id = best->queue[best_index].id;
      best->queue.erase(best->queue.begin() + static_cast<std::ptrdiff_t>(best_index));
      if (best->queue.empty()) active_.erase(best);
      Request& request = requests_.at(id);
      request.granted_bucket = bucket_for_route(request.route);
      CORE_CHECK(request.granted_bucket.get() == best);
      request.granted_epoch = best->epoch;
      request.in_flight = true;
      ++request.attempt;
      ++best->in_flight;
      ++best->in_flight_epoch;
      best->last_used = now;
      if (best->known && !best->unlimited) --best->remaining;
      if (!request.route.global_exempt() && options_.global_limit > 0) {
        global_sends_.push_back(now);
      }
      ++counters_.granted;
      granted.push_back(id);
    }
    for (RequestId id : granted) {
      auto it = requests_.find(id);
      if (it == requests_.end()) continue;
      if (it->second.cancelled) {
        abandon(id);
        continue;
      }
      std::shared_ptr<GrantFn> on_grant = it->second.on_grant;
      (*on_grant)(Permit(this, id, it->second.attempt));
    }
  } while (repoll_);
  polling_ = false;
}

std::optional<Clock::TimePoint> Scheduler::next_wakeup() const {
  const Clock::TimePoint now = clock_.now();
  std::optional<Clock::TimePoint> earliest;
  const Clock::TimePoint global_ready = *global_ready_at(now);
  for (const Bucket* bucket : active_) {
    Clock::TimePoint open_at = std::max(now, bucket->parked_until);
    if (!bucket->unlimited) {
      if (!bucket->known) {
        if (bucket->in_flight > 0) continue;  // waits for the probe's response
      } else if (bucket->remaining <= 0 && !(bucket->reset_known && bucket->reset_at <= now)) {
        if (!bucket->reset_known) continue;
        open_at = std::max(open_at, bucket->reset_at);
      }
    }
    for (const QueueEntry& entry : bucket->queue) {
      const Request& request = requests_.at(entry.id);
      Clock::TimePoint at = std::max(open_at, request.not_before);
      if (!request.route.global_exempt()) at = std::max(at, global_ready);
      if (!earliest || at < *earliest) earliest = at;
    }
  }
  if (earliest) {
    if (auto guard = guard_ready_at()) earliest = std::max(*earliest, *guard);
    earliest = std::max(*earliest, banned_until_);
  }
  return earliest;
}

std::optional<BucketSnapshot> Scheduler::bucket_of(const Route& route) const {
  auto it = bucket_by_route_.find(route.key());
  if (it == bucket_by_route_.end()) return std::nullopt;
  const Bucket& bucket = *it->second;
  BucketSnapshot snapshot;
  snapshot.hash = bucket.hash;
  snapshot.limit = bucket.limit;
  snapshot.remaining = bucket.remaining;
  snapshot.unlimited = bucket.unlimited;
  snapshot.queued = bucket.queue.size();
  snapshot.in_flight = bucket.in_flight;
  if (bucket.reset_known) snapshot.reset_at = bucket.reset_at;
  return snapshot;
}

void Scheduler::emit(RateLimitEvent event) {
  if (on_event_) on_event_(event);
}

}  // namespace mikami
