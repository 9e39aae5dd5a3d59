// The SQLite schema of the AutoBets store and the mapping between its rows and records.
// Private to the store.
#pragma once

#include <string_view>

#include "autobets/store.h"
#include "sqlite_connection.h"

namespace autobets::sqlite {

// Version stored in settings.schema_version; open() refuses any other.
extern const std::string_view kSchemaVersion;
// The whole schema: tables, CHECK constraints, immutability triggers (docs/ledger.md).
extern const char* const kSchema;
// Column lists in the order read_record() and read_seed() expect.
extern const std::string_view kLedgerColumns;
extern const std::string_view kSeedColumns;

// The current row of `row`, selected with kLedgerColumns.
LedgerRecord read_record(const Statement& row);
// The current row, selected with kSeedColumns starting at column `first`.
SeedRecord read_seed(const Statement& row, int first);

}  // namespace autobets::sqlite
