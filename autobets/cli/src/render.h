// Turning records, replies and reports into text for people or JSON for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include "autobets/audit.h"
#include "autobets/model.h"
#include "autobets/store.h"

namespace autobets::cli {

nlohmann::json to_json(const LedgerRecord& record);
nlohmann::json to_json(const Reply& reply);
nlohmann::json to_json(const ReplayReport& report);
// A wide sum: a JSON number when it fits in 64 bits, else its exact decimal string.
nlohmann::json to_json(Wide value);
nlohmann::json to_json(const SeedRecord& seed, bool include_secret);

std::string describe(const LedgerRecord& record);  // one line for people
std::string format_amount(Amount amount);          // "1234"

}  // namespace autobets::cli
