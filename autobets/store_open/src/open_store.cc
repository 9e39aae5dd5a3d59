#include "autobets/open_store.h"

#include "autobets/pg_store.h"
#include "autobets/sqlite_store.h"

namespace autobets {

core::Status create_store(const std::string& db, const Limits& limits) {
  if (is_postgres_url(db)) return PgStore::create(db, limits);
  return SqliteStore::create(db, limits);
}

core::Status create_store_in_existing(const std::string& db, const Limits& limits) {
  if (is_postgres_url(db)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "a PostgreSQL database gets its AutoBets tables from create_store");
  }
  return SqliteStore::create_in_existing(db, limits);
}

core::Result<std::unique_ptr<Store>> open_store(const std::string& db) {
  if (is_postgres_url(db)) {
    auto store = PgStore::open(db);
    CORE_RETURN_IF_ERROR(store);
    return std::unique_ptr<Store>(std::move(*store));
  }
  auto store = SqliteStore::open(db);
  CORE_RETURN_IF_ERROR(store);
  return std::unique_ptr<Store>(std::move(*store));
}

std::string display_db(std::string_view db) {
  return is_postgres_url(db) ? redact_postgres_url(db) : std::string(db);
}

}  // namespace autobets
