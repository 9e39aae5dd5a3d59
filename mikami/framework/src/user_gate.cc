#include "user_gate.h"

#include <atomic>
#include <memory>

#include "core/status.h"

namespace mikami::framework {

void UserGate::submit(const std::string& user, std::chrono::milliseconds max_wait, Task task,
                      std::function<void()> on_timeout) {
  {
    std::lock_guard lock(mutex_);
    auto [it, fresh] = entries_.try_emplace(user);
    if (!fresh) {
      ++waits_;
      const std::uint64_t id = next_id_++;
      const auto now = std::chrono::steady_clock::now();
      const std::uint64_t timer =
          timers_.schedule(now + max_wait, [this, user, id] { expire(user, id); });
      it->second.queue.push_back(Pending{id, std::move(task), std::move(on_timeout), timer, now});
      return;
    }
  }
  start(user, std::move(task), std::chrono::nanoseconds(0));
}

void UserGate::start(const std::string& user, Task task, std::chrono::nanoseconds waited) {
  auto once = std::make_shared<std::atomic<bool>>(false);
  Release release = [this, user, once] {
    CORE_CHECK(!once->exchange(true));  // a task releases exactly once
    this->release(user);
  };
  pool_.post([task = std::move(task), release = std::move(release), waited]() mutable {
    task(std::move(release), waited);
  });
}

void UserGate::release(const std::string& user) {
  Pending next;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(user);
    CORE_CHECK(it != entries_.end());
    if (it->second.queue.empty()) {
      entries_.erase(it);
      return;
    }
    next = std::move(it->second.queue.front());
    it->second.queue.pop_front();
  }
  timers_.cancel(next.timer);
  start(user, std::move(next.task), std::chrono::steady_clock::now() - next.queued_at);
}

void UserGate::expire(const std::string& user, std::uint64_t id) {
  std::function<void()> on_timeout;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(user);
    if (it == entries_.end()) return;
    auto& queue = it->second.queue;
    for (auto p = queue.begin(); p != queue.end(); ++p) {
      if (p->id != id) continue;
      on_timeout = std::move(p->on_timeout);
      queue.erase(p);
      ++timeouts_;
      break;
    }
  }
  if (on_timeout) pool_.post(std::move(on_timeout));
}

std::uint64_t UserGate::waits() const {
  std::lock_guard lock(mutex_);
  return waits_;
}

std::uint64_t UserGate::timeouts() const {
  std::lock_guard lock(mutex_);
  return timeouts_;
}

std::size_t UserGate::active_users() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mikami::framework
