// The PostgreSQL schema of the AutoBets store (documented in docs/ledger.md) and the mapping
// between its rows and the model's records.
#pragma once

#include <string_view>

#include "autobets/model.h"
#include "autobets/store.h"
#include "pg_connection.h"

namespace autobets::pg {

extern const std::string_view kSchemaVersion;
// Tables, constraints and triggers; run in one transaction by PgStore::create.
extern const char* const kSchema;
// The ledger columns read_record() expects, in order.
extern const std::string_view kLedgerColumns;
extern const std::string_view kSeedColumns;

LedgerRecord read_record(const Rows& rows, int row);
SeedRecord read_seed(const Rows& rows, int row, int first);

}  // namespace autobets::pg
