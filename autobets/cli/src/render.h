// Turning records into text for people (JSON shapes: autobets/api_json.h).
#pragma once

#include <string>

#include "autobets/api_json.h"
#include "autobets/model.h"

namespace autobets::cli {

std::string describe(const LedgerRecord& record);  // one line for people
std::string format_amount(Amount amount);          // "1234"

}  // namespace autobets::cli
