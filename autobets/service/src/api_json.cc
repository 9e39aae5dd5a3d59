#include "autobets/api_json.h"

#include <charconv>

#include "core/json_string.h"

namespace autobets {

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

namespace {

// `"name":` then the value; the names of one object must come in sorted order, as
// nlohmann::json (a std::map) writes them.
void append_name(std::string& out, std::string_view name) {
  if (out.back() != '{') out += ',';
  out += '"';
  out += name;
  out += "\":";
}

void field(std::string& out, std::string_view name, std::int64_t value) {
  append_name(out, name);
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void field(std::string& out, std::string_view name, std::string_view value) {
  append_name(out, name);
  core::append_json_string(out, value);
}

void field(std::string& out, std::string_view name, bool value) {
  append_name(out, name);
  out += value ? "true" : "false";
}

void append_record(std::string& out, const LedgerRecord& r) {
  const bool wager = r.kind == RecordKind::kWager;
  out += '{';
  field(out, "amount", r.amount);
  field(out, "balance_after", r.balance_after);
  field(out, "balance_before", r.balance_before);
  if (wager) {
    field(out, "client_seed", r.client_seed);
    field(out, "commitment", r.commitment);
  }
  field(out, "created_at_us", r.created_at_us);
  if (wager) {
    field(out, "game", r.game);
    field(out, "house_edge_bp", std::int64_t{r.house_edge_bp});
  }
  field(out, "idempotency_key", r.idempotency_key);
  field(out, "kind", to_string(r.kind));
  if (wager) {
    field(out, "nonce", r.nonce);
    field(out, "outcome", r.outcome);
    field(out, "params", r.params);
    field(out, "payout", r.payout);
  }
  field(out, "seq", r.seq);
  field(out, "user", r.user);
  out += '}';
}

}  // namespace

std::string to_json_text(const Reply& reply) {
  std::string out;
  out.reserve(reply.record ? 512 : 128);
  out += '{';
  field(out, "code", to_string(reply.code));
  field(out, "code_number", std::int64_t{static_cast<int>(reply.code)});
  if (reply.ok()) field(out, "duplicate", reply.duplicate);
  if (!reply.message.empty()) field(out, "message", reply.message);
  field(out, "ok", reply.ok());
  if (reply.record) {
    append_name(out, "record");
    append_record(out, *reply.record);
  }
  field(out, "retryable", is_retryable(reply.code));
  out += '}';
  return out;
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

nlohmann::json to_json(const VerifyReport& report) {
  return {{"ok", report.ok()},
          {"wagers", report.wagers},
          {"unrevealed", report.unrevealed},
          {"failures", report.failures}};
}

nlohmann::json to_json(const Account& account) {
  return {{"user", account.user}, {"balance", account.balance}, {"last_seq", account.last_seq}};
}

nlohmann::json to_json(const SeedsView& view) {
  nlohmann::json revealed = nlohmann::json::array();
  for (const auto& seed : view.revealed) revealed.push_back(to_json(seed, false));
  return {{"user", view.snapshot.account.user},
          {"active", to_json(view.snapshot.seed, false)},
          {"next_nonce", view.snapshot.account.next_nonce},
          {"next_commitment", view.snapshot.next_seed.commitment},
          {"revealed", revealed}};
}

nlohmann::json to_json(const RotatedSeeds& rotated) {
  return {{"revealed", to_json(rotated.revealed, true)},
          {"active", to_json(rotated.snapshot.seed, false)},
          {"next_commitment", rotated.snapshot.next_seed.commitment}};
}

}  // namespace autobets
