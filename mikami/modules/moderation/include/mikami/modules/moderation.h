// The moderation module:
//   /warn, /timeout (10m, 2h, 7d; at most 28 days), /untimeout, /kick, /ban (delete
//   messages of the last N seconds, optional duration: a temporary ban), /unban, /purge (up
//   to 100 recent messages, optionally of one member), /case show|reason, /history @member,
//   /modlog set|off (the per-server channel where every case is posted).
// Who may act on whom is the framework's (the command's permissions in the channel, the
// role hierarchy of the moderator and the bot over the target, never the owner, oneself or
// the bot). Every action becomes a case numbered per server, written (keyed by the
// interaction id) before Discord is called and completed after, so a redelivered
// interaction never acts twice and a crash in between is resolved at start-up. Actions
// taken by hand in Discord (its audit-log events) become cases too.
//
// It holds no state of its own: cases and temporary bans live in the bot store (its own
// migrations), the mod-log channel in the guild configuration.
#pragma once

#include <chrono>
#include <memory>

#include "mikami/framework/module.h"

namespace mikami::modules {

struct ModerationOptions {
  // How often expired temporary bans are lifted and interrupted cases resolved (also once
  // at start).
  std::chrono::milliseconds sweep_every{30'000};
};

std::unique_ptr<framework::Module> make_moderation_module(ModerationOptions options = {});

}  // namespace mikami::modules
