// A module for tests: every command records when its handler ran, so a test can check
// the pipeline's order and the per-user lock from outside.
//   /echo text:<1-20 chars> [count:1-5]   answers the text
//   /slow ms:<0-60000>                    sleeps, then answers "slept N ms"
//   /boom                                  throws
//   /nudge user:<member>                   Kick Members, bot needs Kick Members; acts on a
//                                          member (role hierarchy checked)
//   /daily                                 a 60 s cooldown
// and every MESSAGE_CREATE is a run named by its content (the first, "event 0", slow).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mikami/framework/module.h"

namespace mikami::modules {

// What the handlers did, shared with the test.
struct ProbeLog {
  struct Run {
    std::string command;
    std::string user_id;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point finished;
  };
  std::mutex mutex;
  std::vector<Run> runs;  // guarded by mutex

  std::vector<Run> snapshot() {
    std::lock_guard lock(mutex);
    return runs;
  }
};

std::unique_ptr<framework::Module> make_probe_module(std::shared_ptr<ProbeLog> log);

}  // namespace mikami::modules
