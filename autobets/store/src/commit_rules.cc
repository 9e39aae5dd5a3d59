#include "autobets/commit_rules.h"

#include <string>

namespace autobets {

core::Status check_op_continues(const StoreOp& op, const Account& account,
                                std::string_view next_commitment) {
  if (op.type == StoreOp::Type::kNewSeed) {
    if (account.version > 0 && op.seed.commitment != next_commitment) {
      return core::fail(core::ErrorCode::kFailedPrecondition,
                        "seed change for user '" + op.seed.user +
                            "' does not activate the published next commitment");
    }
    return core::ok_status();
  }
  const LedgerRecord& r = op.record;
  if (account.commitment.empty() || r.balance_before != account.balance ||
      (r.kind == RecordKind::kWager &&
       (r.commitment != account.commitment || r.nonce != account.next_nonce))) {
    return core::fail(core::ErrorCode::kFailedPrecondition,
                      "ledger record for user '" + r.user +
                          "' does not continue the account it names (no account, balance or "
                          "nonce differs)");
  }
  return core::ok_status();
}

}  // namespace autobets
