#include "bank.h"

namespace mikami::modules::economy {

std::string Bank::coins(autobets::Amount amount) const {
  std::string digits = std::to_string(amount < 0 ? -amount : amount);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return (amount < 0 ? "-" : "") + digits + " " + options.currency;
}

std::string Bank::account(const framework::CommandContext& ctx) const {
  return account(ctx, ctx.user_id().value());
}

std::string Bank::account(const framework::CommandContext& ctx, std::uint64_t user) const {
  return economy_account(ctx.interaction().guild_id.to_string(), std::to_string(user));
}

autobets::Amount Bank::balance(const std::string& account) const {
  auto snapshot = store->load(account);
  if (!snapshot)
    throw std::runtime_error("balance of " + account + ": " + snapshot.error().message());
  return *snapshot ? (*snapshot)->account.balance : 0;
}

framework::Reply private_reply(std::string text) {
  return framework::Reply{std::move(text), "", true};
}

framework::Reply refusal(std::string why, std::string text) {
  framework::Reply reply = private_reply(std::move(text));
  reply.refusal = std::move(why);
  return reply;
}

framework::Reply public_reply(std::string text) {
  return framework::Reply{std::move(text), "", std::nullopt};
}

namespace {
const model::User* resolved_user(const framework::CommandContext& ctx, const std::string& option) {
  const auto id = ctx.id(option);
  if (!id || !ctx.interaction().data) return nullptr;
  const auto& users = ctx.interaction().data->resolved.users;
  auto it = users.find(model::UserId(id->value()));
  return it == users.end() ? nullptr : &it->second;
}
}  // namespace

std::string resolved_name(const framework::CommandContext& ctx, const std::string& option) {
  const model::User* user = resolved_user(ctx, option);
  if (user != nullptr) return user->display_name();
  const auto id = ctx.id(option);
  return id ? "<@" + id->to_string() + ">" : "someone";
}

bool resolved_bot(const framework::CommandContext& ctx, const std::string& option) {
  const model::User* user = resolved_user(ctx, option);
  return user != nullptr && user->bot;
}

}  // namespace mikami::modules::economy
