// The resumable part of a gateway connection, as a value. A process saves it on shutdown
// and restores it on start, so it resumes instead of identifying again when it can.
// The text format (one "key=value" per line after a version line) is documented in
// mikami/gateway/doc/session-format.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

struct GatewaySession {
  int shard_id = 0;
  int shard_count = 1;
  std::string session_id;                // from READY; empty when there is no session
  std::optional<std::int64_t> sequence;  // last dispatch sequence received
  std::string resume_gateway_url;        // from READY; where RESUME must connect

  // True when a RESUME can be attempted.
  bool resumable() const { return !session_id.empty() && sequence.has_value(); }
  void clear() {
    session_id.clear();
    sequence.reset();
    resume_gateway_url.clear();
  }
  friend bool operator==(const GatewaySession&, const GatewaySession&) = default;
};

std::string encode_session(const GatewaySession& session);
// Fails with kCorrupt naming the line when the text is not a session this code wrote.
core::Result<GatewaySession> decode_session(std::string_view text);

// Whether RESUME may connect to `resume_url` (from READY or a saved session) when the
// configured gateway is `gateway_url`. RESUME carries the bot token, so the resume URL must
// use the gateway's scheme (never ws:// for a wss:// gateway) and, against Discord (a
// gateway host under discord.gg), a host under discord.gg. (ws:// itself is only ever used
// for loopback hosts: the transport refuses it for any other.) An empty message means yes;
// otherwise it says why not, without the URL's query.
std::string check_resume_url(std::string_view resume_url, std::string_view gateway_url);

// Writes atomically (temp file + fsync + rename), readable and writable by the owner only
// (0600, in a directory made 0700): the session id lets whoever holds the token resume.
// Fails with kIo.
core::Status save_session(const std::filesystem::path& path, const GatewaySession& session);
// Fails with kNotFound when the file does not exist, kIo or kCorrupt otherwise.
core::Result<GatewaySession> load_session(const std::filesystem::path& path);

}  // namespace mikami
