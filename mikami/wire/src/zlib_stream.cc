#include "mikami/zlib_stream.h"

#include <zlib.h>

#include <cstring>

#include "core/status.h"

namespace mikami {
namespace {

bool ends_with_flush_marker(std::string_view data) {
  static constexpr char kMarker[] = {'\x00', '\x00', '\xff', '\xff'};
  return data.size() >= 4 && std::memcmp(data.data() + data.size() - 4, kMarker, 4) == 0;
}

}  // namespace

struct ZlibStreamInflater::State {
  z_stream stream{};
  std::string pending;
  bool broken = false;
  std::size_t max_message_bytes = kMaxInflatedMessageBytes;
};

ZlibStreamInflater::ZlibStreamInflater(std::size_t max_message_bytes)
    : state_(std::make_unique<State>()) {
  state_->max_message_bytes = max_message_bytes;
  CORE_CHECK(inflateInit(&state_->stream) == Z_OK);
}

ZlibStreamInflater::~ZlibStreamInflater() { inflateEnd(&state_->stream); }

core::Result<std::optional<std::string>> ZlibStreamInflater::push(std::string_view frame) {
  if (state_->broken) return core::fail(core::ErrorCode::kCorrupt, "zlib-stream already failed");
  const std::size_t limit = state_->max_message_bytes;
  auto too_large = [&] {
    state_->broken = true;
    state_->pending.clear();
    state_->pending.shrink_to_fit();
    return core::fail(core::ErrorCode::kCorrupt,
                      "zlib-stream message larger than " + std::to_string(limit) + " bytes");
  };
  if (state_->pending.size() + frame.size() > limit) return too_large();
  state_->pending.append(frame);
  if (!ends_with_flush_marker(state_->pending)) return std::optional<std::string>();
  std::string out;
  z_stream& z = state_->stream;
  z.next_in = reinterpret_cast<Bytef*>(state_->pending.data());
  z.avail_in = static_cast<uInt>(state_->pending.size());
  char buffer[16384];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    int rc = inflate(&z, Z_SYNC_FLUSH);
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      state_->broken = true;
      return core::fail(core::ErrorCode::kCorrupt,
                        std::string("zlib-stream inflate failed: ") + (z.msg ? z.msg : "error"));
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > limit) return too_large();
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  } while (z.avail_in > 0 || z.avail_out == 0);
  state_->pending.clear();
  return std::optional<std::string>(std::move(out));
}

struct ZlibStreamDeflater::State {
  z_stream stream{};
};

ZlibStreamDeflater::ZlibStreamDeflater() : state_(std::make_unique<State>()) {
  CORE_CHECK(deflateInit(&state_->stream, Z_DEFAULT_COMPRESSION) == Z_OK);
}

ZlibStreamDeflater::~ZlibStreamDeflater() { deflateEnd(&state_->stream); }

std::string ZlibStreamDeflater::compress(std::string_view message) {
  z_stream& z = state_->stream;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
  z.avail_in = static_cast<uInt>(message.size());
  char buffer[16384];
  do {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    int rc = deflate(&z, Z_SYNC_FLUSH);
    CORE_CHECK(rc == Z_OK || rc == Z_BUF_ERROR);
    out.append(buffer, sizeof buffer - z.avail_out);
  } while (z.avail_out == 0);
  return out;
}

}  // namespace mikami
