// Discord's zlib-stream transport compression: one zlib context per connection; each
// gateway message is flushed with Z_SYNC_FLUSH, so a complete message ends with the bytes
// 00 00 FF FF. A message may arrive split across several WebSocket frames.
// Reference: https://discord.com/developers/docs/events/gateway#transport-compression
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

// The largest message a gateway connection inflates by default. Discord's largest payloads
// (GUILD_CREATE of a big guild) are a few MB; a compressed frame can expand about 1000
// times, so without a cap one 16 MiB frame would take some 16 GiB.
inline constexpr std::size_t kMaxInflatedMessageBytes = 64u << 20;

// Client side. Not thread safe; one per connection; reset by constructing a new one.
class ZlibStreamInflater {
 public:
  // A message (compressed, or once inflated) larger than `max_message_bytes` is kCorrupt.
  explicit ZlibStreamInflater(std::size_t max_message_bytes = kMaxInflatedMessageBytes);
  ~ZlibStreamInflater();
  ZlibStreamInflater(const ZlibStreamInflater&) = delete;
  ZlibStreamInflater& operator=(const ZlibStreamInflater&) = delete;

  // Adds one frame. Returns the decompressed message once a frame completes it, nullopt
  // while more frames are needed, or kCorrupt when the stream is not valid zlib (the
  // connection must then be dropped: the shared context cannot recover), also when the
  // message grows past max_message_bytes (inflation stops there: memory stays bounded).
  core::Result<std::optional<std::string>> push(std::string_view frame);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Server side (the sandbox). Not thread safe; one per connection.
class ZlibStreamDeflater {
 public:
  ZlibStreamDeflater();
  ~ZlibStreamDeflater();
  ZlibStreamDeflater(const ZlibStreamDeflater&) = delete;
  ZlibStreamDeflater& operator=(const ZlibStreamDeflater&) = delete;

  // Compresses one message and sync-flushes: the result ends with 00 00 FF FF.
  std::string compress(std::string_view message);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mikami
