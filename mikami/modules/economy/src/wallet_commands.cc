// /balance, /daily, /pay, /leaderboard (paged with buttons) and the admins' /eco.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "bank.h"

namespace mikami::modules::economy {
namespace {

namespace json = boost::json;

constexpr std::size_t kPageSize = 10;
constexpr std::string_view kLeaderboardPrefix = "economy:lb:";

framework::OptionSpec amount_option(const std::string& what) {
  auto o = framework::option(OptionType::kInteger, "amount", what, true);
  o.min_value = 1;
  return o;
}

// "3h 12m" until `until`.
std::string wait_text(std::chrono::system_clock::duration left) {
  const auto minutes = std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::minutes>(left + std::chrono::seconds(59)).count());
  if (minutes < 60) return std::to_string(minutes) + "m";
  return std::to_string(minutes / 60) + "h " + std::to_string(minutes % 60) + "m";
}

Reply balance(Bank& bank, CommandContext& ctx) {
  if (auto member = ctx.id("member"); member && member->value() != ctx.user_id().value()) {
    return public_reply(resolved_name(ctx, "member") + " has " +
                        bank.coins(bank.balance(bank.account(ctx, member->value()))));
  }
  return public_reply("Balance: " + bank.coins(bank.balance(bank.account(ctx))));
}

Reply daily(Bank& bank, CommandContext& ctx) {
  using namespace std::chrono;
  const auto now = bank.options.clock->wall_now();
  const auto today = floor<days>(now);
  const year_month_day ymd{today};
  char day[16];
  std::snprintf(day, sizeof day, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  const std::string next = "Next claim in " + wait_text(today + days(1) - now) + ".";
  autobets::TransferRequest request;
  request.user = bank.account(ctx);
  request.kind = autobets::RecordKind::kCredit;
  request.amount = bank.options.daily_amount;
  request.idempotency_key = std::string("daily:") + day;
  const autobets::Reply reply = bank.engine->transfer(request);
  if (!reply.ok()) {
    if (reply.code == ReplyCode::kBalanceOverflow) {
      return refusal("balance_overflow", "Your balance cannot hold any more coins.");
    }
    throw std::runtime_error("daily credit: " + reply.message);
  }
  if (reply.duplicate) {
    return refusal("already_claimed",
                   "You already claimed today's " + bank.coins(reply.record->amount) + ". " + next);
  }
  return public_reply("You claimed " + bank.coins(reply.record->amount) +
                      ". Balance: " + bank.coins(reply.record->balance_after) + ". " + next);
}

Reply pay(Bank& bank, CommandContext& ctx) {
  const auto member = ctx.id("member");
  const Amount amount = ctx.integer("amount").value_or(0);
  if (!member) return refusal("invalid_option", "option member: name the member to pay");
  if (member->value() == ctx.user_id().value())
    return refusal("self_target", "You cannot pay yourself.");
  const std::string name = resolved_name(ctx, "member");
  if (resolved_bot(ctx, "member"))
    return refusal("bot_target", name + " is a bot and has no wallet.");
  if (amount <= 0) return refusal("invalid_option", "option amount: must be at least 1");
  autobets::UserTransfer transfer;
  transfer.from = bank.account(ctx);
  transfer.to = bank.account(ctx, member->value());
  transfer.amount = amount;
  transfer.idempotency_key = "pay:" + ctx.interaction().id.to_string();
  const autobets::Reply reply = bank.engine->transfer(transfer);
  switch (reply.code) {
    case ReplyCode::kOk:
      return public_reply("You paid " + name + " " + bank.coins(amount) +
                          ". Your balance: " + bank.coins(reply.record->balance_after) + ".");
    case ReplyCode::kUnknownUser:
    case ReplyCode::kInsufficientBalance:
      return refusal("insufficient_balance", "You have " + bank.coins(bank.balance(transfer.from)) +
                                                 "; you cannot pay " + bank.coins(amount) + ".");
    case ReplyCode::kBalanceOverflow:
      return refusal("balance_overflow",
                     name + "'s balance cannot hold " + bank.coins(amount) + " more.");
    case ReplyCode::kAmountAboveMaximum:
    case ReplyCode::kAmountBelowMinimum:
      return refusal("amount_out_of_range", reply.message);
    default:
      throw std::runtime_error("pay: " + reply.message);
  }
}

Reply eco(Bank& bank, CommandContext& ctx) {
  const bool credit = ctx.subcommand() == "credit";
  const auto member = ctx.id("member");
  const Amount amount = ctx.integer("amount").value_or(0);
  if (!member || amount <= 0) return refusal("invalid_option", "option amount: must be at least 1");
  const std::string name = resolved_name(ctx, "member");
  if (resolved_bot(ctx, "member"))
    return refusal("bot_target", name + " is a bot and has no wallet.");
  autobets::TransferRequest request;
  request.user = bank.account(ctx, member->value());
  request.kind = credit ? autobets::RecordKind::kCredit : autobets::RecordKind::kWithdrawal;
  request.amount = amount;
  request.idempotency_key = "eco:" + ctx.interaction().id.to_string();
  const autobets::Reply reply = bank.engine->transfer(request);
  switch (reply.code) {
    case ReplyCode::kOk:
      return private_reply((credit ? "Credited " : "Debited ") + name + " " + bank.coins(amount) +
                           ". " + name + "'s balance: " + bank.coins(reply.record->balance_after) +
                           ".");
    case ReplyCode::kUnknownUser:
    case ReplyCode::kInsufficientBalance:
      return refusal("insufficient_balance", name + " has " +
                                                 bank.coins(bank.balance(request.user)) +
                                                 "; you cannot debit " + bank.coins(amount) + ".");
    case ReplyCode::kBalanceOverflow:
      return refusal("balance_overflow",
                     name + "'s balance cannot hold " + bank.coins(amount) + " more.");
    default:
      throw std::runtime_error("eco: " + reply.message);
  }
}

// The guild's accounts by balance, highest first (ties by account id), as "1. name - 5 coins"
// lines, and Previous / Next buttons.
Reply leaderboard_page(Bank& bank, CommandContext& ctx, std::int64_t page) {
  const std::string guild = ctx.interaction().guild_id.to_string();
  const std::string prefix = economy_account(guild, "");
  auto accounts = bank.store->accounts();
  if (!accounts) throw std::runtime_error("leaderboard: " + accounts.error().message());
  std::vector<autobets::Account> here;
  for (auto& a : *accounts) {
    if (a.user.starts_with(prefix) && a.balance > 0) here.push_back(std::move(a));
  }
  std::sort(here.begin(), here.end(), [](const auto& a, const auto& b) {
    return a.balance != b.balance ? a.balance > b.balance : a.user < b.user;
  });
  if (here.empty()) return public_reply("Nobody here has any coins yet: try /daily.");
  const std::int64_t pages = static_cast<std::int64_t>((here.size() + kPageSize - 1) / kPageSize);
  page = std::clamp<std::int64_t>(page, 1, pages);
  cache::GuildCache* cache = ctx.services().guild_cache(ctx.interaction().guild_id);
  std::string text =
      "Leaderboard, page " + std::to_string(page) + " of " + std::to_string(pages) + ":\n";
  const std::size_t first = static_cast<std::size_t>(page - 1) * kPageSize;
  for (std::size_t i = first; i < std::min(here.size(), first + kPageSize); ++i) {
    const std::string user_id = here[i].user.substr(prefix.size());
    std::string name = "<@" + user_id + ">";
    auto id = model::UserId::parse(user_id);
    if (cache != nullptr && id) {
      auto m = cache->get_member(ctx.interaction().guild_id, *id);
      if (m && !m->nick.empty())
        name = m->nick;
      else if (m && m->user)
        name = m->user->display_name();
    }
    text += std::to_string(i + 1) + ". " + name + " - " + bank.coins(here[i].balance) + "\n";
  }
  auto button = [](const std::string& label, std::int64_t to, bool disabled) {
    return json::object{{"type", 2},
                        {"style", 2},
                        {"label", label},
                        {"custom_id", std::string(kLeaderboardPrefix) + std::to_string(to)},
                        {"disabled", disabled}};
  };
  json::array row{button("Previous", page - 1, page <= 1), button("Next", page + 1, page >= pages)};
  Reply reply = public_reply(text);
  reply.components_json =
      json::serialize(json::array{json::object{{"type", 1}, {"components", std::move(row)}}});
  return reply;
}

}  // namespace

std::vector<CommandSpec> wallet_commands(std::shared_ptr<Bank> bank) {
  auto bind = [bank](Reply (*f)(Bank&, CommandContext&)) {
    return [bank, f](CommandContext& ctx) { return f(*bank, ctx); };
  };
  CommandSpec balance_spec;
  balance_spec.name = "balance";
  balance_spec.description = "Your coins, or another member's";
  balance_spec.options = {framework::option(OptionType::kUser, "member", "Whose balance")};
  balance_spec.handler = bind(balance);

  CommandSpec daily_spec;
  daily_spec.name = "daily";
  daily_spec.description = "Claim today's coins (once per UTC day)";
  daily_spec.handler = bind(daily);

  CommandSpec pay_spec;
  pay_spec.name = "pay";
  pay_spec.description = "Give some of your coins to another member";
  pay_spec.options = {framework::option(OptionType::kUser, "member", "Who gets them", true),
                      amount_option("How many coins")};
  pay_spec.handler = bind(pay);

  auto page = framework::option(OptionType::kInteger, "page", "Which page (10 a page)");
  page.min_value = 1;
  CommandSpec leaderboard_spec;
  leaderboard_spec.name = "leaderboard";
  leaderboard_spec.description = "The richest members of this server";
  leaderboard_spec.options = {page};
  leaderboard_spec.handler = [bank](CommandContext& ctx) {
    return leaderboard_page(*bank, ctx, ctx.integer("page").value_or(1));
  };

  const std::vector<framework::OptionSpec> eco_options = {
      framework::option(OptionType::kUser, "member", "Whose balance", true),
      amount_option("How many coins")};
  CommandSpec eco_spec;
  eco_spec.name = "eco";
  eco_spec.description = "Adjust a member's balance (admins)";
  eco_spec.default_member_permissions = framework::Permission::kManageGuild;
  eco_spec.ephemeral = true;
  eco_spec.options = {framework::option(OptionType::kSubCommand, "credit", "Give a member coins",
                                        false, eco_options),
                      framework::option(OptionType::kSubCommand, "debit",
                                        "Take coins from a member", false, eco_options)};
  eco_spec.handler = bind(eco);
  return {balance_spec, daily_spec, pay_spec, leaderboard_spec, eco_spec};
}

std::vector<framework::ComponentSpec> wallet_components(std::shared_ptr<Bank> bank) {
  framework::ComponentSpec pages;
  pages.custom_id_prefix = std::string(kLeaderboardPrefix);
  pages.handler = [bank](CommandContext& ctx) {
    const std::string& id = ctx.interaction().data->custom_id;
    std::int64_t page = 1;
    try {
      page = std::stoll(id.substr(kLeaderboardPrefix.size()));
    } catch (const std::exception&) {
      page = 1;  // a button of an older version: the first page
    }
    return leaderboard_page(*bank, ctx, page);
  };
  return {pages};
}

}  // namespace mikami::modules::economy
