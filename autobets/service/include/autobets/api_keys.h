// API keys of the HTTP API: `autobets keys create` issues one, `autobets serve` checks the
// bearer token of every request against them. A key is shown once, when created; only its
// SHA-256 is stored, so a copy of the database does not hand out working keys.
//
// Keys live in the AutoBets database itself (SQLite file or PostgreSQL), in a table of
// their own, `api_keys`, created on first use (docs/http-api.md, "API keys"): the ledger
// schema does not know about it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "autobets/service.h"
#include "core/status.h"

namespace autobets {

struct IssuedKey {
  std::string token;  // "abk_" + 48 hex digits: the bearer token, shown once
  std::string id;     // the first 12 hex digits of the token's hash, for people and logs
  Caller caller;
};

// Where keys are kept. Thread safe.
class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Issues a key for `caller` (play: `caller.user` must be a valid user id; other scopes:
  // it must be empty).
  core::Result<IssuedKey> create(const Caller& caller);
  // The caller whose key has this token, or nullopt when none has.
  core::Result<std::optional<Caller>> find(std::string_view token);

 protected:
  virtual core::Status insert(const std::string& hash, const Caller& caller,
                              std::int64_t created_at_us) = 0;
  virtual core::Result<std::optional<Caller>> lookup(const std::string& hash) = 0;
};

// Opens the key table of database `db` (as `--db` names it), creating the table when
// missing. The database must already exist.
core::Result<std::unique_ptr<KeyStore>> open_key_store(const std::string& db);

// SHA-256 of a token, lowercase hex: what the table stores.
std::string hash_token(std::string_view token);

}  // namespace autobets
