#include "render.h"

#include "autobets/games.h"

namespace autobets::cli {

nlohmann::json to_json(const LedgerRecord& r) {
  nlohmann::json json = {{"seq", r.seq},
                         {"user", r.user},
                         {"kind", to_string(r.kind)},
                         {"idempotency_key", r.idempotency_key},
                         {"amount", r.amount},
                         {"balance_before", r.balance_before},
                         {"balance_after", r.balance_after},
                         {"created_at_us", r.created_at_us}};
  if (r.kind == RecordKind::kWager) {
    json["game"] = r.game;
    json["params"] = r.params;
    json["outcome"] = r.outcome;
    json["payout"] = r.payout;
    json["house_edge_bp"] = r.house_edge_bp;
    json["commitment"] = r.commitment;
    json["client_seed"] = r.client_seed;
    json["nonce"] = r.nonce;
  }
  return json;
}

nlohmann::json to_json(const Reply& reply) {
  nlohmann::json json = {{"ok", reply.ok()},
                         {"code", to_string(reply.code)},
                         {"code_number", static_cast<int>(reply.code)},
                         {"retryable", is_retryable(reply.code)}};
  if (!reply.message.empty()) json["message"] = reply.message;
  if (reply.record) json["record"] = to_json(*reply.record);
  if (reply.ok()) json["duplicate"] = reply.duplicate;
  return json;
}

nlohmann::json to_json(Wide value) {
  if (value >= INT64_MIN && value <= INT64_MAX) return static_cast<std::int64_t>(value);
  return to_decimal(value);  // exact, as a string, beyond what JSON numbers carry
}

nlohmann::json to_json(const ReplayReport& report) {
  const Totals& t = report.totals;
  return {{"ok", report.ok()},
          {"records", report.records},
          {"users", report.users},
          {"deposits", to_json(t.deposits)},
          {"withdrawals", to_json(t.withdrawals)},
          {"credits", to_json(t.credits)},
          {"wagers", t.wagers},
          {"wagered", to_json(t.wagered)},
          {"paid_out", to_json(t.paid_out)},
          {"house_net", to_json(t.house_net())},
          {"transfers", t.transfers},
          {"transferred", to_json(t.transferred_out)},
          {"balances_sum", to_json(report.balances_sum)},
          {"mismatches", report.mismatches}};
}

nlohmann::json to_json(const SeedRecord& seed, bool include_secret) {
  nlohmann::json json = {{"commitment", seed.commitment},
                         {"client_seed", seed.client_seed},
                         {"created_at_us", seed.created_at_us},
                         {"revealed", seed.revealed_at_us.has_value()}};
  if (include_secret || seed.revealed_at_us) json["server_seed"] = seed.server_seed;
  return json;
}

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
