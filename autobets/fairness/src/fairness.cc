#include "autobets/fairness.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace autobets {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(const std::uint8_t* bytes, std::size_t size) {
  std::string hex(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    hex[2 * i] = kHexDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kHexDigits[bytes[i] & 0xf];
  }
  return hex;
}

// The fetched HMAC algorithm and one context per thread: fetching per call costs more than
// the hash itself.
struct MacContext {
  MacContext() {
    mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac != nullptr) ctx = EVP_MAC_CTX_new(mac);
    if (ctx != nullptr) {
      char digest[] = "SHA256";
      OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                             OSSL_PARAM_construct_end()};
      if (EVP_MAC_CTX_set_params(ctx, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
      }
    }
  }
  ~MacContext() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
};

}  // namespace

core::Result<Block> OpenSslHasher::hmac_sha256(std::string_view key, std::string_view message) {
  thread_local MacContext context;
  if (context.ctx == nullptr) {
    return core::fail(core::ErrorCode::kInternal, "OpenSSL has no HMAC-SHA256");
  }
  Block out{};
  std::size_t out_size = 0;
  if (EVP_MAC_init(context.ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   nullptr) != 1 ||
      EVP_MAC_update(context.ctx, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      EVP_MAC_final(context.ctx, out.data(), &out_size, out.size()) != 1 ||
      out_size != out.size()) {
    return core::fail(core::ErrorCode::kInternal, "HMAC-SHA256 failed in OpenSSL");
  }
  return out;
}

OpenSslHasher& OpenSslHasher::instance() {
  static OpenSslHasher hasher;
  return hasher;
}

core::Result<std::string> OpenSslEntropy::random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return core::fail(core::ErrorCode::kUnavailable, "the system random generator failed");
  }
  return to_hex(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
}

OpenSslEntropy& OpenSslEntropy::instance() {
  static OpenSslEntropy entropy;
  return entropy;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  CORE_CHECK(EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  return to_hex(digest, size);
}

FairStream::FairStream(FairHasher& hasher, std::string_view server_seed,
                       std::string_view client_seed, std::int64_t nonce)
    : hasher_(hasher), server_seed_(server_seed) {
  prefix_.reserve(client_seed.size() + 24);
  prefix_.append(client_seed);
  prefix_ += ':';
  prefix_ += std::to_string(nonce);
  prefix_ += ':';
}

core::Status FairStream::refill() {
  std::string message = prefix_ + std::to_string(round_);
  auto block = hasher_.hmac_sha256(server_seed_, message);
  CORE_RETURN_IF_ERROR(block);
  block_ = *block;
  offset_ = 0;
  ++round_;
  return core::ok_status();
}

core::Result<std::uint64_t> FairStream::uniform(std::uint64_t bound) {
  CORE_CHECK(bound >= 1 && bound <= (std::uint64_t{1} << 63));
  // 2^64 mod bound, computed without 128-bit arithmetic; values below `limit` are accepted.
  const std::uint64_t excess = (0 - bound) % bound;
  const std::uint64_t limit = 0 - excess;  // wraps to 0 when excess == 0: accept everything
  while (true) {
    if (offset_ + 8 > block_.size()) CORE_RETURN_IF_ERROR(refill());
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | block_[offset_ + i];
    offset_ += 8;
    if (excess == 0 || value < limit) return value % bound;
  }
}

}  // namespace autobets
