// Points inside a store's commit() where a test can inject a failure (every store offers
// the same three, so one conformance suite checks that a failed commit leaves nothing).
#pragma once

#include <cstdint>

namespace autobets {

enum class FaultPoint : std::uint8_t {
  kBeforeLedgerWrite,   // the ledger write fails: nothing of the batch is written
  kBeforeBalanceWrite,  // the ledger rows are written, then the balance update fails
  kBeforeCommit,        // everything is written, then COMMIT fails
};

}  // namespace autobets
