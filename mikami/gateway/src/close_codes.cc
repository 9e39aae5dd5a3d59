#include "mikami/gateway_protocol.h"

namespace mikami {

CloseDecision classify_close(std::optional<std::uint16_t> code) {
  if (!code) return CloseDecision::kResume;  // reset, timeout, network loss
  switch (*code) {
    case 4004:  // authentication failed
    case 4010:  // invalid shard
    case 4011:  // sharding required
    case 4012:  // invalid API version
    case 4013:  // invalid intents
    case 4014:  // disallowed intents
      return CloseDecision::kFatal;
    case 4001:  // unknown opcode: we sent something broken, the session state is suspect
    case 4003:  // not authenticated: there is no session to resume
    case 4005:  // already authenticated: the session's state on both sides disagrees
    case 4007:  // invalid seq: the session cannot be resumed
    case 4009:  // session timed out
      return CloseDecision::kReidentify;
    default:
      // 4000, 4002, 4008, 1000/1001 sent by the server, 1006 and anything unknown:
      // reconnection is the normal path, and a resume that is refused falls back to
      // IDENTIFY through op 9.
      return CloseDecision::kResume;
  }
}

std::string_view describe_close(std::uint16_t code) {
  switch (code) {
    case 4000:
      return "unknown error";
    case 4001:
      return "unknown opcode sent";
    case 4002:
      return "invalid payload sent (decode error)";
    case 4003:
      return "payload sent before identifying";
    case 4004:
      return "authentication failed: the bot token is invalid";
    case 4005:
      return "already authenticated";
    case 4007:
      return "invalid sequence when resuming";
    case 4008:
      return "rate limited: too many payloads sent";
    case 4009:
      return "session timed out";
    case 4010:
      return "invalid shard sent when identifying";
    case 4011:
      return "sharding required: too many guilds for one connection";
    case 4012:
      return "invalid gateway API version";
    case 4013:
      return "invalid intents";
    case 4014:
      return "disallowed intents: enable the privileged intents in the developer portal";
    case 1000:
      return "normal closure";
    case 1001:
      return "going away";
    default:
      return "unrecognised close code";
  }
}

}  // namespace mikami
