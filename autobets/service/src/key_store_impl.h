// The two KeyStore implementations, private to the service; open_key_store picks one.
#pragma once

#include <memory>
#include <string>

#include "autobets/api_keys.h"

namespace autobets {

// The one table both implementations create (the same columns and checks on both).
inline constexpr const char* kApiKeysTable =
    "CREATE TABLE IF NOT EXISTS api_keys ("
    " key_hash TEXT PRIMARY KEY,"
    " scope TEXT NOT NULL CHECK (scope IN ('play', 'service', 'admin')),"
    " user_id TEXT,"
    " created_at_us BIGINT NOT NULL,"
    " CHECK ((scope = 'play') = (user_id IS NOT NULL)))";

core::Result<std::unique_ptr<KeyStore>> open_sqlite_key_store(const std::string& path);
core::Result<std::unique_ptr<KeyStore>> open_pg_key_store(const std::string& url);

}  // namespace autobets
