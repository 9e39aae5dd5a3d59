#include "autobets/api_keys.h"

#include <chrono>

#include "autobets/fairness.h"
#include "key_store_impl.h"

namespace autobets {

std::string hash_token(std::string_view token) { return sha256_hex(token); }

core::Result<IssuedKey> KeyStore::create(const Caller& caller) {
  if (caller.scope == Scope::kPlay && !is_valid_user_id(caller.user)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "a play key needs a valid --user (1 to 64 of A-Z a-z 0-9 _ . : @ -), not '" +
                          caller.user + "'");
  }
  if (caller.scope != Scope::kPlay && !caller.user.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "a " + std::string(to_string(caller.scope)) +
                          " key acts for any user: --user is only for --scope play");
  }
  auto secret = OpenSslEntropy::instance().random_hex(24);
  CORE_RETURN_IF_ERROR(secret);
  IssuedKey key{"abk_" + *secret, "", caller};
  std::string hash = hash_token(key.token);
  key.id = hash.substr(0, 12);
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  CORE_RETURN_IF_ERROR(insert(hash, caller, now));
  return key;
}

core::Result<std::optional<Caller>> KeyStore::find(std::string_view token) {
  if (!token.starts_with("abk_") || token.size() != 52) return std::optional<Caller>();
  return lookup(hash_token(token));
}

core::Result<std::unique_ptr<KeyStore>> open_key_store(const std::string& db) {
  if (db.starts_with("postgresql://") || db.starts_with("postgres://")) {
    return open_pg_key_store(db);
  }
  return open_sqlite_key_store(db);
}

}  // namespace autobets
