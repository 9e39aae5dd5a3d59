// Discord's zlib-stream transport compression: one zlib context per connection; each
// gateway message is flushed with Z_SYNC_FLUSH, so a complete message ends with the bytes
// 00 00 FF FF. A message may arrive split across several WebSocket frames.
// Reference: https://discord.com/developers/docs/events/gateway#transport-compression
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

// Client side. Not thread safe; one per connection; reset by constructing a new one.
class ZlibStreamInflater {
 public:
  ZlibStreamInflater();
  ~ZlibStreamInflater();
  ZlibStreamInflater(const ZlibStreamInflater&) = delete;
  ZlibStreamInflater& operator=(const ZlibStreamInflater&) = delete;

  // Adds one frame. Returns the decompressed message once a frame completes it, nullopt
  // while more frames are needed, or kCorrupt when the stream is not valid zlib (the
  // connection must then be dropped: the shared context cannot recover).
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
