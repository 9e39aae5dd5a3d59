// Provably fair randomness (docs/fairness.md): every outcome is derived from
//   HMAC-SHA256(key = server_seed, message = "<client_seed>:<nonce>:<round>")
// for round = 0, 1, 2, ... read as one byte stream. The SHA-256 of the server seed (the
// commitment) is published before the seed is used, and the seed itself is revealed when it
// is rotated out, so a player can recompute every outcome.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace autobets {

using Block = std::array<std::uint8_t, 32>;

// Computes HMAC-SHA256. The interface exists so tests can inject a failing one.
// Implementations are thread safe.
class FairHasher {
 public:
  virtual ~FairHasher() = default;
  virtual core::Result<Block> hmac_sha256(std::string_view key, std::string_view message) = 0;
};

// OpenSSL's HMAC-SHA256, with one reusable context per thread.
class OpenSslHasher final : public FairHasher {
 public:
  core::Result<Block> hmac_sha256(std::string_view key, std::string_view message) override;
  static OpenSslHasher& instance();
};

// Source of new server and client seeds. Thread safe.
class EntropySource {
 public:
  virtual ~EntropySource() = default;
  // `bytes` random bytes from a cryptographic generator, as lowercase hex.
  virtual core::Result<std::string> random_hex(std::size_t bytes) = 0;
};

// OpenSSL's RAND_bytes.
class OpenSslEntropy final : public EntropySource {
 public:
  core::Result<std::string> random_hex(std::size_t bytes) override;
  static OpenSslEntropy& instance();
};

// Lowercase hex SHA-256 of `text`: the commitment to a server seed.
std::string sha256_hex(std::string_view text);

// The byte stream of one wager, turned into unbiased integers. Not thread safe; cheap.
// The hasher must outlive the stream.
class FairStream {
 public:
  FairStream(FairHasher& hasher, std::string_view server_seed, std::string_view client_seed,
             std::int64_t nonce);

  // A uniformly distributed integer in [0, bound), 1 <= bound <= 2^63. Reads 8 bytes
  // (big-endian) at a time and rejects values at or above the largest multiple of `bound`
  // that fits in 64 bits, so no value is favoured (no modulo bias, no floating point).
  // Fails only if the hasher fails.
  core::Result<std::uint64_t> uniform(std::uint64_t bound);

  // Number of HMAC blocks consumed so far.
  std::int64_t rounds_used() const { return round_; }

 private:
  core::Status refill();

  FairHasher& hasher_;
  std::string_view server_seed_;
  std::string prefix_;  // "<client_seed>:<nonce>:"
  Block block_{};
  std::size_t offset_ = sizeof(Block);
  std::int64_t round_ = 0;
};

}  // namespace autobets
