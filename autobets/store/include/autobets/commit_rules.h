// The rule every Store applies to each op of a commit before writing it (docs/ledger.md,
// "Several engines on one database"), kept in one place so that both stores refuse the same
// ops with the same message.
#pragma once

#include <string_view>

#include "autobets/store.h"
#include "core/status.h"

namespace autobets {

// Ok if `op` may apply on top of `account`, the user's row as the batch has moved it so far
// (version 0 while the user has none), whose published next commitment is `next_commitment`:
//   kNewSeed: for an existing account, `op.seed` must be the published next seed (the
//             operator cannot choose a server seed after seeing the client seed);
//   kAppend:  the account must exist with an active seed, the record must start from its
//             balance, and a wager must draw the account's seed at its next nonce.
// Otherwise kFailedPrecondition naming the user. The engine never builds such an op; this
// is the store's last line before the schema's own rules.
core::Status check_op_continues(const StoreOp& op, const Account& account,
                                std::string_view next_commitment);

}  // namespace autobets
