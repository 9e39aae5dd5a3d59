// API keys in the PostgreSQL database of the ledger, on a connection of their own.
#include <libpq-fe.h>

#include <mutex>

#include "autobets/open_store.h"
#include "key_store_impl.h"

namespace autobets {
namespace {

class PgKeyStore final : public KeyStore {
 public:
  PgKeyStore(PGconn* connection, std::string url)
      : connection_(connection), name_(display_db(url)) {}
  ~PgKeyStore() override { PQfinish(connection_); }

  static core::Result<std::unique_ptr<KeyStore>> open(const std::string& url) {
    auto store = std::make_unique<PgKeyStore>(PQconnectdb(url.c_str()), url);
    if (PQstatus(store->connection_) != CONNECTION_OK) {
      return core::fail(store->error(core::ErrorCode::kUnavailable, "connect to"));
    }
    PGresult* result =
        PQexec(store->connection_,
               ("SET client_min_messages = warning; " + std::string(kApiKeysTable)).c_str());
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) return core::fail(store->error(core::ErrorCode::kIo, "create the api_keys table in"));
    return std::unique_ptr<KeyStore>(std::move(store));
  }

 protected:
  core::Status insert(const std::string& hash, const Caller& caller,
                      std::int64_t created_at_us) override {
    std::lock_guard lock(mutex_);
    std::string scope(to_string(caller.scope));
    std::string created = std::to_string(created_at_us);
    const char* values[] = {hash.c_str(), scope.c_str(),
                            caller.scope == Scope::kPlay ? caller.user.c_str() : nullptr,
                            created.c_str()};
    PGresult* result = PQexecParams(connection_,
                                    "INSERT INTO api_keys (key_hash, scope, user_id, "
                                    "created_at_us) VALUES ($1, $2, $3, $4)",
                                    4, nullptr, values, nullptr, nullptr, 0);
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) return core::fail(error(core::ErrorCode::kIo, "store the key in"));
    return core::ok_status();
  }

  core::Result<std::optional<Caller>> lookup(const std::string& hash) override {
    std::lock_guard lock(mutex_);
    if (PQstatus(connection_) != CONNECTION_OK) PQreset(connection_);
    const char* values[] = {hash.c_str()};
    PGresult* result =
        PQexecParams(connection_, "SELECT scope, user_id FROM api_keys WHERE key_hash = $1", 1,
                     nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      PQclear(result);
      return core::fail(error(core::ErrorCode::kUnavailable, "look a key up in"));
    }
    std::optional<Caller> caller;
    if (PQntuples(result) == 1) {
      if (auto scope = parse_scope(PQgetvalue(result, 0, 0))) {
        caller = Caller{*scope, PQgetisnull(result, 0, 1) ? "" : PQgetvalue(result, 0, 1)};
      }
    }
    PQclear(result);
    return caller;
  }

 private:
  // libpq's messages name the host and database, never the password.
  core::Error error(core::ErrorCode code, const std::string& action) const {
    return core::Error(code, "cannot " + action + " " + name_ + ": " + PQerrorMessage(connection_));
  }

  std::mutex mutex_;
  PGconn* connection_;
  std::string name_;
};

}  // namespace

core::Result<std::unique_ptr<KeyStore>> open_pg_key_store(const std::string& url) {
  return PgKeyStore::open(url);
}

}  // namespace autobets
