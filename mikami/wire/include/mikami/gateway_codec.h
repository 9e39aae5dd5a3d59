// Gateway payloads as JSON text (encoding=json), translated to and from the state
// machine's types. Boost.JSON exceptions never escape: malformed input is a core::Error.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "mikami/shard.h"

namespace mikami {

// Decodes one inbound payload. A dispatch hands its parsed "d" on in `data` (in an arena of
// this payload; see InboundPayload). Fails
// with kInvalidArgument naming what was wrong (not JSON, no "op", HELLO without
// heartbeat_interval, READY without session_id ...).
core::Result<InboundPayload> decode_gateway_payload(std::string_view text);

// Encodes an outbound action. `token` is used only for IDENTIFY and RESUME; it appears in
// the returned text and nowhere else, so callers must never log that text.
std::string encode_gateway_payload(const SendAction& action, std::string_view token);

}  // namespace mikami
