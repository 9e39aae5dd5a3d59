// Picks the store a `--db` names: a postgresql:// or postgres:// URL opens the PostgreSQL
// store, anything else is the path of a SQLite file. The composition roots (the CLI, the
// simulation worker) open stores only through here.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "autobets/model.h"
#include "autobets/store.h"
#include "core/status.h"

namespace autobets {

// Creates a new AutoBets database (SqliteStore::create or PgStore::create).
core::Status create_store(const std::string& db, const Limits& limits);
// Adds the AutoBets tables to an existing SQLite file of another program
// (SqliteStore::create_in_existing); kInvalidArgument for a PostgreSQL URL, whose create_store
// already works in an existing database.
core::Status create_store_in_existing(const std::string& db, const Limits& limits);
// Opens an existing one (SqliteStore::open or PgStore::open).
core::Result<std::unique_ptr<Store>> open_store(const std::string& db);
// How messages name `db`: a URL without its password, a path as it is.
std::string display_db(std::string_view db);

}  // namespace autobets
