// The JSON shapes of AutoBets' records, replies and reports, shared by the command line's
// --json output and the HTTP API (docs/http-api.md), so both say the same thing.
#pragma once

#include <nlohmann/json.hpp>

#include "autobets/audit.h"
#include "autobets/model.h"
#include "autobets/service.h"
#include "autobets/store.h"

namespace autobets {

nlohmann::json to_json(const LedgerRecord& record);
nlohmann::json to_json(const Reply& reply);
// The text of to_json(reply).dump(), written directly: the HTTP API answers every wager
// with it, and building the document first costs several times more. (Where dump would
// throw on a string that is not UTF-8, the bad bytes become U+FFFD.)
std::string to_json_text(const Reply& reply);
nlohmann::json to_json(const ReplayReport& report);
nlohmann::json to_json(const VerifyReport& report);
// A wide sum: a JSON number when it fits in 64 bits, else its exact decimal string.
nlohmann::json to_json(Wide value);
nlohmann::json to_json(const SeedRecord& seed, bool include_secret);
nlohmann::json to_json(const Account& account);
nlohmann::json to_json(const SeedsView& view);
nlohmann::json to_json(const RotatedSeeds& rotated);

}  // namespace autobets
