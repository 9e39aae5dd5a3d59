// The running bot, assembled from its parts: the store, the registry of the composition
// root's modules, the REST client, the interaction responder, the router and its
// pipeline, the shards, the metrics endpoint. start() connects; wait_ready() waits for the
// first READY and syncs the commands; shutdown() drains: it stops taking new commands,
// finishes those in flight (bounded), flushes analytics and saves the sessions.
//
// Threading: start/wait_ready/shutdown from one thread (main); the rest runs on the
// components' own threads.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/app/config.h"
#include "mikami/app/logger.h"
#include "mikami/framework/metrics.h"
#include "mikami/framework/module.h"

namespace mikami::app {

class Bot {
 public:
  // `token` is never logged (the logger redacts it). `logger` must outlive the bot.
  static core::Result<std::unique_ptr<Bot>> start(
      const AppConfig& config, const std::string& token, Logger& logger,
      std::vector<std::unique_ptr<framework::Module>> modules);
  ~Bot();

  // Waits for the first READY, then syncs the commands (unless disabled). kUnavailable
  // when READY does not come within `timeout` or a shard closed fatally.
  core::Status wait_ready(std::chrono::milliseconds timeout);
  // The drain described above; returns true when nothing was left unfinished.
  bool shutdown();

  framework::Metrics& metrics();
  // The metrics endpoint's port (0 without one).
  std::uint16_t metrics_port() const;

 private:
  struct Impl;
  explicit Bot(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mikami::app
