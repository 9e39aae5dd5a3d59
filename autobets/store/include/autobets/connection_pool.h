#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/status.h"

namespace autobets {

// Reader connections shared by the threads of one store: a lease lends an idle connection,
// or opens a new one when none is idle, and gives it back when the lease ends. At most
// `max_idle` connections are kept idle; any more are closed on return. Thread-safe; the pool
// must outlive its leases.
template <typename Connection>
class ConnectionPool {
 public:
  using Open = std::function<core::Result<std::unique_ptr<Connection>>()>;

  ConnectionPool(Open open, std::size_t max_idle) : open_(std::move(open)), max_idle_(max_idle) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(connection_)); }
    Connection* operator->() { return connection_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  core::Result<std::unique_ptr<Lease>> lease() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return std::make_unique<Lease>(*this, std::move(connection));
      }
    }
    auto connection = open_();
    CORE_RETURN_IF_ERROR(connection);
    return std::make_unique<Lease>(*this, std::move(*connection));
  }

 private:
  void give_back(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
  }

  const Open open_;
  const std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
};

}  // namespace autobets
