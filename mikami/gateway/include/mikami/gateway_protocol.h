// Gateway v10 opcodes and close codes, and what a client must do after each close.
// Reference: https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mikami {

enum class GatewayOp : int {
  kDispatch = 0,
  kHeartbeat = 1,
  kIdentify = 2,
  kPresenceUpdate = 3,
  kVoiceStateUpdate = 4,
  kResume = 6,
  kReconnect = 7,
  kRequestGuildMembers = 8,
  kInvalidSession = 9,
  kHello = 10,
  kHeartbeatAck = 11,
};

// Close code a client sends when it means to resume afterwards. Discord invalidates the
// session when a client closes with 1000 or 1001, so every other client-initiated close
// uses this private code.
inline constexpr std::uint16_t kCloseCodeReconnect = 4900;
inline constexpr std::uint16_t kCloseCodeNormal = 1000;

// What the client does after the connection closed with `code` (nullopt: no close frame,
// e.g. a reset connection).
enum class CloseDecision : std::uint8_t {
  kResume,      // reconnect and RESUME the session if there is one
  kReidentify,  // reconnect and IDENTIFY a new session (4007 invalid seq, 4009 timed out)
  kFatal,       // stop: 4004 auth failed, 4010 invalid shard, 4011 sharding required,
                // 4012 invalid API version, 4013 invalid intents, 4014 disallowed intents
};

CloseDecision classify_close(std::optional<std::uint16_t> code);

// A sentence for people about a close code ("authentication failed: the token is
// invalid"); never contains the token.
std::string_view describe_close(std::uint16_t code);

}  // namespace mikami
