// Turning records into text for people.
#include "render.h"

#include "autobets/games.h"

namespace autobets::cli {

std::string format_amount(Amount amount) { return std::to_string(amount); }

std::string describe(const LedgerRecord& r) {
  std::string line = "#" + std::to_string(r.seq) + " " + std::string(to_string(r.kind)) + " " +
                     r.user + " " + format_amount(r.amount);
  if (r.kind == RecordKind::kWager) {
    std::string outcome =
        r.game == "coin" ? (r.outcome == 0 ? "heads" : "tails") : format_hundredths(r.outcome);
    line += " on " + r.game + " " + r.params + " -> " + outcome +
            (r.payout > 0 ? " won " : " lost") + (r.payout > 0 ? format_amount(r.payout) : "") +
            " (nonce " + std::to_string(r.nonce) + ")";
  }
  if (r.kind == RecordKind::kTransferOut) line += " to " + r.params;
  if (r.kind == RecordKind::kTransferIn) line += " from " + r.params;
  line += "  balance " + format_amount(r.balance_before) + " -> " + format_amount(r.balance_after);
  return line;
}

}  // namespace autobets::cli
